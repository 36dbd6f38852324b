"""One evaluation run for a Fanous home, as `fanous eval` and the Monitor page's
Evaluate button start it: which models, which questions, where, and the report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from agent.engines import other_local_models
from agent.engines.base import CancelToken
from agent.monitor import feedback
from agent.monitor.answer_set import (
    DEFAULT_SHIPPED,
    shipped_dir,
    shipped_questions,
    your_questions,
)
from agent.monitor.evaluation import (
    Bench,
    Candidate,
    EvalReport,
    Progress,
    copy_ledger,
    evaluate,
    report,
    scratch,
    shipped_bench,
    your_bench,
)
from contracts.errors import ConfigError, InputError

if TYPE_CHECKING:
    from agent.workspace import Workspace

__all__ = ["candidates", "compare", "run"]


def candidates(ws: Workspace, *, cloud: bool, all_models: bool = True) -> list[Candidate]:
    """The local model answering now, the other installed local models, and — only when
    asked for this run, with escalation on — the cloud model."""
    engine = ws.engine
    found = [Candidate(f"{engine.name}/{engine.model}", engine, current=True)]
    if all_models:
        found += [Candidate(f"{e.name}/{e.model}", e) for e in other_local_models(engine)]
    if cloud:
        s = ws.settings
        if s.offline or not s.cloud_escalation:
            raise ConfigError(
                "Cloud escalation is off, so the cloud model cannot be evaluated",
                fix="turn it on first (`fanous cloud on`), then run `fanous eval --cloud`",
            )
        c = ws.cloud_engine()  # a missing key raises NeedsKeyError with its fix
        found.append(Candidate(f"{c.name}/{c.model} (cloud)", engine, cloud=c))
    return found


def run(
    ws: Workspace,
    *,
    cloud: bool = False,
    shipped: int = DEFAULT_SHIPPED,
    all_models: bool = True,
    progress: Progress = lambda _n, _t, _w: None,
    cancel: CancelToken | None = None,
) -> EvalReport:
    models = candidates(ws, cloud=cloud, all_models=all_models)
    return compare(ws, models, shipped=shipped, progress=progress, cancel=cancel)


def compare(
    ws: Workspace,
    models: list[Candidate],
    *,
    shipped: int = DEFAULT_SHIPPED,
    embed_shipped: bool = True,
    progress: Progress = lambda _n, _t, _w: None,
    cancel: CancelToken | None = None,
) -> EvalReport:
    """``models`` on your rated questions and ``shipped`` questions of the shipped set
    (searched by meaning too unless ``embed_shipped`` is False)."""
    yours, not_scored = your_questions(feedback.collected(ws.store))
    folder = shipped_dir() if shipped else None
    theirs = shipped_questions(folder, limit=shipped) if folder is not None else []
    if not yours and not theirs:
        raise InputError(
            "There is nothing to evaluate yet",
            fix="give feedback on answers (👍, or the right answer: `fanous feedback right "
            '"…"`), or ask for the shipped set with --shipped N',
        )
    cloud = any(m.cloud is not None for m in models)
    with scratch() as tmp:
        benches: list[Bench] = []
        if yours:
            benches.append(your_bench(ws, yours, Path(tmp)))
        if theirs and folder is not None:
            benches.append(
                shipped_bench(ws, folder, theirs, Path(tmp), progress, embed=embed_shipped)
            )
        try:
            outcomes, cancelled = evaluate(models, benches, progress=progress, cancel=cancel)
        finally:
            for bench in benches:
                if cloud:
                    copy_ledger(bench.store, ws.store)
                bench.store.close()
    return report(models, outcomes, not_scored=not_scored, cancelled=cancelled)
