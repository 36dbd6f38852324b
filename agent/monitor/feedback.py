"""The user's feedback on answers: thumbs up or down, and "the right answer is …".

Stored with the turn (the ``feedback`` table, one row per turn, the latest word wins);
read back with the question and the answer from the history, it is the user's own
evaluation set (``agent.monitor.evaluation``). Deleting a conversation deletes its
feedback: the set never keeps a question the user has thrown away.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal

from agent.store import Store
from contracts.errors import InputError

__all__ = ["Feedback", "collected", "give", "last_turn", "turn_for_message"]

Rating = Literal["up", "down"]
_VALUES: dict[str, int] = {"up": 1, "down": -1}
MAX_CORRECTION = 2000  # characters: a fact, not a document


@dataclass(frozen=True, slots=True)
class Feedback:
    turn_id: int
    at: float
    rating: Rating | None
    correction: str | None  # "the right answer is …", as the user wrote it
    question: str  # from the history ("" when it is gone)
    answer: str
    engine: str
    model: str
    route: str

    def to_json(self) -> dict[str, Any]:
        return {
            "turn_id": self.turn_id, "at": self.at, "rating": self.rating,
            "correction": self.correction, "question": self.question, "answer": self.answer,
            "engine": self.engine, "model": self.model, "route": self.route,
        }  # fmt: skip


def last_turn(store: Store) -> int | None:
    row = store.conn.execute("SELECT max(id) FROM turn_log").fetchone()
    return None if row[0] is None else int(row[0])


def turn_for_message(store: Store, message_id: int) -> int | None:
    """The turn that wrote a stored answer; None for answers older than the turn log."""
    row = store.conn.execute(
        "SELECT id FROM turn_log WHERE message_id = ? ORDER BY id DESC LIMIT 1", (message_id,)
    ).fetchone()
    return None if row is None else int(row[0])


def give(
    store: Store,
    turn_id: int,
    *,
    rating: Rating | None = None,
    correction: str | None = None,
    clock: Any = time.time,
) -> Feedback:
    """Record a thumbs up/down and/or the right answer for one turn; what is not given
    keeps its earlier value."""
    if rating is not None and rating not in _VALUES:
        raise InputError(f"{rating!r} is not a rating", fix="say up or down")
    if correction is not None:
        correction = " ".join(correction.split())
        if not correction:
            raise InputError("The right answer is empty", fix="write the answer you expected")
        if len(correction) > MAX_CORRECTION:
            raise InputError(
                f"The right answer is {len(correction):,} characters long",
                fix=f"keep it to the fact itself (at most {MAX_CORRECTION:,} characters)",
            )
    if rating is None and correction is None:
        raise InputError("No feedback given", fix="give a rating (up or down) or the right answer")
    turn = store.conn.execute(
        "SELECT conversation_id FROM turn_log WHERE id = ?", (turn_id,)
    ).fetchone()
    if turn is None:
        raise InputError(
            f"There is no turn {turn_id}",
            fix="the turn id is in `fanous ask --json` (turn_id); without --turn the last one",
        )
    with store.atomic() as conn:
        conn.execute(
            "INSERT INTO feedback (turn_id, conversation_id, at, rating, correction) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (turn_id) DO UPDATE SET at = excluded.at, "
            "rating = COALESCE(excluded.rating, rating), "
            "correction = COALESCE(excluded.correction, correction)",
            (turn_id, turn[0], clock(), _VALUES.get(rating or ""), correction),
        )
    (found,) = collected(store, turn_id=turn_id)
    return found


_SELECT = """
SELECT f.turn_id, f.at, f.rating, f.correction, t.engine, t.model, t.route,
       t.conversation_id, t.message_id, t.at
FROM feedback f JOIN turn_log t ON t.id = f.turn_id
"""


def _question_and_answer(
    store: Store, conversation_id: int | None, message_id: int | None, at: float
) -> tuple[str, str]:
    if conversation_id is None:
        return "", ""
    answer = ""
    if message_id is not None:
        row = store.conn.execute("SELECT content FROM messages WHERE id = ?", (message_id,))
        answer = (row.fetchone() or ("",))[0]
    # The question is the user's message before the answer (or, for a failed turn with
    # no answer stored, the last one asked before the turn ended).
    row = store.conn.execute(
        "SELECT content FROM messages WHERE conversation_id = ? AND role = 'user' "
        "AND id < ? AND created <= ? ORDER BY id DESC LIMIT 1",
        (conversation_id, message_id if message_id is not None else 2**62, at),
    ).fetchone()
    return (row[0] if row else ""), answer


def collected(store: Store, *, turn_id: int | None = None) -> list[Feedback]:
    """Every turn with feedback, oldest first (or the one ``turn_id``)."""
    sql = _SELECT + (" WHERE f.turn_id = ?" if turn_id is not None else "") + " ORDER BY f.at"
    rows = store.conn.execute(sql, () if turn_id is None else (turn_id,)).fetchall()
    out = []
    for tid, at, rating, correction, engine, model, route, cid, mid, turn_at in rows:
        question, answer = _question_and_answer(store, cid, mid, turn_at)
        name: Rating | None = "up" if rating == 1 else "down" if rating == -1 else None
        out.append(Feedback(tid, at, name, correction, question, answer, engine, model, route))
    return out
