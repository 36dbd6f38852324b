"""`fanous eval`: your questions and the shipped set against the local models (and the
cloud, when you allow it for the run), side by side, and the router calibrated on them.

Each model answers through the real turn (retrieval, prompt, stream, grounding) on a
copy of your database — the history, the turn log and the index are never touched — and
the shipped set on its own corpus indexed in a throw-away home. A cloud run goes through
the privacy layer as any escalation, and its ledger rows are copied into your ledger:
every byte that left is recorded there.
"""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.chat import turn
from agent.config import Paths, Settings
from agent.engines.base import CancelToken, CloudEngine, Engine
from agent.index.vectors import Embedder
from agent.monitor.answer_set import EvalQuestion
from agent.monitor.calibration import Calibration, calibrate
from agent.monitor.stats import quantile
from agent.privacy import guard, ledger
from agent.router import score
from agent.store import Store
from contracts.errors import EngineError, FanousError, StorageError

if TYPE_CHECKING:
    from agent.workspace import Workspace

__all__ = [
    "Bench",
    "Candidate",
    "EvalReport",
    "Outcome",
    "evaluate",
    "report_lines",
    "shipped_bench",
    "your_bench",
]

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]  # done, total, what is running


@dataclass(frozen=True, slots=True)
class Candidate:
    """A model to evaluate: a local engine, or the cloud engine (the local one beside it)."""

    label: str
    engine: Engine
    cloud: CloudEngine | None = None
    current: bool = False  # the local model answering now: the router's local side


@dataclass(slots=True)
class Bench:
    """Where questions are asked: a store with an index, and its settings."""

    name: str  # "yours" or "shipped"
    store: Store
    settings: Settings
    embedder: Embedder | None
    questions: list[EvalQuestion]


@dataclass(frozen=True, slots=True)
class Outcome:
    candidate: str
    question: str  # EvalQuestion.id
    origin: str
    correct: bool
    verdict: str | None
    seconds: float
    first_token_seconds: float | None
    cost_usd: float
    failure: str | None
    score: float  # the router's score for the question after this answer as its draft


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


@dataclass(slots=True)
class CandidateReport:
    label: str
    cloud: bool
    current: bool
    questions: int = 0
    correct: int = 0
    by_origin: dict[str, list[int]] = field(default_factory=dict)  # origin -> [right, asked]
    seconds_median: float | None = None
    first_token_median: float | None = None
    cost_usd: float = 0.0
    failures: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.questions if self.questions else None

    def to_json(self) -> dict[str, Any]:
        acc = self.accuracy
        return {
            "model": self.label, "cloud": self.cloud, "current": self.current,
            "questions": self.questions, "correct": self.correct,
            "accuracy": None if acc is None else round(acc, 3),
            "by_set": {k: {"correct": v[0], "questions": v[1]} for k, v in self.by_origin.items()},
            "seconds_median": _r(self.seconds_median),
            "first_token_median": _r(self.first_token_median),
            "cost_usd": round(self.cost_usd, 6), "failures": self.failures,
            "verdicts": self.verdicts,
        }  # fmt: skip


@dataclass(slots=True)
class EvalReport:
    candidates: list[CandidateReport]
    outcomes: list[Outcome]
    calibration: Calibration | None
    not_scored: int = 0  # feedback that cannot be scored (no right answer, no key facts)
    cancelled: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "models": [c.to_json() for c in self.candidates],
            "calibration": None if self.calibration is None else self.calibration.to_json(),
            "feedback_not_scored": self.not_scored,
            "cancelled": self.cancelled,
        }


# -- benches ---------------------------------------------------------------------------


def your_bench(ws: Workspace, questions: list[EvalQuestion], tmp: Path) -> Bench:
    """Your questions on a copy of your database (SQLite's online backup): the answers,
    turns and ledger rows of the evaluation never reach your history."""
    copy = tmp / "yours.db"
    target = sqlite3.connect(copy)
    try:
        ws.store.conn.backup(target)  # one step: a consistent snapshot under a read lock
    finally:
        target.close()
    return Bench("yours", Store(copy), ws.settings, ws.embedder, questions)


def shipped_bench(
    ws: Workspace,
    folder: Path,
    questions: list[EvalQuestion],
    tmp: Path,
    progress: Progress,
    *,
    embed: bool = True,
) -> Bench:
    """The shipped corpus (notes and a mailbox) indexed in a throw-away home, embedded
    with your embedding model (without ``embed``: keyword search, when only the models
    differ and retrieval need not be yours, as in the update gate)."""
    from agent.mail_accounts import add_mail_path, index_mail_path
    from agent.workspace import Workspace

    home = Workspace(Paths.resolve(tmp / "shipped"), engine=ws.engine, embedder=ws.embedder)
    guard.install(ws.egress_policy)  # your egress policy, not the throw-away home's
    progress(0, 1, "indexing the shipped notes and mail")
    home.index_notes(str(folder / "corpus" / "notes"))
    mbox = str(folder / "corpus" / "mail" / "inbox.mbox")
    add_mail_path(home, mbox)
    index_mail_path(home, mbox)
    if embed:
        home.embed_pending(
            progress=lambda n, total: progress(n, total, "embedding the shipped set")
        )
    settings = dataclasses.replace(
        ws.settings, notes_folders=list(home.settings.notes_folders),
        mail_paths=list(home.settings.mail_paths), never_send_sources=[],
    )  # fmt: skip
    return Bench("shipped", home.store, settings, home.embedder if embed else None, questions)


# -- running ---------------------------------------------------------------------------


def _ask(candidate: Candidate, bench: Bench, q: EvalQuestion) -> Outcome:
    cloud = candidate.cloud is not None
    # The model itself is measured: it phrases every answer (no quoting in its place).
    settings = dataclasses.replace(
        bench.settings, cloud_escalation=cloud, confirm_each_escalation=False,
        answer_style="generate",
    )  # fmt: skip
    try:
        answer = turn(
            q.question, store=bench.store, engine=candidate.engine, settings=settings,
            force="cloud" if cloud else "local", cloud=candidate.cloud, embedder=bench.embedder,
        )  # fmt: skip
    except EngineError as e:
        return Outcome(candidate.label, q.id, q.origin, False, None, 0.0, None, 0.0, e.message, 0.0)
    failure = None
    if cloud and answer.route.kind != "cloud":  # the budget, never-send: it stayed here
        failure = f"not sent to the cloud: {answer.route.reason}"
    hits = [s.hit for s in answer.sources]
    g = answer.grounding
    verdict = None if g is None else g.verdict
    # The model is scored on what it said, also when a quote was shown in its place.
    said = g.generated if g is not None and g.generated else answer.text
    return Outcome(
        candidate.label, q.id, q.origin, failure is None and q.correct(said),
        verdict, answer.seconds, answer.first_token_seconds,
        answer.cost_usd, failure,
        score(q.question, hits, draft=answer.text,
              local_window=candidate.engine.capabilities.context_window).total,
    )  # fmt: skip


def _report(candidate: Candidate, outcomes: list[Outcome]) -> CandidateReport:
    mine = [o for o in outcomes if o.candidate == candidate.label]
    r = CandidateReport(candidate.label, candidate.cloud is not None, candidate.current)
    for o in mine:
        r.questions += 1
        r.correct += o.correct
        counts = r.by_origin.setdefault(o.origin, [0, 0])
        counts[0] += o.correct
        counts[1] += 1
    answered = [o for o in mine if o.failure is None]
    r.seconds_median = quantile([o.seconds for o in answered], 0.5)
    r.first_token_median = quantile(
        [o.first_token_seconds for o in answered if o.first_token_seconds is not None], 0.5
    )
    r.cost_usd = sum(o.cost_usd for o in mine)
    r.failures = len(mine) - len(answered)
    r.verdicts = dict(Counter(o.verdict for o in mine if o.verdict))
    return r


def _calibration(candidates: list[Candidate], outcomes: list[Outcome]) -> Calibration | None:
    local = next((c for c in candidates if c.current), None)
    cloud = next((c for c in candidates if c.cloud is not None), None)
    if local is None or cloud is None:
        return None
    by_q = {(o.candidate, o.origin, o.question): o for o in outcomes}
    items = []
    for o in outcomes:
        if o.candidate == local.label and o.failure is None:
            other = by_q.get((cloud.label, o.origin, o.question))
            if other is not None:
                items.append((o.score, o.correct, other.correct))
    return calibrate(items)


def evaluate(
    candidates: list[Candidate],
    benches: list[Bench],
    *,
    progress: Progress = lambda _n, _t, _w: None,
    cancel: CancelToken | None = None,
) -> tuple[list[Outcome], bool]:
    """Every candidate on every bench's questions; (outcomes, whether it was cancelled)."""
    total = len(candidates) * sum(len(b.questions) for b in benches)
    done = 0
    outcomes: list[Outcome] = []
    for candidate in candidates:
        for bench in benches:
            for q in bench.questions:
                if cancel is not None and cancel.cancelled:
                    return outcomes, True
                progress(done, total, f"{candidate.label}: {bench.name} {q.id}")
                outcomes.append(_ask(candidate, bench, q))
                done += 1
    progress(done, total, "done")
    return outcomes, False


def report(
    candidates: list[Candidate], outcomes: list[Outcome], *, not_scored: int, cancelled: bool
) -> EvalReport:
    return EvalReport(
        [_report(c, outcomes) for c in candidates], outcomes,
        _calibration(candidates, outcomes), not_scored, cancelled,
    )  # fmt: skip


def report_lines(report: EvalReport) -> list[str]:
    """The report as the CLI prints it and the Monitor page shows it."""
    lines: list[str] = []
    if report.cancelled:
        lines.append("Stopped early: the figures cover the questions asked so far.")
    lines.append(
        f"{'model':<44} {'right':>10} {'yours':>9} {'shipped':>9} {'answer':>8} {'cost':>9}"
    )
    for c in report.candidates:
        acc = "-" if c.accuracy is None else f"{c.accuracy:.0%}"
        sets = {k: f"{v[0]}/{v[1]}" for k, v in c.by_origin.items()}
        answer = "-" if c.seconds_median is None else f"{c.seconds_median:.1f} s"
        mark = " (now)" if c.current else ""
        lines.append(
            f"{(c.label + mark)[:44]:<44} {acc:>10} {sets.get('yours', '-'):>9} "
            f"{sets.get('shipped', '-'):>9} {answer:>8} ${c.cost_usd:>8.4f}"
        )
        if c.failures:
            lines.append(f"  {c.failures} questions failed or were not sent")
        if c.verdicts:
            lines.append(
                "  grounding: " + ", ".join(f"{k} {v}" for k, v in sorted(c.verdicts.items()))
            )
    if report.not_scored:
        lines.append(
            f"({report.not_scored} rated answers could not be scored: no right answer given)"
        )
    cal = report.calibration
    if cal is None:
        lines.append("Router calibration needs the cloud in the run: `fanous eval --cloud`.")
        return lines
    lines.append(
        f"\nRouter: escalation_threshold {cal.threshold:.2f} keeps {cal.accuracy:.0%} right "
        f"({cal.accuracy / cal.cloud_accuracy if cal.cloud_accuracy else 1:.0%} of the cloud's "
        f"{cal.cloud_accuracy:.0%}; local alone {cal.local_accuracy:.0%}) sending "
        f"{cal.escalated_share:.0%} of {cal.questions} questions to the cloud."
    )
    lines.append(f"Apply it: fanous cloud on --threshold {cal.threshold:.2f}")
    return lines


def copy_ledger(source: Store, target: Store) -> int:
    """Put the egress ledger rows an evaluation wrote (on its copies) into yours."""
    rows = list(reversed(ledger.entries(source)))
    for e in rows:
        try:
            ledger.record(target, dataclasses.replace(e, id=None))
        except StorageError as err:
            raise FanousError(
                f"The evaluation's cloud requests could not be added to your egress ledger "
                f"({err.message})",
                fix="free some disk space; the requests were made",
            ) from err
    return len(rows)


def scratch() -> tempfile.TemporaryDirectory[str]:
    """A throw-away folder for the copies (deleted when the evaluation ends)."""
    return tempfile.TemporaryDirectory(prefix="fanous-eval-")
