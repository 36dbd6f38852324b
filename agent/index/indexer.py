"""Incremental indexing: unchanged items cost a stat, changed ones are re-chunked.

Writes go in batches, each one transaction, so a crash leaves a consistent database
and the next run resumes where this one stopped (finished items read as unchanged).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from agent.index.chunking import chunk_text
from agent.normalize import normalize
from agent.store import Store
from contracts.documents import Connector, Document, SourceItem, content_hash
from contracts.errors import ConnectorError

__all__ = ["IndexReport", "Progress", "forget_source", "index_paths", "index_source"]

# progress(done, total, path): called from the indexing thread.
Progress = Callable[[int, int, str], None]

_BATCH_ITEMS = 200  # items per transaction: big enough to be fast, small enough to resume


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


def _doc_row(doc: Document, root: str, item: SourceItem, now: float) -> tuple[object, ...]:
    return (
        doc.source,
        root,
        doc.uri,
        item.path,
        doc.title,
        json.dumps(doc.meta, ensure_ascii=False),
        doc.modified,
        item.size,
        item.mtime_ns,
        doc.content_hash,
        now,
        str(doc.meta.get("folder", "")),
        float(doc.meta.get("date") or doc.modified),
    )


def _write_document(
    store: Store, root: str, item: SourceItem, doc: Document, doc_id: int | None
) -> None:
    conn = store.conn
    row = _doc_row(doc, root, item, time.time())
    if doc_id is None:
        doc_id = conn.execute(
            "INSERT INTO documents (source, root, uri, path, title, meta, modified, size, "
            "mtime_ns, content_hash, indexed_at, folder, doc_date) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            row,
        ).lastrowid
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
        [(doc_id, tag) for tag in doc.meta.get("tags", [])],
    )
    # The title and aliases ride with every passage's heading, so a note is found by
    # the names its author gave it.
    names = " ".join([doc.title, *doc.meta.get("aliases", [])])
    pieces = chunk_text(
        doc.text,
        start=int(doc.meta.get("body_start", 0)),
        syntax=str(doc.meta.get("syntax", "markdown")),
    )
    conn.executemany(
        "INSERT INTO chunks (doc_id, ordinal, text, heading_path, start, end, search_text, "
        "search_heading, text_hash) VALUES (?,?,?,?,?,?,?,?,?)",
        [
            (
                doc_id,
                n,
                p.text,
                p.heading_path,
                p.start,
                p.end,
                normalize(p.text),
                normalize(f"{names} {p.heading_path}"),
                content_hash(p.text),
            )
            for n, p in enumerate(pieces)
        ],
    )


def _delete_documents(store: Store, ids: list[int]) -> None:
    conn = store.conn
    conn.executemany("DELETE FROM chunks WHERE doc_id = ?", [(d,) for d in ids])
    conn.executemany("DELETE FROM doc_tags WHERE doc_id = ?", [(d,) for d in ids])
    conn.executemany("DELETE FROM documents WHERE id = ?", [(d,) for d in ids])


def index_source(
    store: Store,
    connector: Connector,
    *,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> IndexReport:
    """Bring the index in step with one source. Raises ``ConnectorError`` when the
    source as a whole is unreadable; the index then keeps what it had."""
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
    pending: list[tuple[SourceItem, Document | None, int | None]] = []

    def flush() -> None:
        with store.atomic():
            for item, doc, doc_id in pending:
                if doc is None:  # same content, new stat: remember it to skip next time
                    store.conn.execute(
                        "UPDATE documents SET mtime_ns=?, size=? WHERE id=?",
                        (item.mtime_ns, item.size, doc_id),
                    )
                else:
                    _write_document(store, root, item, doc, doc_id)
        pending.clear()

    for done, item in enumerate(items, start=1):
        if should_stop():
            break
        seen.add(item.uri)
        old = known.get(item.uri)
        if old and old[1] == item.mtime_ns and old[2] == item.size:
            report.unchanged += 1
        else:
            try:
                doc = connector.load(item)
            except ConnectorError as e:
                # Keep the copy we already have: a bad read must not lose anything.
                report.errors.append((item.path, e.message))
            else:
                if old and old[3] == doc.content_hash:
                    report.unchanged += 1
                    pending.append((item, None, old[0]))
                else:
                    if doc.meta.get("note"):
                        report.errors.append((item.path, str(doc.meta["note"])))
                    report.updated += old is not None
                    report.added += old is None
                    pending.append((item, doc, old[0] if old else None))
        if len(pending) >= _BATCH_ITEMS:
            flush()
        if progress:
            progress(done, len(items), item.path)
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


def forget_source(store: Store, root: str) -> int:
    """Remove everything indexed from one source; returns how many documents went."""
    with store.atomic() as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM documents WHERE root = ?", (root,))]
        _delete_documents(store, ids)
        conn.execute("DELETE FROM index_errors WHERE root = ?", (root,))
    return len(ids)


def index_paths(store: Store, connector: Any, paths: Iterable[str]) -> IndexReport:
    """Bring only ``paths`` in step: the live mode's answer to a batch of file events.

    ``connector`` must offer ``item_for(path)`` (``NotesFolder`` does). A path that is
    gone drops what was indexed from it (a file, or every note under a folder); a path
    that cannot be read keeps its indexed copy."""
    started = time.perf_counter()
    root = connector.root
    report = IndexReport(root=root)
    writes: list[tuple[SourceItem, Document, int | None]] = []
    gone: list[int] = []
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
        try:
            doc = connector.load(item)
        except ConnectorError as e:
            report.errors.append((item.path, e.message))
            continue
        if old and old[3] == doc.content_hash:
            report.unchanged += 1
            with store.atomic() as conn:
                conn.execute(
                    "UPDATE documents SET mtime_ns=?, size=? WHERE id=?",
                    (item.mtime_ns, item.size, old[0]),
                )
            continue
        report.updated += old is not None
        report.added += old is None
        writes.append((item, doc, old[0] if old else None))
    with store.atomic() as conn:
        for item, doc, doc_id in writes:
            _write_document(store, root, item, doc, doc_id)
        _delete_documents(store, gone)
        conn.executemany(
            "DELETE FROM index_errors WHERE root = ? AND path = ?",
            [(root, item.path) for item, _, _ in writes],
        )
        conn.executemany(
            "INSERT OR REPLACE INTO index_errors (root, path, reason, at) VALUES (?,?,?,?)",
            [(root, path, reason, time.time()) for path, reason in report.errors],
        )
    report.removed = len(gone)
    report.seconds = time.perf_counter() - started
    return report
