"""Incremental indexing of notes: unchanged items cost a stat, changed ones are re-chunked.

The walk, the parse workers, the batched writes and stopping are the sync loop every
source shares (``agent.index.sync``); this module adds what notes need: a note's stat
and content hash in ``documents``, a folder inside another chosen one indexed once, and
the live mode's update of a few paths (``index_paths``). An item that fails is reported
with its reason and keeps what the index had of it; a crash leaves a consistent database
and the next run resumes where this one stopped (finished items read as unchanged).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, ClassVar

from agent.index.lock import exclusive
from agent.index.pool import Failed, ParsePool
from agent.index.prepared import Prepared
from agent.index.sync import (
    Progress,
    add_problems,
    isolated,
    keep_problems,
    parse_pool,
    scan,
    sync_items,
    unreadable_prefixes,
)
from agent.store import Store
from contracts.documents import Connector, SourceItem

__all__ = [
    "IndexReport",
    "Progress",
    "delete_documents",
    "forget_source",
    "index_paths",
    "index_source",
    "write_document",
]


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
    unit: ClassVar[str] = "files"  # what the summary counts

    def _more(self) -> list[str]:
        """A source's own figures, said before the errors."""
        return []

    @property
    def changed(self) -> int:
        return self.added + self.updated + self.removed

    def summary(self) -> str:
        parts = [
            f"{self.scanned} {self.unit}",
            f"{self.added} new",
            f"{self.updated} updated",
            f"{self.removed} removed",
            *self._more(),
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


def write_document(
    store: Store, root: str, item: SourceItem, prep: Prepared, doc_id: int | None
) -> int:
    """Write one parsed document over ``doc_id`` (None: a new one); returns its id."""
    conn = store.conn
    store.documents_changed()
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
        store.flush_fts()  # its passages may be queued: in the index before they go
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
    # The passages' ids are given here, as SQLite would give them (one past the largest),
    # so that the keyword index can take them from memory at the commit.
    first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM chunks").fetchone()[0]
    rows = [(first + n, *row) for n, row in enumerate(prep.rows(doc_id))]
    conn.executemany(
        "INSERT INTO chunks (id, doc_id, ordinal, text, heading_path, start, end, search_form, "
        "search_heading, text_hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    # The one place passages are written, so the one place they become searchable: once
    # the batch commits (Store.queue_fts says why). An empty form is the text's own.
    store.queue_fts([(row[0], row[7] or row[3], row[8]) for row in rows])
    return doc_id


def delete_documents(store: Store, ids: list[int]) -> None:
    conn = store.conn
    store.documents_changed()
    store.flush_fts()  # a passage must be in the keyword index before it leaves it
    conn.executemany("DELETE FROM chunks WHERE doc_id = ?", [(d,) for d in ids])
    conn.executemany("DELETE FROM doc_tags WHERE doc_id = ?", [(d,) for d in ids])
    conn.executemany("DELETE FROM documents WHERE id = ?", [(d,) for d in ids])


def _indexed_elsewhere(store: Store, root: str, uri: str) -> bool:
    row = store.conn.execute("SELECT root FROM documents WHERE uri = ?", (uri,)).fetchone()
    return row is not None and row[0] != root


def _store_note(
    store: Store,
    root: str,
    item: SourceItem,
    prep: Prepared,
    old: tuple[int, str] | None,
    report: IndexReport,
) -> bool:
    """Write one parsed note over what was indexed of it (``old``: its document id and
    content hash); whether its passages were written. The same content under a new stat
    only has the stat remembered, to skip it next time."""
    if old and old[1] == prep.doc.content_hash:
        report.unchanged += 1
        store.conn.execute(
            "UPDATE documents SET mtime_ns=?, size=? WHERE id=?",
            (item.mtime_ns, item.size, old[0]),
        )
        return False
    write = partial(write_document, store, root, item, prep, old[0] if old else None)
    stored = isolated(store, write)
    if isinstance(stored, Failed):
        report.errors.append((item.path, stored.reason))
        return False
    report.updated += old is not None
    report.added += old is None
    return True


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
    items = scan(connector, report.errors)
    report.scanned = len(items)

    def unchanged(item: SourceItem) -> bool:
        old = known.get(item.uri)
        if old is None:  # a folder inside another chosen one: indexed once, there
            return _indexed_elsewhere(store, root, item.uri)
        return bool(old[1] == item.mtime_ns and old[2] == item.size)

    def write(item: SourceItem, prep: Prepared) -> None:
        old = known.get(item.uri)
        note = prep.doc.meta.get("note")
        if note and not (old and old[3] == prep.doc.content_hash):
            report.errors.append((item.path, str(note)))
        _store_note(store, root, item, prep, old and (old[0], old[3]), report)

    changed = [item for item in items if not unchanged(item)]
    same, stopped = sync_items(
        store, connector, items, changed, write, report.errors,
        progress=progress, should_stop=should_stop, pool=pool,
    )  # fmt: skip
    report.unchanged += same
    if stopped is None and not should_stop():
        # An item the scan no longer sees is gone, unless it sits under a folder the
        # scan could not read this time: unreadable is not deleted.
        unreadable = unreadable_prefixes(report.errors)
        seen = {item.uri for item in items}
        gone = [
            known[uri][0]
            for uri in known.keys() - seen
            if not (unreadable and known[uri][4].startswith(unreadable))
        ]
        with store.atomic():
            delete_documents(store, gone)
            keep_problems(store, root, report.errors)
        report.removed = len(gone)
    report.seconds = time.perf_counter() - started
    return report


@exclusive
def forget_source(store: Store, root: str) -> int:
    """Remove everything indexed from one source; returns how many documents went."""
    with store.atomic() as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM documents WHERE root = ?", (root,))]
        delete_documents(store, ids)
        conn.execute("DELETE FROM index_errors WHERE root = ?", (root,))
    return len(ids)


@exclusive
def index_paths(
    store: Store, connector: Any, paths: Iterable[str], *, pool: ParsePool | None = None
) -> IndexReport:
    """Bring only ``paths`` in step: the live mode's answer to a batch of file events.

    ``connector`` must offer ``item_for(path)`` (``NotesFolder`` does). A path that is
    gone drops what was indexed from it (a file, or every note under a folder); a path
    that cannot be read keeps its indexed copy. A batch is small and written in one
    transaction, its deletions included; its problems replace only its own paths'."""
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
    with parse_pool(pool, len(changed)) as workers:
        outcomes = list(workers.imap(connector.job(item) for item, _ in changed))
    written: list[SourceItem] = []
    with store.atomic() as conn:
        for (item, old), outcome in zip(changed, outcomes, strict=True):
            if isinstance(outcome, Failed):
                report.errors.append((item.path, outcome.reason))
            elif _store_note(store, root, item, outcome, old and (old[0], old[3]), report):
                written.append(item)
        delete_documents(store, gone)
        conn.executemany(
            "DELETE FROM index_errors WHERE root = ? AND path = ?",
            [(root, item.path) for item in written],
        )
        add_problems(store, root, report.errors)
    report.removed = len(gone)
    report.seconds = time.perf_counter() - started
    return report
