"""The turn log: one row per answered (or failed) turn, written by ``agent.chat.turn``
(the only source of ``agent.monitor``: stats, the Monitor page, evaluations).

A row says how the turn went — route and why, engine, model and its digest, first-token
and total latency, tokens per second, tokens, cost, the grounding verdict, how it ended,
retries, whether the answer reached the history. Never the question or the answer.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from agent import log_rows
from agent.engines.base import CloudEngine, Engine
from agent.grounding import Grounding
from agent.router import Route
from agent.store import Store
from contracts.errors import FanousError, StorageError

__all__ = ["TurnRow", "export", "model_digest", "record", "rows"]

log = logging.getLogger(__name__)


class Turn(Protocol):
    """What the log reads from a turn's answer (``agent.chat.Answer``)."""

    route: Route
    text: str
    engine: str
    model: str
    seconds: float
    first_token_seconds: float | None
    prompt_tokens: int | None
    completion_tokens: int | None
    cost_usd: float
    finish_reason: str | None
    conversation_id: int | None
    not_saved: str | None
    retries: int
    grounding: Grounding | None

    @property
    def tokens_per_second(self) -> float | None: ...


@dataclass(frozen=True, slots=True)
class TurnRow:
    at: float
    route: str  # local | cloud
    reason: str
    task: str
    signal: str  # which router signal decided
    score: float | None  # the task's router score, when the task decided
    engine: str
    model: str
    digest: str | None
    first_token_seconds: float | None
    seconds: float
    tokens_per_second: float | None
    prompt_tokens: int | None
    completion_tokens: int | None
    cost_usd: float
    verdict: str | None  # quoted | supported | unsupported | not_found (agent.grounding)
    finish_reason: str | None
    failure: str | None  # the error that ended the turn, in words
    retries: int
    saved: bool  # the answer is in the history
    conversation_id: int | None = None
    id: int | None = None

    @property
    def failed(self) -> bool:
        return self.failure is not None

    def to_json(self) -> dict[str, Any]:
        return log_rows.row_json(self)


_COLUMNS = [f for f in TurnRow.__dataclass_fields__ if f != "id"]

# Asking Ollama for its model list each turn would cost a request; a digest only changes
# when a model is pulled, so a few minutes' memory is enough.
_DIGEST_TTL = 300.0
_digests: dict[tuple[str, str], tuple[float, str | None]] = {}
_digest_lock = threading.Lock()


def model_digest(engine: Engine) -> str | None:
    """The local model's digest (Ollama's, or a GGUF file's); None for the cloud, whose
    providers publish none, and when the engine cannot say."""
    if isinstance(engine, CloudEngine):
        return None
    key = (engine.name, engine.model)
    now = time.monotonic()
    with _digest_lock:
        cached = _digests.get(key)
    if cached is not None and now - cached[0] < _DIGEST_TTL:
        return cached[1]
    try:
        found = next((m for m in engine.models() if m.name == engine.model), None)
    except FanousError:
        return None  # not cached: the engine may be back for the next turn
    digest = None if found is None else found.details.get("digest")
    digest = str(digest) if digest else None
    with _digest_lock:
        _digests[key] = (now, digest)
    return digest


def forget_digests() -> None:
    """After a pull or a rollback: the next turn asks the engine again."""
    with _digest_lock:
        _digests.clear()


def record(
    store: Store, answer: Turn, engine: Engine, *, failure: FanousError | None = None
) -> int | None:
    """Write the turn's row; the row id, or None when the disk refused it (the answer
    stands either way). ``engine`` is the local engine: its digest is read only when it
    gave the answer."""
    local = answer.engine == engine.name and answer.model == engine.model
    verdict = None if answer.grounding is None else answer.grounding.verdict
    row = TurnRow(
        at=time.time(), route=answer.route.kind, reason=answer.route.reason,
        task=answer.route.task, signal=answer.route.signal, score=answer.route.score,
        engine=answer.engine, model=answer.model,
        digest=model_digest(engine) if local else None,
        first_token_seconds=answer.first_token_seconds, seconds=answer.seconds,
        tokens_per_second=answer.tokens_per_second, prompt_tokens=answer.prompt_tokens,
        completion_tokens=answer.completion_tokens, cost_usd=answer.cost_usd,
        verdict=verdict,
        finish_reason="error" if failure is not None else answer.finish_reason,
        failure=None if failure is None else failure.message, retries=answer.retries,
        saved=answer.not_saved is None and answer.conversation_id is not None
        and (failure is None or bool(answer.text.strip())),  # a failed turn keeps a partial
        conversation_id=answer.conversation_id,
    )  # fmt: skip
    try:
        with store.atomic() as conn:
            cur = conn.execute(
                f"INSERT INTO turn_log ({', '.join(_COLUMNS)}, message_id) "
                f"VALUES ({', '.join('?' * len(_COLUMNS))}, ?)",
                [*(getattr(row, c) for c in _COLUMNS), _answer_message(conn, row)],
            )
            return int(cur.lastrowid or 0)
    except StorageError as e:
        log.warning("turn not written to the turn log: %s", e.message)
        return None


def _answer_message(conn: sqlite3.Connection, row: TurnRow) -> int | None:
    """The history's row for this turn's answer: the conversation's newest answer, as
    one conversation answers one question at a time."""
    if not row.saved:
        return None
    found = conn.execute(
        "SELECT max(id) FROM messages WHERE conversation_id = ? AND role = 'assistant'",
        (row.conversation_id,),
    ).fetchone()
    return None if found[0] is None else int(found[0])


def rows(store: Store, *, since: float | None = None, until: float | None = None) -> list[TurnRow]:
    """The logged turns, oldest first."""
    sql = f"SELECT id, {', '.join(_COLUMNS)} FROM turn_log WHERE at >= ? AND at < ? ORDER BY at, id"
    found = store.conn.execute(sql, (since or 0.0, until or float("inf"))).fetchall()
    out = []
    for r in found:
        values = dict(zip(_COLUMNS, r[1:], strict=True))
        values["saved"] = bool(values["saved"])
        out.append(TurnRow(**values, id=r[0]))
    return out


def export(store: Store, path: str | Path) -> int:
    """Write the whole turn log as CSV or JSON (by the file's suffix); return the rows."""
    return log_rows.export(path, [r.to_json() for r in rows(store)], _COLUMNS)
