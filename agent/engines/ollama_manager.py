"""Ollama managed end to end: one object per server that finds and starts it
(``ollama_server``), pulls, removes and rolls back models (``ollama_models``) and says
where the loaded ones sit (``ollama_residency``).
"""

from __future__ import annotations

import threading

import httpx
import ollama

from agent.engines.ollama import is_loopback, normalize_host
from agent.engines.ollama_models import DigestLog, OllamaModels
from agent.engines.ollama_residency import OllamaResidency
from agent.engines.ollama_server import START_TIMEOUT, OllamaServer

__all__ = ["OllamaManager", "shared_manager"]


class OllamaManager(OllamaServer, OllamaModels, OllamaResidency):
    """One Ollama server at ``host``: found, started and stopped as needed, its models
    pulled, removed and rolled back (``digests`` records their versions), their place
    in memory reported."""

    def __init__(
        self,
        host: str = "",
        *,
        executable: str | None = None,
        digests: DigestLog | None = None,
        start_timeout: float = START_TIMEOUT,
        timeout: float = 600.0,
    ) -> None:
        self.host = normalize_host(host)
        self.executable = executable
        self.digests = digests
        self.start_timeout = start_timeout
        self._child = None
        self._lock = threading.RLock()
        self._client = ollama.Client(
            host=self.host,
            timeout=httpx.Timeout(timeout, connect=3.0),
            trust_env=not is_loopback(self.host),
        )

    def close(self) -> None:
        self._client.close()
        self.stop()


_MANAGERS: dict[str, OllamaManager] = {}


def shared_manager(host: str = "", *, digests: DigestLog | None = None) -> OllamaManager:
    """The one manager per host in this process, so a server we started is stopped once,
    at exit, whichever engine or command started it."""
    key = normalize_host(host)
    manager = _MANAGERS.get(key)
    if manager is None:
        manager = _MANAGERS[key] = OllamaManager(key)
    if digests is not None:
        manager.digests = digests
    return manager
