"""Whether a model phrases its answers or the notes are quoted: decided by measurement.

A model is left to phrase look-up answers only when it was measured to get the fact
right at least as often as the extractive quote does, on the answer-quality questions
(``record``: written by the benchmark and by evaluation runs) or, lacking that, on the
user's own recent answers (the share whose facts the support check found missing). A
model never measured phrases its answers, each one checked; the setting
``answer_style`` ("quote" or "generate") overrides all of this.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Literal

from agent.store import Store

__all__ = ["MEASURED", "Measurement", "Style", "choose", "record"]

Style = Literal["quote", "generate"]

_RECENT = 50  # generated answers looked at
_ENOUGH = 20  # before the share of unsupported ones decides
_UNSUPPORTED_LIMIT = 0.25


@dataclass(frozen=True, slots=True)
class Measurement:
    style: Style
    questions: int
    right_generated: int
    right_quoted: int
    how: str

    @property
    def why(self) -> str:
        g = self.right_generated / self.questions if self.questions else 0.0
        q = self.right_quoted / self.questions if self.questions else 0.0
        return (
            f"measured on {self.questions} questions ({self.how}): its own answers had the "
            f"fact {g:.0%} of the time, quotes from the notes {q:.0%}"
        )


# Measured by tests/bench/answer_quality (run.py) on this project's set, for the models
# that ship inside packages; the same measurement as ``record`` writes.
MEASURED: dict[tuple[str, str], Measurement] = {
    # 22 English questions of the test split (the first of the spread sample; generation
    # on the busy 2-core machine took ~45 s per answer): its own answer held the fact 5
    # times, the quote 15 times.
    ("embedded", "smollm2-135m"): Measurement(
        "quote", 22, 5, 15, "answer-quality test split, 2026-12-03"
    ),
}


def record(store: Store, engine: str, model: str, m: Measurement) -> None:
    with store.atomic() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO answer_measurements (engine, model, style, questions, "
            "right_generated, right_quoted, measured_at, how) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (engine, model, m.style, m.questions, m.right_generated, m.right_quoted,
             time.time(), m.how),
        )  # fmt: skip


def measured(store: Store, engine: str, model: str) -> Measurement | None:
    row = store.conn.execute(
        "SELECT style, questions, right_generated, right_quoted, how FROM answer_measurements"
        " WHERE engine = ? AND model = ?",
        (engine, model),
    ).fetchone()
    if row is not None:
        return Measurement(*row)
    return MEASURED.get((engine, model))


def _recent_unsupported(store: Store, engine: str, model: str) -> tuple[int, int]:
    """(generated answers, of which the check rejected) among the model's latest."""
    rows = store.conn.execute(
        "SELECT grounding FROM messages WHERE role = 'assistant' AND engine = ? AND model = ?"
        " AND grounding IS NOT NULL ORDER BY id DESC LIMIT ?",
        (engine, model, _RECENT * 4),
    ).fetchall()
    generated = rejected = 0
    for (text,) in rows:
        try:
            g = json.loads(text)
        except ValueError:
            continue
        if g.get("verdict") in ("supported", "unsupported"):
            generated += 1
            rejected += g.get("verdict") == "unsupported"
            if generated >= _RECENT:
                break
    return generated, rejected


def choose(setting: str, store: Store, engine: str, model: str) -> tuple[Style, str]:
    """(style, why) for look-up questions answered by this engine and model."""
    if setting in ("quote", "generate"):
        return setting, "your answer_style setting"  # type: ignore[return-value]
    m = measured(store, engine, model)
    if m is not None:
        return m.style, m.why
    generated, rejected = _recent_unsupported(store, engine, model)
    if generated >= _ENOUGH and rejected / generated > _UNSUPPORTED_LIMIT:
        return "quote", (
            f"{rejected} of its last {generated} answers stated facts your notes do not hold"
        )
    return "generate", "not measured yet: each answer is checked against your notes"
