"""One SQLite database for everything Fanous keeps: documents, chunks, conversations.

WAL mode so the UI can read while the indexer writes; named migrations applied in order
and recorded in ``_migrations`` (names, not a counter, so work on separate features can
add steps side by side); multi-row writes go through ``Store.atomic()``.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from agent.errors import StorageError

__all__ = ["MIGRATIONS", "Store"]

Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS: list[Migration] = []


def migration(fn: Migration) -> Migration:
    """Register the next schema step, named by its function. Never edit or rename a
    released one: add a new one after the last."""
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_documents_and_chunks(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,          -- connector kind: notes, mail, ...
            root TEXT NOT NULL,            -- the folder/account this came from
            uri TEXT NOT NULL UNIQUE,
            path TEXT,                     -- local file path when there is one
            title TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}',
            modified REAL NOT NULL,
            size INTEGER NOT NULL DEFAULT 0,
            mtime_ns INTEGER NOT NULL DEFAULT 0,
            content_hash TEXT NOT NULL,
            indexed_at REAL NOT NULL
        )"""
    )
    db.execute("CREATE INDEX documents_root ON documents(root)")
    db.execute(
        """
        CREATE TABLE chunks (
            id INTEGER PRIMARY KEY,
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            text TEXT NOT NULL,
            heading_path TEXT NOT NULL DEFAULT '',
            start INTEGER NOT NULL,
            end INTEGER NOT NULL
        )"""
    )
    db.execute("CREATE INDEX chunks_doc ON chunks(doc_id)")
    # External-content FTS5 over chunks (SQLite 3.40 has no contentless delete), kept
    # in step by triggers so every write path updates it inside the same transaction.
    db.execute(
        """
        CREATE VIRTUAL TABLE chunks_fts USING fts5(
            text, heading_path,
            content='chunks', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2'
        )"""
    )
    db.execute(
        """
        CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
            INSERT INTO chunks_fts(rowid, text, heading_path)
            VALUES (new.id, new.text, new.heading_path);
        END"""
    )
    db.execute(
        """
        CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
            INSERT INTO chunks_fts(chunks_fts, rowid, text, heading_path)
            VALUES ('delete', old.id, old.text, old.heading_path);
        END"""
    )
    # Per-file problems from the last index run, shown by the CLI and the UI.
    db.execute(
        """
        CREATE TABLE index_errors (
            root TEXT NOT NULL,
            path TEXT NOT NULL,
            reason TEXT NOT NULL,
            at REAL NOT NULL,
            PRIMARY KEY (root, path)
        )"""
    )


@migration
def m002_conversations(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE conversations (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            created REAL NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            content TEXT NOT NULL,
            route TEXT,                -- local | cloud
            route_reason TEXT,
            engine TEXT,
            model TEXT,
            sources TEXT NOT NULL DEFAULT '[]',
            prompt_tokens INTEGER,
            completion_tokens INTEGER,
            seconds REAL,
            created REAL NOT NULL
        )"""
    )
    db.execute("CREATE INDEX messages_conversation ON messages(conversation_id)")


class Store:
    """A facade over one SQLite connection. ``Store(":memory:")`` works for tests."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            # check_same_thread=False: the UI hands the store to one worker at a time;
            # self._lock serialises writers that share this connection.
            conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self.db = sqlite_utils.Database(conn)
            self._lock = threading.RLock()
            self._migrate()
        except sqlite3.DatabaseError as e:
            raise StorageError(
                f"Cannot open the database {self.path}: {e}",
                fix="check the disk has space; if the file is damaged, move it away and "
                "re-index (your notes are not touched)",
            ) from e

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    @property
    def schema_version(self) -> int:
        """How many migrations this database has had."""
        return self.conn.execute("SELECT count(*) FROM _migrations").fetchone()[0]

    def _migrate(self) -> None:
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied REAL)"
        )
        done = {row[0] for row in self.conn.execute("SELECT name FROM _migrations")}
        known = {step.__name__ for step in MIGRATIONS}
        if done - known:
            raise StorageError(
                f"The database {self.path} was written by a newer Fanous "
                f"(it has steps this one does not know: {', '.join(sorted(done - known))})",
                fix="update Fanous",
            )
        for step in MIGRATIONS:
            if step.__name__ in done:
                continue
            with self.atomic():
                step(self.db)
                self.conn.execute(
                    "INSERT INTO _migrations (name, applied) VALUES (?, ?)",
                    (step.__name__, time.time()),
                )

    @contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """One transaction: all of it lands or none of it does."""
        with self._lock:
            conn = self.conn
            if conn.in_transaction:  # nested: join the outer transaction
                yield conn
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            else:
                try:
                    conn.commit()
                except sqlite3.OperationalError as e:
                    conn.rollback()
                    raise StorageError(
                        f"Could not save to the database: {e}",
                        fix="free some disk space and try again; nothing was lost",
                    ) from e

    def size_bytes(self) -> int:
        if self.path == ":memory:":
            return 0
        return sum(
            p.stat().st_size for p in (Path(self.path), Path(self.path + "-wal")) if p.exists()
        )

    def close(self) -> None:
        self.conn.close()
