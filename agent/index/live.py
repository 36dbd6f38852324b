"""Live indexing: a folder's debounced change feed turned into index updates.

Changed files are re-indexed one by one (``index_paths``); a re-scan request runs the
incremental ``index_source``. The watcher thread uses its own database connection, so
the UI and the CLI read while it writes (WAL).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from agent.index.indexer import IndexReport, index_paths, index_source
from agent.index.vectors import Embedder, covering, embed_pending, last_chunk_id, tiers
from agent.store import Store
from connectors.notes import NotesFolder
from connectors.watch import FolderWatch

__all__ = ["LiveIndex"]

log = logging.getLogger(__name__)


class LiveIndex:
    """Keeps one notes folder's index (and its vectors) current while running.

    ``after_index(report)`` runs on the watcher thread after each batch is searchable by
    keyword; new passages are embedded right after, when there is an ``embedder``."""

    def __init__(
        self,
        db_path: str,
        folder: NotesFolder,
        *,
        embedder: Embedder | None = None,
        after_index: Callable[[IndexReport], Any] | None = None,
        on_error: Callable[[Exception], Any] | None = None,
        debounce: float = 0.15,
    ) -> None:
        self.db_path = db_path
        self.folder = folder
        self.embedder = embedder
        self.after_index = after_index
        self._store: Store | None = None
        self.watch = FolderWatch(folder.root, self._apply, debounce=debounce, on_error=on_error)

    def _apply(self, paths: set[str], rescan: bool) -> None:
        if self._store is None:  # opened on the watcher thread that uses it
            self._store = Store(self.db_path)
        store = self._store
        before = last_chunk_id(store)
        report = (
            index_source(store, self.folder, should_stop=self.watch.stopping)
            if rescan
            else index_paths(store, self.folder, paths)
        )
        log.info("live %s: %s", self.folder.root, report.summary())
        if self.after_index is not None:
            self.after_index(report)
        if self.embedder is not None and report.changed:
            # Only the batch's own passages (found by chunk id, cheap): an older backlog
            # is the foreground `fanous index`'s or the app's BackgroundEmbedder's job,
            # since looking through 100k passages for it costs seconds per batch.
            for tier in reversed(tiers(self.embedder)):  # the fast first tier first
                embed_pending(
                    store, tier, after_chunk=before, covered=covering(self.embedder, tier)
                )

    def start(self) -> LiveIndex:
        self.watch.start()
        return self

    def stop(self) -> None:
        self.watch.stop()
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> LiveIndex:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
