"""A debounced change feed for a folder source, driven by watchdog.

Editors save in bursts (write a temp file, rename it over the note, touch it again), so
events are collected and handed over together once none has come for ``debounce``
seconds (or ``max_delay`` after the first, for a folder that never goes quiet). A folder
event (a folder moved in or out, or deleted) or a change to ``.fanousignore`` asks for a
re-scan instead of a list of files. Knows nothing of the index: ``agent.index.live``
turns the batches into index updates.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from connectors.notes import IGNORE_FILE

__all__ = ["FolderWatch", "OnChanges"]

# on_changes(paths, rescan): called on the feed's thread with one debounced batch.
OnChanges = Callable[[set[str], bool], Any]

log = logging.getLogger(__name__)

# Events that say content or names changed; opens and read-only closes say nothing.
_CHANGES = frozenset({"created", "modified", "deleted", "moved", "closed"})


class _Collector(FileSystemEventHandler):
    def __init__(self, watcher: FolderWatch) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _CHANGES:
            return
        paths = [os.fsdecode(event.src_path)]
        if getattr(event, "dest_path", None):
            paths.append(os.fsdecode(event.dest_path))
        rescan = (event.is_directory and event.event_type != "modified") or any(
            os.path.basename(p) == IGNORE_FILE for p in paths
        )
        if event.is_directory and not rescan:
            return  # a folder's mtime changed: its files report for themselves
        self.watcher._add(paths, rescan)


class FolderWatch:
    """Watches ``root`` recursively and calls ``on_changes`` with debounced batches."""

    def __init__(
        self,
        root: str,
        on_changes: OnChanges,
        *,
        debounce: float = 0.15,
        max_delay: float = 1.0,
        on_error: Callable[[Exception], Any] | None = None,
    ) -> None:
        self.root = root
        self.on_changes = on_changes
        self.debounce = debounce
        self.max_delay = max_delay
        self.on_error = on_error
        self._lock = threading.Lock()
        self._pending: set[str] = set()
        self._rescan = False
        self._first = 0.0
        self._last = 0.0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._observer: Any = None
        self._thread: threading.Thread | None = None
        self.batches = 0  # how many batches were handed over (for tests and status)

    def _add(self, paths: list[str], rescan: bool) -> None:
        now = time.monotonic()
        with self._lock:
            if not self._pending and not self._rescan:
                self._first = now
            self._pending.update(paths)
            self._rescan = self._rescan or rescan
            self._last = now
        self._wake.set()

    def has_pending(self) -> bool:
        """Whether changes are waiting: slow follow-up work should yield to them."""
        with self._lock:
            return bool(self._pending) or self._rescan

    def start(self) -> FolderWatch:
        self._observer = Observer()
        self._observer.schedule(_Collector(self), self.root, recursive=True)
        self._observer.start()
        self._thread = threading.Thread(target=self._run, name="fanous-watch", daemon=True)
        self._thread.start()
        return self

    def stopping(self) -> bool:
        """Whether ``stop`` was called: a long batch checks it to end early."""
        return self._stop.is_set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
        if self._thread is not None:
            self._thread.join(timeout=30)

    def __enter__(self) -> FolderWatch:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _take(self) -> tuple[set[str], bool] | None:
        """The batch to index now, or None while events are still arriving."""
        with self._lock:
            if not self._pending and not self._rescan:
                return None
            now = time.monotonic()
            if now - self._last < self.debounce and now - self._first < self.max_delay:
                return None
            batch, rescan = self._pending, self._rescan
            self._pending, self._rescan = set(), False
            return batch, rescan

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(timeout=self.debounce / 3)
            self._wake.clear()
            taken = self._take()
            if taken is None:
                continue
            paths, rescan = taken
            try:
                self.on_changes(paths, rescan)
                self.batches += 1
            except Exception as e:  # a failed batch must not end live mode
                log.warning("live update of %s failed: %s", self.root, e)
                if self.on_error is not None:
                    self.on_error(e)
