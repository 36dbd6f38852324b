"""One turn of a conversation: retrieve -> route -> prompt -> stream -> cite -> store."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from agent.config import Settings
from agent.engines.base import CancelToken, Engine
from agent.errors import EngineError
from agent.index.search import Hit, search
from agent.prompting import build_messages, rank_by_support
from agent.router import Route, decide
from agent.store import Store

__all__ = ["NOTHING_FOUND", "Answer", "Source", "turn"]

NOTHING_FOUND = "I found nothing about that in your notes."


@dataclass(frozen=True, slots=True)
class Source:
    hit: Hit
    support: float  # share of the answer's words found in this passage

    def to_json(self) -> dict[str, Any]:
        return {**self.hit.citation(), "support": round(self.support, 3)}


@dataclass(slots=True)
class Answer:
    question: str
    text: str
    route: Route
    engine: str
    model: str
    sources: list[Source] = field(default_factory=list)
    seconds: float = 0.0
    first_token_seconds: float | None = None
    completion_tokens: int | None = None
    finish_reason: str | None = None
    conversation_id: int | None = None

    @property
    def tokens_per_second(self) -> float | None:
        if not self.completion_tokens or self.first_token_seconds is None:
            return None
        generating = self.seconds - self.first_token_seconds
        return self.completion_tokens / generating if generating > 0 else None

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "route": {
                "kind": self.route.kind,
                "reason": self.route.reason,
                "engine": self.engine,
                "model": self.model,
            },
            "sources": [s.to_json() for s in self.sources],
            "timing": {
                "seconds": round(self.seconds, 3),
                "first_token_seconds": None
                if self.first_token_seconds is None
                else round(self.first_token_seconds, 3),
                "completion_tokens": self.completion_tokens,
                "tokens_per_second": None
                if self.tokens_per_second is None
                else round(self.tokens_per_second, 1),
            },
            "finish_reason": self.finish_reason,
            "conversation_id": self.conversation_id,
        }


def _store_turn(store: Store, answer: Answer) -> int:
    now = time.time()
    with store.atomic() as conn:
        cid = answer.conversation_id
        if cid is None:
            cid = conn.execute(
                "INSERT INTO conversations (title, created) VALUES (?, ?)",
                (answer.question.strip()[:80], now),
            ).lastrowid
        conn.execute(
            "INSERT INTO messages (conversation_id, role, content, created) "
            "VALUES (?, 'user', ?, ?)",
            (cid, answer.question, now),
        )
        conn.execute(
            "INSERT INTO messages (conversation_id, role, content, route, route_reason, "
            "engine, model, sources, completion_tokens, seconds, created) "
            "VALUES (?, 'assistant', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                cid,
                answer.text,
                answer.route.kind,
                answer.route.reason,
                answer.engine,
                answer.model,
                json.dumps([s.to_json() for s in answer.sources]),
                answer.completion_tokens,
                answer.seconds,
                time.time(),
            ),
        )
    return cid


def turn(
    question: str,
    *,
    store: Store,
    engine: Engine,
    settings: Settings,
    on_token: Callable[[str], None] | None = None,
    cancel: CancelToken | None = None,
    conversation_id: int | None = None,
    root: str | None = None,
    source: str | None = None,
    force: Literal["local", "cloud"] | None = None,
) -> Answer:
    """Answer one question from the index. Raises ``EngineError`` when the model fails;
    the partial text streamed so far has already reached ``on_token``."""
    started = time.perf_counter()
    hits = search(store, question, limit=settings.context_passages, source=source, root=root)
    route = decide(settings, force=force)
    answer = Answer(
        question=question,
        text="",
        route=route,
        engine=engine.name,
        model=engine.model,
        conversation_id=conversation_id,
    )
    if not hits:
        answer.text = NOTHING_FOUND
        if on_token:
            on_token(answer.text)
    else:
        parts: list[str] = []
        options = {"max_tokens": settings.max_answer_tokens}
        try:
            for chunk in engine.chat(
                build_messages(question, hits), options=options, cancel=cancel
            ):
                if chunk.text:
                    if answer.first_token_seconds is None:
                        answer.first_token_seconds = time.perf_counter() - started
                    parts.append(chunk.text)
                    if on_token:
                        on_token(chunk.text)
                if chunk.done:
                    answer.completion_tokens = chunk.completion_tokens
                    answer.finish_reason = chunk.finish_reason
        except EngineError as e:
            e.partial_text = "".join(parts)  # type: ignore[attr-defined]
            raise
        answer.text = "".join(parts).strip()
        answer.sources = [Source(h, s) for h, s in rank_by_support(answer.text, hits)]
    answer.seconds = time.perf_counter() - started
    answer.conversation_id = _store_turn(store, answer)
    return answer
