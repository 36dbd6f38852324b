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

__all__ = ["CancelToken", "ChatChunk", "Engine", "Health", "Message", "ModelInfo"]


class Message(TypedDict):
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True, slots=True)
class ChatChunk:
    """One piece of a streamed answer. The last chunk has ``done=True`` and the stats."""

    text: str = ""
    done: bool = False
    # Filled on the final chunk when the engine reports them.
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish_reason: str | None = None


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
