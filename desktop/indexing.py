"""The background indexing job of the window, and how its outcome reads to a user."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from agent.errors import FanousError
from agent.index.indexer import IndexReport
from agent.workspace import Workspace
from desktop.ops import OpContext

__all__ = ["IndexOutcome", "index_folders"]

_SHOWN_ERRORS = 3


@dataclass(slots=True)
class IndexOutcome:
    reports: list[IndexReport] = field(default_factory=list)
    failures: list[FanousError] = field(default_factory=list)  # folders that failed whole
    stopped: bool = False

    def status(self) -> str:
        if not self.reports:
            return "Nothing indexed"
        stopped = " (stopped)" if self.stopped else ""
        return f"Indexed{stopped}: " + "; ".join(r.summary() for r in self.reports)

    def problem(self) -> tuple[str, str | None] | None:
        """What the user should hear about, if anything: a failed folder first."""
        if self.failures:
            return self.failures[0].message, self.failures[0].fix
        unreadable = [e for r in self.reports for e in r.errors]
        if not unreadable:
            return None
        shown = "; ".join(f"{os.path.basename(p)} ({why})" for p, why in unreadable[:3])
        more = len(unreadable) - _SHOWN_ERRORS
        return (
            f"{len(unreadable)} file(s) could not be read: {shown}"
            + (f" and {more} more" if more > 0 else ""),
            None,
        )


def index_folders(workspace: Workspace, folders: list[str], ctx: OpContext) -> IndexOutcome:
    """Runs on a worker: index each folder in turn, reporting progress by folder name."""
    outcome = IndexOutcome()
    for folder in folders:  # one unreadable folder must not stop the others
        name = os.path.basename(folder) or folder
        try:
            outcome.reports.append(
                workspace.index_notes(
                    folder,
                    progress=lambda done, total, _path, n=name: ctx.progress(done, total, n),
                    should_stop=lambda: ctx.cancelled,
                )
            )
        except FanousError as e:
            outcome.failures.append(e)
        if ctx.cancelled:
            break
    outcome.stopped = ctx.cancelled
    return outcome
