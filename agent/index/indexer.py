"""Incremental indexing: unchanged items cost a stat, changed ones are re-chunked.

Writes go in batches, each one transaction, so a crash leaves a consistent database
and the next run resumes where this one stopped (finished items read as unchanged).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from agent.documents import Connector, Document, SourceItem
from agent.errors import ConnectorError
from agent.index.chunking import chunk_text
from agent.store import Store

__all__ = ["IndexReport", "Progress", "forget_source", "index_source"]

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


def _write_document(
    store: Store, root: str, item: SourceItem, doc: Document, doc_id: int | None
) -> None:
    conn = store.conn
    now = time.time()
    row = (
        doc.source,
        root,
        doc.uri,
        item.path,
        doc.title,
        json.dumps(doc.meta),
        doc.modified,
        item.size,
        item.mtime_ns,
        doc.content_hash,
        now,
    )
    if doc_id is None:
        doc_id = conn.execute(
            "INSERT INTO documents (source, root, uri, path, title, meta, modified, size, "
            "mtime_ns, content_hash, indexed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            row,
        ).lastrowid
    else:
        conn.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
        conn.execute(
            "UPDATE documents SET source=?, root=?, uri=?, path=?, title=?, meta=?, "
            "modified=?, size=?, mtime_ns=?, content_hash=?, indexed_at=? WHERE id=?",
            (*row, doc_id),
        )
    conn.executemany(
        "INSERT INTO chunks (doc_id, ordinal, text, heading_path, start, end) VALUES (?,?,?,?,?,?)",
        [
            (doc_id, n, p.text, p.heading_path, p.start, p.end)
            for n, p in enumerate(chunk_text(doc.text))
        ],
    )


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
            conn.executemany("DELETE FROM chunks WHERE doc_id = ?", [(d,) for d in gone])
            conn.executemany("DELETE FROM documents WHERE id = ?", [(d,) for d in gone])
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
        conn.executemany("DELETE FROM chunks WHERE doc_id = ?", [(d,) for d in ids])
        conn.execute("DELETE FROM documents WHERE root = ?", (root,))
        conn.execute("DELETE FROM index_errors WHERE root = ?", (root,))
    return len(ids)
