"""One indexer per database at a time, across processes (the app and `fanous index`) and
threads (the app's live watchers and its index runner).

Two runs writing the same folder's documents race each other's inserts; the second
failed with "UNIQUE constraint failed". Every function that writes the index takes an
OS file lock beside the database first (``@exclusive``): the second run waits for the
first to finish, says so when someone is listening (``WAIT_NOTICE``, set by the CLI),
and gives up only when it is asked to stop. The OS drops the lock of a crashed run.
"""

from __future__ import annotations

import contextvars
import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from filelock import FileLock, Timeout

from agent.config import PRIVATE_FILE
from contracts.errors import StorageError

__all__ = ["WAIT_NOTICE", "IndexBusy", "exclusive", "index_lock"]

log = logging.getLogger(__name__)

# Called once when a run has to wait for another (the CLI prints a line).
WAIT_NOTICE: contextvars.ContextVar[Callable[[], None] | None] = contextvars.ContextVar(
    "fanous_index_wait_notice", default=None
)
_POLL = 0.2  # seconds between looks at should_stop while waiting

F = TypeVar("F", bound=Callable[..., Any])


class IndexBusy(StorageError):
    """Another index run holds this database and this one was asked to stop waiting."""


@contextmanager
def index_lock(store: Any, *, should_stop: Callable[[], bool] = lambda: False) -> Iterator[None]:
    """Hold the database's index lock for the block, waiting for another run first."""
    path = getattr(store, "path", ":memory:")
    if path == ":memory:":
        yield
        return
    lock = FileLock(f"{path}.index-lock", mode=PRIVATE_FILE, thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log.info("another index run holds %s; waiting", path)
        notice = WAIT_NOTICE.get()
        if notice is not None:
            notice()
        while True:
            if should_stop():
                raise IndexBusy(
                    "Another index run is in progress on this database; stopped waiting for it",
                    fix="let it finish (the app or another `fanous index`), then index again",
                ) from None
            try:
                lock.acquire(timeout=_POLL)
                break
            except Timeout:
                continue
    try:
        yield
    finally:
        lock.release()


def exclusive(fn: F) -> F:
    """Run an index-writing function (``fn(store, …, should_stop=…)``) under the lock."""

    @functools.wraps(fn)
    def run(store: Any, *args: Any, **kwargs: Any) -> Any:
        with index_lock(store, should_stop=kwargs.get("should_stop") or (lambda: False)):
            return fn(store, *args, **kwargs)

    return run  # type: ignore[return-value]
