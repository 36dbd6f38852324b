"""The engine contract: every model provider sits behind this one small protocol.

No code outside ``agent/engines/`` knows which engine runs; callers get an ``Engine``
from ``agent.engines.create_engine(settings)``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypedDict, runtime_checkable

import numpy as np

__all__ = [
    "CancelToken",
    "Capabilities",
    "ChatChunk",
    "CloudEngine",
    "Engine",
    "Exchange",
    "Health",
    "Message",
    "ModelInfo",
    "ToolCall",
    "tool_specs",
]


class Message(TypedDict):
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A tool the model asked to use, with its arguments as the model wrote them. It is
    only ever a proposal: callers decide what, if anything, to do with it."""

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)


def tool_specs(options: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The tools offered in ``options["tools"]``: ``{"name", "description", "parameters"
    (a JSON schema)}`` each, the neutral form every engine turns into its API's own;
    ``options["tool_choice"] = {"name": …}`` asks for that tool."""
    return [dict(t) for t in (options or {}).get("tools") or []]


@dataclass(frozen=True, slots=True)
class ChatChunk:
    """One piece of a streamed answer. The last chunk has ``done=True`` and the stats."""

    text: str = ""
    done: bool = False
    # Filled on the final chunk when the engine reports them.
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish_reason: str | None = None
    # Tools the model asked to use (engines with tool calling, when offered some).
    tool_calls: tuple[ToolCall, ...] = ()


@dataclass(frozen=True, slots=True)
class ModelInfo:
    name: str
    size_bytes: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Health:
    ok: bool
    detail: str  # what the engine sees, in words
    fix: str | None = None  # what the user should do when not ok


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What an engine can do, declared by the engine: callers read these, never probe
    attributes or test the engine's name."""

    context_window: int = 4096  # tokens one request may hold, prompt and answer together
    embeddings: bool = False  # ``embed`` returns vectors (else it raises ``EngineError``)
    tool_calling: bool = False  # the model can call tools (``options["tools"]``)
    priced: bool = False  # answers cost money: ``cost()`` prices the last one
    # The server can say where its loaded model sits, GPU or CPU (Ollama's /api/ps).
    reports_residency: bool = False


@dataclass(slots=True)
class Exchange:
    """What one cloud request moved: filled while it runs, read by the ledger."""

    host: str = ""
    bytes_sent: int = 0
    bytes_received: int = 0
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    estimated: bool = False
    attempts: int = 0


class CancelToken:
    """Set from any thread to stop a streaming answer at the next chunk."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


@runtime_checkable
class Engine(Protocol):
    name: str  # "embedded", "ollama", ...
    model: str  # the chat model this engine answers with
    capabilities: Capabilities

    def chat(
        self,
        messages: Sequence[Message],
        *,
        stream: bool = True,
        options: dict[str, Any] | None = None,
        cancel: CancelToken | None = None,
    ) -> Iterator[ChatChunk]:
        """Stream the answer. Raises ``EngineError`` subclasses with actionable text."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return one L2-normalised row per text (float32)."""
        ...

    def models(self) -> list[ModelInfo]: ...

    def health(self) -> Health: ...

    def cost(self) -> float:
        """US dollars the last answer cost (0 for a local engine)."""
        ...

    def release(self) -> None:
        """Free the model's memory now (an engine that holds none does nothing)."""
        ...


@runtime_checkable
class CloudEngine(Engine, Protocol):
    """An engine that answers over the network: where to, and what the last request
    moved (the egress ledger records both)."""

    provider: str  # "openai", "anthropic", ...
    base_url: str
    last_exchange: Exchange
