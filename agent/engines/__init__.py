"""Engines: every model provider behind one protocol, chosen by a setting.

``create_engine(settings)`` and ``create_cloud_engine(settings)`` are the only places
that decide which engine runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

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
from contracts.errors import ConfigError, NeedsKeyError

if TYPE_CHECKING:
    import httpx

    from agent.engines.cloud import Price

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
    "create_cloud_engine",
    "create_engine",
    "other_local_models",
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


def other_local_models(engine: Engine) -> list[Engine]:
    """The same local engine with each other installed chat model (an evaluation compares
    them): Ollama's other chat models (rollback pins left out), the embedded engine's
    other packaged models."""
    from agent.engines.embedded import EmbeddedEngine
    from agent.engines.ollama import OllamaEngine
    from agent.engines.ollama_models import PIN_MARK

    others: list[Engine] = []
    if isinstance(engine, OllamaEngine):
        for m in engine.models():
            if m.name != engine.model and PIN_MARK not in m.name and not engine.is_embedding(m):
                others.append(OllamaEngine(engine.host, m.name))
    elif isinstance(engine, EmbeddedEngine):
        others += [EmbeddedEngine(m.name) for m in engine.models() if m.name != engine.model]
    return others


def create_cloud_engine(
    settings: Settings,
    *,
    key: str | None = None,
    get_key: Callable[[str], str | None] | None = None,
    client: httpx.Client | None = None,
    prices: dict[str, Price] | None = None,
) -> CloudEngine:
    """The cloud engine the settings name, with its key from the keyring."""
    from agent.engines.cloud import DEFAULT_PRICES, PROVIDERS, price_for

    name = settings.cloud_provider
    provider = PROVIDERS.get(name)
    if provider is None:
        raise ConfigError(
            f"Unknown cloud provider {name!r}",
            fix=f"set cloud_provider to one of: {', '.join(PROVIDERS)}",
        )
    base_url = settings.cloud_base_url or provider.base_url
    model = settings.cloud_model or provider.model
    if not base_url or not model:
        raise ConfigError(
            f"The {name} provider needs cloud_base_url and cloud_model in the settings",
            fix='set both, e.g. cloud_base_url = "https://gpu-box:8000/v1"',
        )
    if urlsplit(base_url).scheme not in ("http", "https"):
        raise ConfigError(f"cloud_base_url {base_url!r} is not an http(s) URL")
    if key is None:
        if get_key is None:
            from agent.secrets import get_secret

            get_key = get_secret
        key = get_key(name)
    if not key:
        raise NeedsKeyError(
            f"No API key for {provider.label} in the keyring",
            fix=f"add one with `fanous keys set {name}`",
        )
    price = price_for(prices or DEFAULT_PRICES, model)
    if provider.protocol == "anthropic":
        from agent.engines.anthropic import AnthropicEngine

        return AnthropicEngine(
            base_url=base_url, model=model, api_key=key, client=client, price=price
        )
    from agent.engines.openai_compat import OpenAICompatEngine

    return OpenAICompatEngine(
        provider=name, base_url=base_url, model=model, api_key=key, client=client, price=price
    )
