"""Incremental indexing: unchanged items cost a stat, changed ones are re-chunked.

Changed items are read, parsed and cut into passages in worker processes, under limits
of time and memory per item (``agent.index.pool``); this process is the one writer. An
item that fails is reported with its reason and keeps what the index had of it. Writes
go in batches, each one transaction (an item that cannot be stored is rolled back alone),
so a crash leaves a consistent database and the next run resumes where this one stopped
(finished items read as unchanged); Ctrl-C first writes what was already parsed.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from agent.index.lock import exclusive
from agent.index.pool import Failed, ParsePool, default_workers
from agent.index.prepared import Prepared
from agent.store import Store
from contracts.documents import Connector, SourceItem

__all__ = ["IndexReport", "Progress", "forget_source", "index_paths", "index_source"]

# progress(done, total, path): called from the indexing thread.
Progress = Callable[[int, int, str], None]

_BATCH_ITEMS = 200  # items per transaction: big enough to be fast, small enough to resume
T = TypeVar("T")


@dataclass(slots=True)
class IndexReport:
    root: str
    scanned: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changed(self) -> int:
        return self.added + self.updated + self.removed

    def summary(self) -> str:
        parts = [
            f"{self.scanned} files",
            f"{self.added} new",
            f"{self.updated} updated",
            f"{self.removed} removed",
        ]
        if self.errors:
            parts.append(f"{len(self.errors)} could not be read")
        return ", ".join(parts) + f" in {self.seconds:.2f} s"


def _doc_row(prep: Prepared, root: str, item: SourceItem, now: float) -> tuple[object, ...]:
    doc = prep.doc
    return (
        doc.source,
        root,
        doc.uri,
        item.path,
        doc.title,
        prep.meta_json,
        doc.modified,
        item.size,
        item.mtime_ns,
        doc.content_hash,
        now,
        str(doc.meta.get("folder", "")),
        float(doc.meta.get("date") or doc.modified),
    )


def _write_document(
    store: Store, root: str, item: SourceItem, prep: Prepared, doc_id: int | None
) -> None:
    conn = store.conn
    row = _doc_row(prep, root, item, time.time())
    if doc_id is None:
        doc_id = conn.execute(
            "INSERT INTO documents (source, root, uri, path, title, meta, modified, size, "
            "mtime_ns, content_hash, indexed_at, folder, doc_date) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            row,
        ).lastrowid
        assert doc_id is not None
    else:
        conn.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
        conn.execute("DELETE FROM doc_tags WHERE doc_id = ?", (doc_id,))
        conn.execute(
            "UPDATE documents SET source=?, root=?, uri=?, path=?, title=?, meta=?, "
            "modified=?, size=?, mtime_ns=?, content_hash=?, indexed_at=?, folder=?, "
            "doc_date=? WHERE id=?",
            (*row, doc_id),
        )
    conn.executemany(
        "INSERT OR IGNORE INTO doc_tags (doc_id, tag) VALUES (?, ?)",
        [(doc_id, tag) for tag in prep.doc.meta.get("tags", [])],
    )
    conn.executemany(
        "INSERT INTO chunks (doc_id, ordinal, text, heading_path, start, end, search_text, "
        "search_heading, text_hash) VALUES (?,?,?,?,?,?,?,?,?)",
        prep.rows(doc_id),
    )


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


def _isolated(store: Store, write: Callable[[], T]) -> T | Failed:
    """Run one item's writes in a savepoint: on a failure only they are undone, and the
    reason comes back as a ``Failed``."""
    conn = store.conn
    conn.execute("SAVEPOINT item")
    try:
        result = write()
    except _ITEM_ERRORS as e:
        conn.execute("ROLLBACK TO item")
        conn.execute("RELEASE item")
        return Failed(f"could not be stored ({type(e).__name__}: {e})"[:300])
    conn.execute("RELEASE item")
    return result


@contextlib.contextmanager
def _parse_pool(pool: ParsePool | None, items: int) -> Iterator[ParsePool]:
    """The pool given, or one for this run only (no more workers than items)."""
    if pool is not None:
        yield pool
        return
    with ParsePool(min(default_workers(), items)) as own:
        yield own


def _delete_documents(store: Store, ids: list[int]) -> None:
    conn = store.conn
    conn.executemany("DELETE FROM chunks WHERE doc_id = ?", [(d,) for d in ids])
    conn.executemany("DELETE FROM doc_tags WHERE doc_id = ?", [(d,) for d in ids])
    conn.executemany("DELETE FROM documents WHERE id = ?", [(d,) for d in ids])


def _indexed_elsewhere(store: Store, root: str, uri: str) -> bool:
    row = store.conn.execute("SELECT root FROM documents WHERE uri = ?", (uri,)).fetchone()
    return row is not None and row[0] != root


@exclusive
def index_source(
    store: Store,
    connector: Connector,
    *,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    pool: ParsePool | None = None,
) -> IndexReport:
    """Bring the index in step with one source. Raises ``ConnectorError`` when the
    source as a whole is unreadable; the index then keeps what it had. ``pool`` parses
    the changed items (default: one worker process per core, for this run)."""
    started = time.perf_counter()
    root = connector.root
    report = IndexReport(root=root)
    known = {
        uri: (doc_id, mtime_ns, size, digest, path or "")
        for doc_id, uri, mtime_ns, size, digest, path in store.conn.execute(
            "SELECT id, uri, mtime_ns, size, content_hash, path FROM documents WHERE root = ?",
            (root,),
        )
    }
    items = list(connector.scan(lambda path, reason: report.errors.append((path, reason))))
    report.scanned = len(items)
    seen: set[str] = set()
    pending: list[tuple[SourceItem, Prepared | None, int | None]] = []

    def current(item: SourceItem) -> bool:
        old = known.get(item.uri)
        if old is None:  # a folder inside another chosen one: indexed once, there
            return _indexed_elsewhere(store, root, item.uri)
        return bool(old[1] == item.mtime_ns and old[2] == item.size)

    def flush() -> None:
        with store.atomic():
            for item, prep, doc_id in pending:
                if prep is None:  # same content, new stat: remember it to skip next time
                    store.conn.execute(
                        "UPDATE documents SET mtime_ns=?, size=? WHERE id=?",
                        (item.mtime_ns, item.size, doc_id),
                    )
                    continue
                stored = _isolated(store, partial(_write_document, store, root, item, prep, doc_id))
                if isinstance(stored, Failed):
                    report.errors.append((item.path, stored.reason))
                    report.added -= doc_id is None
                    report.updated -= doc_id is not None
        pending.clear()

    fresh = {item.uri for item in items if current(item)}
    changed = [item for item in items if item.uri not in fresh]
    with _parse_pool(pool, len(changed)) as workers:
        results = workers.imap(connector.job(item) for item in changed)
        try:
            for done, item in enumerate(items, start=1):
                if should_stop():
                    break
                seen.add(item.uri)
                old = known.get(item.uri)
                if item.uri in fresh:
                    report.unchanged += 1
                else:
                    outcome = next(results)
                    if isinstance(outcome, Failed):
                        # Keep the copy we already have: a bad read must not lose anything.
                        report.errors.append((item.path, outcome.reason))
                    elif old and old[3] == outcome.doc.content_hash:
                        report.unchanged += 1
                        pending.append((item, None, old[0]))
                    else:
                        if outcome.doc.meta.get("note"):
                            report.errors.append((item.path, str(outcome.doc.meta["note"])))
                        report.updated += old is not None
                        report.added += old is None
                        pending.append((item, outcome, old[0] if old else None))
                if len(pending) >= _BATCH_ITEMS:
                    flush()
                if progress:
                    progress(done, len(items), item.path)
        except KeyboardInterrupt:
            flush()  # what was parsed is kept; the next run goes on from there
            raise
        finally:
            results.close()
    flush()

    if not should_stop():
        # An item the scan no longer sees is gone, unless it sits under a folder the
        # scan could not read this time: unreadable is not deleted.
        unreadable = tuple(path.rstrip(os.sep) + os.sep for path, _ in report.errors)
        gone = [
            known[uri][0]
            for uri in known.keys() - seen
            if not (unreadable and known[uri][4].startswith(unreadable))
        ]
        with store.atomic() as conn:
            _delete_documents(store, gone)
            conn.execute("DELETE FROM index_errors WHERE root = ?", (root,))
            conn.executemany(
                "INSERT OR REPLACE INTO index_errors (root, path, reason, at) VALUES (?,?,?,?)",
                [(root, path, reason, time.time()) for path, reason in report.errors],
            )
        report.removed = len(gone)
    report.seconds = time.perf_counter() - started
    return report


@exclusive
def forget_source(store: Store, root: str) -> int:
    """Remove everything indexed from one source; returns how many documents went."""
    with store.atomic() as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM documents WHERE root = ?", (root,))]
        _delete_documents(store, ids)
        conn.execute("DELETE FROM index_errors WHERE root = ?", (root,))
    return len(ids)


@exclusive
def index_paths(
    store: Store, connector: Any, paths: Iterable[str], *, pool: ParsePool | None = None
) -> IndexReport:
    """Bring only ``paths`` in step: the live mode's answer to a batch of file events.

    ``connector`` must offer ``item_for(path)`` (``NotesFolder`` does). A path that is
    gone drops what was indexed from it (a file, or every note under a folder); a path
    that cannot be read keeps its indexed copy."""
    started = time.perf_counter()
    root = connector.root
    report = IndexReport(root=root)
    gone: list[int] = []
    changed: list[tuple[SourceItem, Any]] = []
    for path in sorted(set(paths)):
        item = connector.item_for(path)
        if item is None:
            if os.path.exists(path):
                continue  # a folder, or a file this source does not index
            prefix = path.rstrip(os.sep) + os.sep
            gone += [
                r[0]
                for r in store.conn.execute(
                    "SELECT id FROM documents WHERE root = ? AND (path = ? OR "
                    "(path >= ? AND path < ?))",
                    (root, path, prefix, prefix[:-1] + chr(ord(os.sep) + 1)),
                )
            ]
            continue
        report.scanned += 1
        old = store.conn.execute(
            "SELECT id, mtime_ns, size, content_hash FROM documents WHERE uri = ?", (item.uri,)
        ).fetchone()
        if old and (old[1], old[2]) == (item.mtime_ns, item.size):
            report.unchanged += 1
            continue
        changed.append((item, old))
    with _parse_pool(pool, len(changed)) as workers:
        outcomes = list(workers.imap(connector.job(item) for item, _ in changed))
    written: list[SourceItem] = []
    with store.atomic() as conn:
        for (item, old), outcome in zip(changed, outcomes, strict=True):
            if isinstance(outcome, Failed):
                report.errors.append((item.path, outcome.reason))
            elif old and old[3] == outcome.doc.content_hash:
                report.unchanged += 1
                conn.execute(
                    "UPDATE documents SET mtime_ns=?, size=? WHERE id=?",
                    (item.mtime_ns, item.size, old[0]),
                )
            else:
                write = partial(_write_document, store, root, item, outcome, old and old[0])
                stored = _isolated(store, write)
                if isinstance(stored, Failed):
                    report.errors.append((item.path, stored.reason))
                    continue
                report.updated += old is not None
                report.added += old is None
                written.append(item)
        _delete_documents(store, gone)
        conn.executemany(
            "DELETE FROM index_errors WHERE root = ? AND path = ?",
            [(root, item.path) for item in written],
        )
        conn.executemany(
            "INSERT OR REPLACE INTO index_errors (root, path, reason, at) VALUES (?,?,?,?)",
            [(root, path, reason, time.time()) for path, reason in report.errors],
        )
    report.removed = len(gone)
    report.seconds = time.perf_counter() - started
    return report
