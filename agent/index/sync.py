"""The one sync loop of every source: notes folders, mail paths and IMAP accounts.

A run walks the items the source's scan lists, in its order; an item the source says is
unchanged (by its stat) costs nothing more, and the others are read, parsed and cut into
passages in worker processes (``agent.index.pool``), read ahead in batches (a network
source may fetch a batch in one round trip: ``prefetch``). This process is the one
writer: each parsed item is written as soon as it comes back, so the workers go on
parsing meanwhile; a batch of items is one transaction, committed early when the next
item is slow to come, and each item in it a savepoint (an item that cannot be stored, or
is interrupted, is rolled back alone). What was written is committed when the run stops
early too (``should_stop``, Ctrl-C, a source that halts itself), so the next run goes on
from there. What a source adds — where its
stat is kept, how an item is written, what vanished means — stays with the source
(``agent.index.indexer`` for notes, ``agent.index.mail`` for mail).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol, TypeVar

from agent.index.pool import Failed, ParsePool, default_workers
from agent.index.prepared import Prepared
from agent.store import Store
from contracts.documents import Job, SourceItem

__all__ = [
    "BATCH_ITEMS",
    "Progress",
    "Scanned",
    "add_problems",
    "isolated",
    "keep_problems",
    "label",
    "parse_pool",
    "scan",
    "sync_items",
    "unreadable_prefixes",
]

# progress(done, total, path): called from the indexing thread.
Progress = Callable[[int, int, str], None]

BATCH_ITEMS = 200  # items per transaction: big enough to be fast, small enough to resume
T = TypeVar("T")


class Scanned(Protocol):
    """What the loop needs of a source: its items and a parse job for each. It may also
    offer ``prefetch(items)`` (fetch a batch in one round trip before its jobs run) and
    ``halted() -> str | None`` (why it cannot go on, e.g. its server went away)."""

    @property
    def root(self) -> str: ...

    def scan(self, on_error: Callable[[str, str], None]) -> Iterable[SourceItem]: ...

    def job(self, item: SourceItem) -> Job: ...


def label(item: SourceItem) -> str:
    """How a report names an item: its path, or its uri where it has no path (IMAP)."""
    return item.path or item.uri


def scan(source: Scanned, errors: list[tuple[str, str]]) -> list[SourceItem]:
    """Every item of the source; what it could not read goes to ``errors``."""
    return list(source.scan(lambda path, reason: errors.append((path, reason))))


# A statement's own failure on one item's data, as opposed to the disk or the database
# (full, locked, damaged: sqlite3.OperationalError), which stops the run.
_ITEM_ERRORS = (
    sqlite3.IntegrityError,
    sqlite3.InterfaceError,
    sqlite3.ProgrammingError,
    UnicodeEncodeError,
    ValueError,
    OverflowError,
    TypeError,
)


def isolated(store: Store, write: Callable[[], T]) -> T | Failed:
    """Run one item's writes in a savepoint: on a failure only they are undone, and the
    reason comes back as a ``Failed``."""
    conn = store.conn
    queued = store.fts_queued()
    conn.execute("SAVEPOINT item")
    try:
        result = write()
    except BaseException as e:  # Ctrl-C mid-item too: the transaction keeps whole items
        # A full disk or an I/O error may have rolled the whole transaction back already:
        # then there is no savepoint left, and the error itself is what to report.
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK TO item")
            conn.execute("RELEASE item")
        # What the rollback undid, without the item's own rows; nothing if SQLite rolled
        # the whole transaction back.
        store.restore_fts(queued if conn.in_transaction else [])
        if isinstance(e, _ITEM_ERRORS):
            return Failed(f"could not be stored ({type(e).__name__}: {e})"[:300])
        raise
    conn.execute("RELEASE item")
    return result


@contextlib.contextmanager
def parse_pool(pool: ParsePool | None, items: int) -> Iterator[ParsePool]:
    """The pool given, or one for this run only (no more workers than items)."""
    if pool is not None:
        yield pool
        return
    with ParsePool(min(default_workers(), items)) as own:
        yield own


def sync_items(
    store: Store,
    source: Scanned,
    items: Sequence[SourceItem],
    changed: Sequence[SourceItem],
    write: Callable[[SourceItem, Prepared], None],
    errors: list[tuple[str, str]],
    *,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    pool: ParsePool | None = None,
) -> tuple[int, str | None]:
    """Walk ``items``: parse those ``changed`` (some of ``items``, in their order) in
    ``pool`` (default: one worker process per core, for this run) and hand each to
    ``write`` as it comes back, inside a transaction; an item that fails to parse goes
    to ``errors`` and keeps what the index had of it. Returns how many items were
    unchanged and, when the run stopped before the end, why ("" for ``should_stop``,
    else the source's own reason); only a run that went to the end may remove what the
    scan no longer saw."""
    todo = {id(item) for item in changed}
    prefetch: Callable[[list[SourceItem]], object] | None = getattr(source, "prefetch", None)
    halted: Callable[[], str | None] = getattr(source, "halted", lambda: None)

    # One transaction for up to BATCH_ITEMS items, each written as soon as it is parsed
    # so the workers are fed meanwhile; committed early when the next item is slow.
    batch = contextlib.ExitStack()
    pending = 0

    def commit() -> None:
        nonlocal pending
        if pending:
            pending = 0
            batch.close()

    def jobs() -> Iterator[Job]:  # read ahead by the pool, a batch fetched at a time
        for start in range(0, len(changed), BATCH_ITEMS):
            chunk = list(changed[start : start + BATCH_ITEMS])
            if prefetch is not None:
                commit()  # a network fetch can take a while: hold no transaction open
                prefetch(chunk)
            yield from map(source.job, chunk)

    same = 0
    stopped: str | None = None
    with parse_pool(pool, len(changed)) as workers:
        results = workers.imap(jobs(), idle=commit)
        try:
            for done, item in enumerate(items, start=1):
                if should_stop() or halted():
                    stopped = halted() or ""
                    break
                if id(item) not in todo:
                    same += 1
                else:
                    outcome = next(results)
                    if isinstance(outcome, Failed):
                        if reason := halted():  # not this item's fault: the next run has it
                            stopped = reason
                            break
                        # Keep the copy we already have: a bad read must not lose anything.
                        errors.append((label(item), outcome.reason))
                    else:
                        if not pending:
                            batch.enter_context(store.atomic())
                        pending += 1
                        write(item, outcome)
                        if pending >= BATCH_ITEMS:
                            commit()
                if progress:
                    progress(done, len(items), label(item))
        finally:  # Ctrl-C and a stop included: every item written whole is kept
            try:
                commit()
            finally:
                results.close()
    return same, stopped


def unreadable_prefixes(errors: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The folders the scan could not read, each ending in a separator: what sits under
    them is kept, since unreadable is not deleted (an error's path ending in "/" names a
    folder of a source that is not files, e.g. an IMAP folder)."""
    return tuple(
        p if p.endswith("/") else p.rstrip(os.sep) + os.sep
        for p, _ in errors
        if p.endswith("/") or os.path.isdir(p)
    )


def add_problems(store: Store, root: str, problems: Iterable[tuple[str, str]]) -> None:
    """Remember a source's problems (``fanous sources`` counts them), one per path."""
    store.conn.executemany(
        "INSERT OR REPLACE INTO index_errors (root, path, reason, at) VALUES (?,?,?,?)",
        [(root, path, reason, time.time()) for path, reason in problems],
    )


def keep_problems(store: Store, root: str, problems: Iterable[tuple[str, str]]) -> None:
    """Replace the problems the index keeps for a source with this run's."""
    store.conn.execute("DELETE FROM index_errors WHERE root = ?", (root,))
    add_problems(store, root, problems)
