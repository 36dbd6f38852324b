"""Where an installed package's files are, found without importing it.

Standard library only: ``agent.llama_first`` uses it as ``agent`` is imported, before
numpy or anything else is loaded.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

__all__ = ["package_dir"]


def package_dir(package: str) -> Path | None:
    """The folder of an installed package (or of its files in the installed app)."""
    # find_spec locates the package without importing it (its __init__ may pull in
    # other libraries we do not want).
    spec = importlib.util.find_spec(package)
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    # In the installed app (PyInstaller) the model file is bundled as data, not as a module.
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle and (Path(bundle) / package).is_dir():
        return Path(bundle) / package
    return None
