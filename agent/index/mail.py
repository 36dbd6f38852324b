"""Indexing mail: the same documents/chunks/FTS index as notes, plus what mail needs.

A message can sit in several places (two folders, an mbox export and an IMAP account):
``mail_locations`` records every place, keyed by the source's location uri, while the
message itself — its document, chunks and ``mail_messages`` row (the fields that
``from:``/``to:``/``subject:``/``after:`` filter on) — is stored once, under its
``mid:`` uri. A message leaves the index only when its last location is gone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, ClassVar, Protocol

from agent.index.indexer import IndexReport, delete_documents, write_document
from agent.index.lock import exclusive
from agent.index.pool import Failed, ParsePool
from agent.index.prepared import Prepared
from agent.index.sync import (
    Progress,
    isolated,
    keep_problems,
    label,
    scan,
    sync_items,
    unreadable_prefixes,
)
from agent.store import Store
from contracts.documents import Document, Job, SourceItem

__all__ = ["MailConnector", "MailReport", "forget_mail_source", "index_mail", "thread_of"]

log = logging.getLogger(__name__)


class MailConnector(Protocol):
    """A ``Connector`` whose items are message locations; ``prefetch`` is optional and
    lets a network source fetch a batch in one round trip before ``load`` is called."""

    source: str
    root: str

    def scan(self, on_error: Callable[[str, str], None]) -> Iterable[SourceItem]: ...

    def job(self, item: SourceItem) -> Job: ...


@dataclass(slots=True)
class MailReport(IndexReport):
    duplicates: int = 0  # messages already indexed from another place
    warnings: list[tuple[str, str]] = field(default_factory=list)  # indexed, with damage

    unit: ClassVar[str] = "messages"

    def _more(self) -> list[str]:
        parts = []
        if self.duplicates:
            parts.append(f"{self.duplicates} already indexed elsewhere")
        if self.warnings:
            parts.append(f"{len(self.warnings)} indexed with problems")
        return parts


def _fields(doc: Document) -> tuple[Any, ...]:
    m = doc.meta
    date = doc.modified or None
    return (
        m.get("message_id"),
        m.get("thread"),
        date,
        ", ".join(m.get("from") or []).casefold(),
        ", ".join([*(m.get("to") or []), *(m.get("cc") or [])]).casefold(),
        (m.get("subject") or "").casefold(),
        (m.get("list_id") or "").casefold() or None,
        m.get("in_reply_to"),
    )


def _store_message(
    store: Store, root: str, item: SourceItem, prep: Prepared, doc_id: int | None
) -> None:
    new_id = write_document(store, root, item, prep, doc_id)
    store.conn.execute(
        "INSERT OR REPLACE INTO mail_messages (doc_id, message_id, thread, date, sender, "
        "recipients, subject, list_id, in_reply_to) VALUES (?,?,?,?,?,?,?,?,?)",
        (new_id, *_fields(prep.doc)),
    )


@exclusive
def index_mail(
    store: Store,
    connector: MailConnector,
    *,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    pool: ParsePool | None = None,
) -> MailReport:
    """Bring the index in step with one mail source. Raises ``ConnectorError`` when the
    source as a whole cannot be read; the index then keeps what it had. Messages are
    parsed in ``pool``'s worker processes (default: one per core, for this run), each
    under limits of time and memory: one that fails is reported and skipped."""
    started = time.perf_counter()
    root = connector.root
    report = MailReport(root=root)
    conn = store.conn
    known = {
        loc: (uri, path, mtime_ns, size)
        for loc, uri, path, mtime_ns, size in conn.execute(
            "SELECT location, uri, path, mtime_ns, size FROM mail_locations WHERE root = ?",
            (root,),
        )
    }
    items = scan(connector, report.errors)
    report.scanned = len(items)
    changed: list[SourceItem] = []
    moved: list[tuple[str, str]] = []
    for item in items:
        old = known.get(item.uri)
        if old and old[2] == item.mtime_ns and old[3] == item.size:
            if old[1] != item.path:  # a Maildir flag change renames the file
                moved.append((item.path, item.uri))
        else:
            changed.append(item)
    if moved:
        with store.atomic():
            store.documents_changed()  # a message's path: folder filters see it
            for new_path, loc in moved:
                uri, old_path = known[loc][0], known[loc][1]
                conn.execute(
                    "UPDATE mail_locations SET path = ? WHERE root = ? AND location = ?",
                    (new_path, root, loc),
                )
                conn.execute(
                    "UPDATE documents SET path = ? WHERE uri = ? AND path = ?",
                    (new_path, uri, old_path),
                )

    def write(item: SourceItem, prep: Prepared) -> None:
        kind = isolated(store, partial(_write_message, store, root, item, prep, known))
        if isinstance(kind, Failed):
            report.errors.append((label(item), kind.reason))
            return
        setattr(report, kind, getattr(report, kind) + 1)
        for problem in prep.doc.meta.get("problems") or []:
            report.warnings.append((label(item), problem))

    same, stopped = sync_items(
        store, connector, items, changed, write, report.errors,
        progress=progress, should_stop=should_stop, pool=pool,
    )  # fmt: skip
    report.unchanged += same
    if stopped and not should_stop():  # the source stopped itself: say why
        report.warnings.append((root, f"{stopped}; the next sync goes on from here"))
    if stopped is None and not should_stop():
        _remove_gone(store, root, known, {item.uri for item in items}, report)
    report.seconds = time.perf_counter() - started
    log.info("indexed mail %s: %s", root, report.summary())
    return report


def _write_message(
    store: Store,
    root: str,
    item: SourceItem,
    prep: Prepared,
    known: dict[str, tuple[str, str, int, int]],
) -> str:
    """Store one message at one location; returns which count of the report it is."""
    conn, doc = store.conn, prep.doc
    row = conn.execute(
        "SELECT id, content_hash, root FROM documents WHERE uri = ?", (doc.uri,)
    ).fetchone()
    old = known.get(item.uri)
    if row is None:
        _store_message(store, root, item, prep, None)
        kind = "added"
    elif row[1] != doc.content_hash and row[2] == root and old and old[0] == doc.uri:
        _store_message(store, root, item, prep, row[0])  # edited in place (a draft)
        kind = "updated"
    elif old and old[0] == doc.uri:
        kind = "unchanged"  # same message, new stat
    else:
        kind = "duplicates"
    conn.execute(
        "INSERT OR REPLACE INTO mail_locations (root, location, uri, path, mtime_ns, "
        "size) VALUES (?,?,?,?,?,?)",
        (root, item.uri, doc.uri, item.path, item.mtime_ns, item.size),
    )
    return kind


def _remove_gone(
    store: Store,
    root: str,
    known: dict[str, tuple[str, str, int, int]],
    seen: set[str],
    report: MailReport,
) -> None:
    # Unreadable is not deleted: keep what sits under a folder the scan could not read.
    unreadable = unreadable_prefixes(report.errors)
    gone = [
        loc
        for loc in known.keys() - seen
        if not (unreadable and (known[loc][1] or "").startswith(unreadable))
    ]
    with store.atomic() as conn:
        conn.executemany(
            "DELETE FROM mail_locations WHERE root = ? AND location = ?",
            [(root, loc) for loc in gone],
        )
        # A message whose last location went leaves the index; one still seen elsewhere
        # moves to the source that still has it.
        uris = {known[loc][0] for loc in gone}
        orphans = []
        for uri in uris:
            elsewhere = conn.execute(
                "SELECT root, path FROM mail_locations WHERE uri = ? LIMIT 1", (uri,)
            ).fetchone()
            if elsewhere is None:
                orphans.append(uri)
            else:
                store.documents_changed()
                conn.execute(
                    "UPDATE documents SET root = ?, path = ? WHERE uri = ? AND root = ?",
                    (*elsewhere, uri, root),
                )
        ids = [
            r[0]
            for uri in orphans
            for r in conn.execute("SELECT id FROM documents WHERE uri = ?", (uri,))
        ]
        delete_documents(store, ids)
        keep_problems(
            store,
            root,
            [*report.errors, *((p, f"indexed in part: {why}") for p, why in report.warnings)],
        )
    report.removed = len(ids)


@exclusive
def forget_mail_source(store: Store, root: str) -> int:
    """Forget every location of one source; messages seen nowhere else leave the index."""
    known = {
        loc: (uri, path, 0, 0)
        for loc, uri, path in store.conn.execute(
            "SELECT location, uri, path FROM mail_locations WHERE root = ?", (root,)
        )
    }
    report = MailReport(root=root)
    _remove_gone(store, root, known, set(), report)
    with store.atomic() as conn:
        conn.execute("DELETE FROM mail_sync WHERE account = ?", (root,))
    return report.removed


def thread_of(store: Store, uri: str) -> list[dict[str, Any]]:
    """The messages of the thread ``uri`` belongs to, oldest first."""
    row = store.conn.execute(
        "SELECT m.thread FROM mail_messages m JOIN documents d ON d.id = m.doc_id WHERE d.uri = ?",
        (uri,),
    ).fetchone()
    if row is None or row[0] is None:
        return []
    return [
        {"uri": u, "title": t, "date": date, "from": sender}
        for u, t, date, sender in store.conn.execute(
            "SELECT d.uri, d.title, m.date, m.sender FROM mail_messages m "
            "JOIN documents d ON d.id = m.doc_id WHERE m.thread = ? OR m.message_id = ? "
            "ORDER BY m.date",
            (row[0], row[0]),
        )
    ]
