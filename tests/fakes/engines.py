"""An engine for tests: queued replies, streamed word by word, and a record of every call."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from agent.engines.base import CancelToken, Capabilities, ChatChunk, Health, Message, ModelInfo
from contracts.errors import EngineError


class FakeEngine:
    name = "fake"
    capabilities = Capabilities(embeddings=True)

    def __init__(self, *replies: str, model: str = "fake-model", delay: float = 0.0) -> None:
        self.model = model
        self.replies = list(replies)
        self.delay = delay  # seconds between streamed words, to test a live UI
        self.calls: list[list[Message]] = []
        self.fail_with: EngineError | None = None
        self.released = False  # release() was called (the workspace closed)

    def chat(
        self,
        messages: Sequence[Message],
        *,
        stream: bool = True,
        options: dict[str, Any] | None = None,
        cancel: CancelToken | None = None,
    ) -> Iterator[ChatChunk]:
        self.calls.append(list(messages))
        if self.fail_with is not None:
            raise self.fail_with
        reply = self.replies.pop(0) if self.replies else "fake answer"
        words = reply.split(" ")
        sent = 0
        for n, word in enumerate(words):
            if cancel and cancel.cancelled:
                break
            if self.delay:
                time.sleep(self.delay)
            yield ChatChunk(text=word if n == 0 else " " + word)
            sent += 1
        yield ChatChunk(done=True, completion_tokens=sent, finish_reason="stop")

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        rng = [np.random.default_rng(abs(hash(t)) % 2**32).standard_normal(8) for t in texts]
        vectors = np.asarray(rng, dtype=np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def models(self) -> list[ModelInfo]:
        return [ModelInfo(self.model)]

    def health(self) -> Health:
        return Health(True, "fake engine")

    def cost(self) -> float:
        return 0.0

    def release(self) -> None:
        self.released = True
