"""The background indexing jobs of the window (notes, mail), how an outcome reads to a
user, and ``IndexRunner``, which starts them on the store's worker and shows their
progress in the status bar."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from agent import mail_accounts
from agent.index.indexer import IndexReport
from agent.workspace import Workspace
from contracts.errors import FanousError
from desktop.ops import Op, OpContext
from desktop.status import MESSAGE_MS
from desktop.window_part import WindowHost, WindowPart

__all__ = ["IndexHost", "IndexOutcome", "IndexRunner", "index_folders", "sync_mail_sources"]

_SHOWN_ERRORS = 3


@dataclass(slots=True)
class IndexOutcome:
    reports: list[IndexReport] = field(default_factory=list)
    failures: list[FanousError] = field(default_factory=list)  # folders that failed whole
    stopped: bool = False

    def status(self) -> str:
        if not self.reports:
            return IndexRunner.tr("Nothing indexed")
        summaries = "; ".join(r.summary() for r in self.reports)  # the core's words
        if self.stopped:
            return IndexRunner.tr("Indexed (stopped): {summaries}").format(summaries=summaries)
        return IndexRunner.tr("Indexed: {summaries}").format(summaries=summaries)

    def problem(self) -> tuple[str, str | None] | None:
        """What the user should hear about, if anything: a failed folder first."""
        if self.failures:
            return self.failures[0].message, self.failures[0].fix
        unreadable = [e for r in self.reports for e in r.errors]
        if not unreadable:
            return None
        shown = "; ".join(f"{os.path.basename(p)} ({why})" for p, why in unreadable[:3])
        more = len(unreadable) - _SHOWN_ERRORS
        text = IndexRunner.tr("{count} file(s) could not be read: {shown}", "", len(unreadable))
        text = text.format(count=len(unreadable), shown=shown)
        if more > 0:
            text += IndexRunner.tr(" and {count} more", "", more).format(count=more)
        return text, None


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
        workspace.embed_in_background()  # as after a notes run: search never waits
    return results


class IndexHost(WindowHost, Protocol):
    """What the indexing runs ask of the window, beside ``WindowHost``."""

    def choose_folder(self) -> str | None:
        """A notes folder picked by the user (None: cancelled)."""
        ...

    def show_problem(self, message: str, fix: str | None) -> None:
        """Something the user should hear about, in the banner (not an exception)."""
        ...

    def show_progress(self, done: int, total: int) -> None: ...

    def end_progress(self) -> None: ...

    def index_changed(self) -> None:
        """The index's counts (and its embedding) may have moved: show them again."""
        ...

    def update_busy(self) -> None:
        """A run started or ended: the Stop button follows."""
        ...


class IndexRunner(WindowPart):
    """The window's indexing runs: notes folders and mail, queued on the store's worker."""

    def __init__(self, host: IndexHost) -> None:
        super().__init__(host)
        self._host = host
        self._ops: set[Op] = set()

    @property
    def is_indexing(self) -> bool:
        return bool(self._ops)

    def stop(self) -> None:
        for op in self._ops:
            op.cancel()

    def add_notes_folder(self, folder: str | None = None) -> None:
        h = self._host
        folder = folder or h.choose_folder()
        if not folder:
            return
        try:
            root = h.workspace.add_notes_folder(folder)
        except FanousError as e:
            h.show_error(e)
            return
        self.reindex([root])

    def reindex(self, folders: list[str] | None = None) -> Op | None:
        h = self._host
        workspace = h.workspace
        folders = list(workspace.settings.notes_folders if folders is None else folders)
        if not folders:
            h.show_message(
                self.tr("No notes folders yet: add one with File › Add notes folder…"),
                MESSAGE_MS,
            )
            return None
        h.show_message(self.tr("Indexing…"))
        op = h.ops.run(lambda ctx: index_folders(workspace, folders, ctx))
        self._start(op, self._on_index_progress, self._on_indexed)
        return op

    def sync_mail(self, paths: list[str] | None = None) -> Op:
        """Fetch new IMAP mail and re-read mail on disk (``paths``: only those)."""
        h = self._host
        workspace = h.workspace
        h.show_message(self.tr("Syncing mail…"))
        op = h.ops.run(lambda ctx: sync_mail_sources(workspace, paths, ctx))
        self._start(op, self._on_mail_progress, self._on_mail_synced)
        return op

    def refresh_state(self) -> None:
        """Ask the index for its counts again, for the status bar, and follow the
        embedding of what the run added."""
        self._host.index_changed()

    def _start(
        self,
        op: Op,
        on_progress: Callable[[int, int, str], None],
        on_success: Callable[[Any], None],
    ) -> None:
        self._ops.add(op)
        op.progressed.connect(on_progress)
        op.succeeded.connect(on_success)
        op.failed.connect(self._host.show_error)
        op.finished.connect(lambda: self._on_finished(op))
        self._host.update_busy()

    def _on_index_progress(self, done: int, total: int, folder: str) -> None:
        self._host.show_message(
            self.tr("Indexing {done}/{count} files in {folder}…", "", total).format(
                done=done, count=total, folder=folder
            )
        )
        self._host.show_progress(done, total)

    def _on_mail_progress(self, done: int, total: int, _where: str) -> None:
        self._host.show_message(
            self.tr("Syncing mail: {done}/{count} messages…", "", total).format(
                done=done, count=total
            )
        )
        self._host.show_progress(done, total)

    def _on_indexed(self, outcome: IndexOutcome) -> None:
        self._host.show_message(outcome.status(), MESSAGE_MS)
        problem = outcome.problem()
        if problem:
            self._host.show_problem(*problem)

    def _on_mail_synced(self, results: list[tuple[str, Any]]) -> None:
        h = self._host
        if not results:
            h.show_message(
                self.tr(
                    "No mail sources yet: add an account or mail on disk in Settings › Sources"
                ),
                MESSAGE_MS,
            )
            return
        done = [f"{name}: {r.summary()}" for name, r in results if not isinstance(r, Exception)]
        h.show_message(
            self.tr("Mail synced: {summaries}").format(summaries="; ".join(done)), MESSAGE_MS
        )
        failed = [r for _name, r in results if isinstance(r, Exception)]
        if failed:
            h.show_error(failed[0])

    def _on_finished(self, op: Op) -> None:
        self._ops.discard(op)
        if not self._ops:
            self._host.end_progress()
            self.refresh_state()
        self._host.update_busy()
