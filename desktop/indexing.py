"""The background indexing jobs of the window (notes, mail), and how an outcome reads to
a user."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from agent import mail_accounts
from agent.errors import FanousError
from agent.index.indexer import IndexReport
from agent.workspace import Workspace
from desktop.ops import OpContext

__all__ = ["IndexOutcome", "index_folders", "sync_mail_sources"]

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


def sync_mail_sources(
    workspace: Workspace, paths: list[str] | None, ctx: OpContext
) -> list[tuple[str, Any]]:
    """Runs on a worker: ``fanous sync`` (every mail path and IMAP account) when ``paths``
    is None, else index those mail paths; (name, report or the error) for each source."""
    if paths is None:
        results = mail_accounts.sync_all(workspace, progress=ctx.progress)
    else:
        results = []
        for path in paths:  # one unreadable path must not stop the others
            try:
                report = mail_accounts.index_mail_path(
                    workspace, path, progress=ctx.progress, should_stop=lambda: ctx.cancelled
                )
            except FanousError as e:
                results.append((path, e))
            else:
                results.append((path, report))
    changed = any(getattr(r, "changed", 0) for _name, r in results)
    if changed and workspace.background_embedding:
        workspace._embed_in_background()  # as after a notes run: search never waits
    return results
