"""Engines: every model provider behind one protocol, chosen by a setting.

``create_engine(settings)`` is the only place that decides which engine runs.
"""

from __future__ import annotations

from agent.config import Settings
from agent.engines.base import (
    CancelToken,
    Capabilities,
    ChatChunk,
    CloudEngine,
    Engine,
    Exchange,
    Health,
    Message,
    ModelInfo,
)
from contracts.errors import ConfigError

__all__ = [
    "LOCAL_ENGINES",
    "CancelToken",
    "Capabilities",
    "ChatChunk",
    "CloudEngine",
    "Engine",
    "Exchange",
    "Health",
    "Message",
    "ModelInfo",
    "create_engine",
]

LOCAL_ENGINES = ("auto", "embedded", "ollama")


def create_engine(settings: Settings) -> Engine:
    """The local engine the settings ask for; "auto" prefers Ollama (started when it is
    installed but stopped) and falls back to the embedded engine."""
    choice = settings.engine
    if choice not in LOCAL_ENGINES:
        raise ConfigError(
            f"Unknown engine {choice!r}", fix=f"set engine to one of: {', '.join(LOCAL_ENGINES)}"
        )
    if choice in ("auto", "ollama"):
        from agent.engines.ollama_manager import shared_manager
        from contracts.errors import FanousError

        manager = shared_manager(settings.ollama_host)
        try:  # running, or installed and now started as our child (stopped at exit)
            running = manager.ensure_running().state == "running"
        except FanousError:  # not installed: the embedded engine answers meanwhile
            running = False
        if choice == "ollama" or running:
            engine = manager.engine(settings.ollama_model)
            if choice == "ollama":
                return engine
            try:
                engine.resolve_model()
                return engine
            except Exception:  # Ollama runs but has no chat model: use the embedded one
                pass
    from agent.engines.embedded import EmbeddedEngine

    return EmbeddedEngine(settings.embedded_model)
