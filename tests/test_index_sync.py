"""The one sync loop's writer: items written as they come back from the parse workers,
a batch per transaction, whole items only — however the run ends."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

import pytest

from agent.index.indexer import write_document
from agent.index.pool import ParsePool
from agent.index.prepared import Prepared
from agent.index.sync import BATCH_ITEMS, isolated, sync_items
from agent.store import Store
from contracts.documents import Job, SourceItem
from contracts.errors import StorageError
from tests import pool_jobs


class _Source:
    """Items named n0, n1, …; the jobs given, one per item."""

    root = "test:"

    def __init__(self, jobs: list[Job]) -> None:
        self.jobs = jobs
        self.items = [SourceItem(f"test:n{i}", f"n{i}", 0, 0) for i in range(len(jobs))]

    def scan(self, on_error: Callable[[str, str], None]) -> Iterable[SourceItem]:
        return self.items

    def job(self, item: SourceItem) -> Job:
        return self.jobs[self.items.index(item)]


def _writer(store: Store) -> Callable[[SourceItem, Prepared], None]:
    def write(item: SourceItem, prep: Prepared) -> None:
        isolated(store, partial(write_document, store, "test:", item, prep, None))

    return write


def _counts(db: Path) -> tuple[int, int, int]:
    """Documents, documents without their passages, passages the keyword index does not
    hold as they are (missing, or rows of its own for passages not there): read by a
    connection of its own, as another process would."""
    with sqlite3.connect(db) as conn:
        # The index's own rows: its content table is chunks, so chunks_fts's rowids
        # would only read chunks back.
        return conn.execute(
            "SELECT (SELECT count(*) FROM documents),"
            " (SELECT count(*) FROM documents WHERE id NOT IN (SELECT doc_id FROM chunks)),"
            " (SELECT count(*) FROM chunks WHERE id NOT IN (SELECT id FROM chunks_fts_docsize))"
            " + (SELECT count(*) FROM chunks_fts_docsize WHERE id NOT IN (SELECT id FROM chunks))"
        ).fetchone()


def test_what_was_written_is_committed_while_a_slow_item_is_read(tmp_path: Path) -> None:
    db, release = tmp_path / "f.db", tmp_path / "release"
    store = Store(db)
    jobs = [Job(pool_jobs.note, (f"n{i}", f"note {i}")) for i in range(3)]
    source = _Source([*jobs, Job(pool_jobs.wait_for, (str(release), "late"))])
    seen: list[tuple[int, int, int]] = []

    def watch() -> None:  # another reader, while the slow item is still being read
        for _ in range(2000):
            seen.append(_counts(db))
            if seen[-1][0] == 3:
                break
            threading.Event().wait(0.01)
        release.touch()

    watcher = threading.Thread(target=watch)
    watcher.start()
    with ParsePool(1) as pool:
        sync_items(store, source, source.items, source.items, _writer(store), [], pool=pool)
    watcher.join()
    assert seen[-1] == (3, 0, 0), "the three items before the slow one were committed"
    assert _counts(db) == (4, 0, 0)


def test_an_item_interrupted_mid_write_is_rolled_back_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "f.db"
    store = Store(db)
    source = _Source([Job(pool_jobs.note, (f"n{i}", f"note {i}")) for i in range(8)])
    rows = Prepared.rows

    def interrupted(self: Prepared, doc_id: int) -> list[tuple[object, ...]]:
        if self.doc.uri == "test:n5":  # its document row is written, its passages not
            raise KeyboardInterrupt
        return rows(self, doc_id)

    monkeypatch.setattr(Prepared, "rows", interrupted)
    with ParsePool(2) as pool, pytest.raises(KeyboardInterrupt):
        sync_items(store, source, source.items, source.items, _writer(store), [], pool=pool)
    store.close()
    assert _counts(db) == (5, 0, 0), "the five items before it, whole; nothing of it"


def test_no_transaction_is_held_open_while_a_batch_is_fetched(tmp_path: Path) -> None:
    """A network source fetches each batch before its jobs run (IMAP: one round trip
    for 200 messages): the writer commits first, so no other writer waits on a server."""
    store = Store(tmp_path / "f.db")
    open_during_fetch: list[bool] = []

    class Fetching(_Source):
        def prefetch(self, items: list[SourceItem]) -> None:
            open_during_fetch.append(store.conn.in_transaction)

    count = 2 * BATCH_ITEMS + 50
    source = Fetching([Job(pool_jobs.note, (f"n{i}", f"note {i}")) for i in range(count)])
    with ParsePool(2) as pool:
        sync_items(store, source, source.items, source.items, _writer(store), [], pool=pool)
    assert open_during_fetch == [False, False, False]
    assert _counts(tmp_path / "f.db") == (count, 0, 0)


def test_a_full_disk_mid_batch_leaves_no_keyword_rows_behind(tmp_path: Path) -> None:
    """The keyword index takes a batch's passages at its commit. When the disk fills
    mid-item, SQLite rolls the whole batch back: the passages queued for the index go
    with it, and the commit that still runs on the way out (the one that keeps whole
    items on Ctrl-C) must not put them in alone. A page limit stands in for the disk."""
    db = tmp_path / "f.db"
    store = Store(db)
    words = " ".join(f"w{i}x{i * 7919 % 10007}" for i in range(1500))  # ~15 KB, no repeats
    source = _Source([Job(pool_jobs.note, (f"n{i}", f"{words} {i}")) for i in range(30)])
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages + 60}")
    with ParsePool(1) as pool, pytest.raises((sqlite3.Error, StorageError)):
        sync_items(store, source, source.items, source.items, _writer(store), [], pool=pool)
    store.close()
    documents, without_passages, unindexed = _counts(db)
    assert documents < 30 and without_passages == 0 and unindexed == 0
    with sqlite3.connect(db) as conn:  # FTS5's own check of its index against chunks
        conn.execute("INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('integrity-check', 1)")
