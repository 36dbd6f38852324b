"""One SQLite database for everything Fanous keeps: documents, chunks, conversations.

WAL mode so the UI can read while the indexer writes; named migrations applied in order
and recorded in ``_migrations`` (names, not a counter, so work on separate features can
add steps side by side); multi-row writes go through ``Store.atomic()``.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from agent.config import PRIVATE_DIR, create_private
from contracts.errors import StorageError, disk_full, storage_error

log = logging.getLogger(__name__)

__all__ = ["DOCUMENTS_GENERATION", "MIGRATIONS", "Store"]

Migration = Callable[[sqlite3.Connection], None]
# index_state's key for the count of transactions that wrote documents, their tags or
# message headers (Store.documents_changed).
DOCUMENTS_GENERATION = "documents"
MIGRATIONS: list[Migration] = []


def migration(fn: Migration) -> Migration:
    """Register the next schema step, named by its function. Never edit or rename a
    released one: add a new one after the last."""
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_documents_and_chunks(db: sqlite3.Connection) -> None:
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
def m002_conversations(db: sqlite3.Connection) -> None:
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


@migration
def m003_notes_metadata_and_vectors(db: sqlite3.Connection) -> None:
    from agent.normalize import normalize
    from contracts.documents import content_hash

    # Filters: folder (relative to the root), tags, a date (front matter, else mtime).
    db.execute("ALTER TABLE documents ADD COLUMN folder TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE documents ADD COLUMN doc_date REAL")
    db.execute(
        """
        CREATE TABLE doc_tags (
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            tag TEXT NOT NULL,
            PRIMARY KEY (tag, doc_id)
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX doc_tags_doc ON doc_tags(doc_id)")
    # The keyword index reads a normalised copy (Arabic folded, CJK bigrams); the
    # text hash keys embeddings so an unchanged passage is never embedded twice.
    db.execute("ALTER TABLE chunks ADD COLUMN search_text TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE chunks ADD COLUMN search_heading TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE chunks ADD COLUMN text_hash TEXT NOT NULL DEFAULT ''")
    rows = db.execute("SELECT id, text, heading_path FROM chunks").fetchall()
    db.executemany(
        "UPDATE chunks SET search_text=?, search_heading=?, text_hash=? WHERE id=?",
        [(normalize(t), normalize(h), content_hash(t), i) for i, t, h in rows],
    )
    db.execute("CREATE INDEX chunks_text_hash ON chunks(text_hash)")
    db.execute("DROP TRIGGER chunks_ai")
    db.execute("DROP TRIGGER chunks_ad")
    db.execute("DROP TABLE chunks_fts")
    db.execute(
        """
        CREATE VIRTUAL TABLE chunks_fts USING fts5(
            search_text, search_heading,
            content='chunks', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2'
        )"""
    )
    db.execute(
        """
        CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
            INSERT INTO chunks_fts(rowid, search_text, search_heading)
            VALUES (new.id, new.search_text, new.search_heading);
        END"""
    )
    db.execute(
        """
        CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
            INSERT INTO chunks_fts(chunks_fts, rowid, search_text, search_heading)
            VALUES ('delete', old.id, old.search_text, old.search_heading);
        END"""
    )
    db.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild')")
    # One vector per (model, passage text): L2-normalised float32 bytes.
    db.execute(
        """
        CREATE TABLE embeddings (
            model TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            vec BLOB NOT NULL,
            PRIMARY KEY (model, text_hash)
        ) WITHOUT ROWID"""
    )
    # Counters the search cache reads instead of counting rows.
    db.execute("CREATE TABLE index_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL)")


@migration
def m004_mail(db: sqlite3.Connection) -> None:
    # The fields mail search filters on (from:, to:, subject:, after:/before:) and the
    # thread a message belongs to; one row per stored message.
    db.execute(
        """
        CREATE TABLE mail_messages (
            doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            message_id TEXT,
            thread TEXT,
            date REAL,
            sender TEXT NOT NULL DEFAULT '',      -- casefolded "Name <addr>, ..."
            recipients TEXT NOT NULL DEFAULT '',  -- To and Cc, casefolded
            subject TEXT NOT NULL DEFAULT '',
            list_id TEXT,
            in_reply_to TEXT
        )"""
    )
    db.execute("CREATE INDEX mail_messages_thread ON mail_messages(thread)")
    db.execute("CREATE INDEX mail_messages_date ON mail_messages(date)")
    db.execute("CREATE INDEX mail_messages_message_id ON mail_messages(message_id)")
    # Every place a message was seen (a file, an mbox entry, an IMAP UID): the message
    # is stored once and leaves the index when its last location is gone.
    db.execute(
        """
        CREATE TABLE mail_locations (
            root TEXT NOT NULL,
            location TEXT NOT NULL,
            uri TEXT NOT NULL,
            path TEXT,
            mtime_ns INTEGER NOT NULL DEFAULT 0,
            size INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (root, location)
        )"""
    )
    db.execute("CREATE INDEX mail_locations_uri ON mail_locations(uri)")
    # IMAP: what the last sync of each account folder saw.
    db.execute(
        """
        CREATE TABLE mail_sync (
            account TEXT NOT NULL,
            folder TEXT NOT NULL,
            uidvalidity INTEGER NOT NULL,
            last_uid INTEGER NOT NULL DEFAULT 0,
            messages INTEGER NOT NULL DEFAULT 0,
            synced_at REAL NOT NULL,
            PRIMARY KEY (account, folder)
        )"""
    )


@migration
def m005_model_digests(db: sqlite3.Connection) -> None:
    # Every digest a local model had (pulled, updated, rolled back, removed); ``pinned``
    # is the local tag that keeps an older digest's files so an update can be undone.
    db.execute(
        """
        CREATE TABLE model_digests (
            id INTEGER PRIMARY KEY,
            engine TEXT NOT NULL,       -- ollama
            name TEXT NOT NULL,         -- llama3.2:1b
            digest TEXT NOT NULL,
            pinned TEXT,                -- llama3.2:1b-fanous-<digest12>, or NULL
            event TEXT NOT NULL,        -- pulled | updated | rolled_back | removed
            recorded REAL NOT NULL
        )"""
    )
    db.execute("CREATE INDEX model_digests_name ON model_digests(engine, name)")


@migration
def m006_egress_ledger(db: sqlite3.Connection) -> None:
    # Every request that left the machine: what, where, how much. Never its text.
    db.execute(
        """
        CREATE TABLE egress_ledger (
            id INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            provider TEXT NOT NULL,
            model TEXT NOT NULL,
            host TEXT NOT NULL,
            bytes_sent INTEGER NOT NULL,
            bytes_received INTEGER NOT NULL DEFAULT 0,
            redactions INTEGER NOT NULL DEFAULT 0,
            passages INTEGER NOT NULL DEFAULT 0,
            prompt_tokens INTEGER,
            completion_tokens INTEGER,
            cost_usd REAL NOT NULL DEFAULT 0,
            status TEXT NOT NULL,      -- ok | error | cut (partial answer kept)
            reason TEXT NOT NULL DEFAULT ''
        )"""
    )
    db.execute("CREATE INDEX egress_ledger_at ON egress_ledger(at)")


@migration
def m007_message_finish_reason(db: sqlite3.Connection) -> None:
    # Why an answer ended: "stop", "length", "cancelled" (the user stopped it), "error"
    # (the engine failed: the partial answer is kept), "cut" (a cloud stream broke off).
    db.execute("ALTER TABLE messages ADD COLUMN finish_reason TEXT")


@migration
def m008_grounding(db: sqlite3.Connection) -> None:
    # How far the notes back each answer (agent.grounding.Grounding as JSON), and what was
    # measured of each model's answers: whether it phrases answers or quotes the notes.
    db.execute("ALTER TABLE messages ADD COLUMN grounding TEXT")
    db.execute(
        """CREATE TABLE answer_measurements (
            engine TEXT NOT NULL,
            model TEXT NOT NULL,
            style TEXT NOT NULL,          -- quote | generate: what the measurement chose
            questions INTEGER NOT NULL,   -- answerable questions asked
            right_generated INTEGER NOT NULL,  -- generated and checked, fact right
            right_quoted INTEGER NOT NULL,     -- the extractive answer, fact right
            measured_at REAL NOT NULL,
            how TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (engine, model)
        )"""
    )


@migration
def m015_action_log(db: sqlite3.Connection) -> None:
    # Every action Fanous carried out for the user (a draft, a note, a reminder): what,
    # where, how many bytes, who proposed it, who confirmed it and how, and what undoing
    # it needs (paths, UIDs, hashes). Never the text written.
    db.execute(
        """
        CREATE TABLE action_log (
            id INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            kind TEXT NOT NULL,            -- draft | note | note_append | reminder
            source TEXT NOT NULL,          -- the source whose permission allowed it
            target TEXT NOT NULL,          -- the file, or the IMAP mailbox
            bytes INTEGER NOT NULL,
            origin TEXT NOT NULL,          -- who proposed it: you, or a model
            conversation_id INTEGER,       -- the turn it came from, if any
            confirmed_by TEXT NOT NULL,    -- who confirmed it, and how
            status TEXT NOT NULL,          -- writing | done | failed | undone
            undo TEXT NOT NULL DEFAULT '{}',
            reason TEXT NOT NULL DEFAULT '',
            undone_at REAL
        )"""
    )
    db.execute("CREATE INDEX action_log_at ON action_log(at)")


@migration
def m017_turn_log(db: sqlite3.Connection) -> None:
    # One row per turn (agent.turn_log): how it went, never what was said. Rows
    # outlive their conversation, so statistics survive a deleted chat.
    db.execute(
        """
        CREATE TABLE turn_log (
            id INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            route TEXT NOT NULL,            -- local | cloud
            reason TEXT NOT NULL DEFAULT '',
            task TEXT NOT NULL DEFAULT '',
            signal TEXT NOT NULL DEFAULT '',
            score REAL,                     -- the router's task score, when it decided
            engine TEXT NOT NULL,
            model TEXT NOT NULL,
            digest TEXT,                    -- the local model's version; NULL for the cloud
            first_token_seconds REAL,
            seconds REAL NOT NULL,
            tokens_per_second REAL,
            prompt_tokens INTEGER,
            completion_tokens INTEGER,
            cost_usd REAL NOT NULL DEFAULT 0,
            verdict TEXT,                   -- agent.grounding's verdict
            finish_reason TEXT,
            failure TEXT,                   -- the error that ended the turn, in words
            retries INTEGER NOT NULL DEFAULT 0,
            saved INTEGER NOT NULL,         -- the answer reached the history
            conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL
        )"""
    )
    db.execute("CREATE INDEX turn_log_at ON turn_log(at)")


@migration
def m018_feedback(db: sqlite3.Connection) -> None:
    # The stored answer a turn wrote, so feedback on an answer in the history finds its
    # turn; and the user's word on a turn (agent.monitor.feedback), deleted with its chat.
    db.execute("ALTER TABLE turn_log ADD COLUMN message_id INTEGER")
    db.execute("CREATE INDEX turn_log_message ON turn_log(message_id)")
    db.execute(
        """
        CREATE TABLE feedback (
            turn_id INTEGER PRIMARY KEY REFERENCES turn_log(id) ON DELETE CASCADE,
            conversation_id INTEGER REFERENCES conversations(id) ON DELETE CASCADE,
            at REAL NOT NULL,
            rating INTEGER,             -- 1 thumbs up, -1 thumbs down, NULL: not rated
            correction TEXT             -- "the right answer is …"
        )"""
    )


@migration
def m021_passages_searchable_per_document(db: sqlite3.Connection) -> None:
    # The indexer adds a document's passages to the keyword index in one statement
    # (agent.index.indexer.write_document): a trigger firing once per passage cost 1.7×
    # the time of the chunk writes (measured on 3,000 notes, 40,000 passages). Deleting
    # still goes through the trigger, which has the old text FTS5 needs to remove.
    db.execute("DROP TRIGGER chunks_ai")


@migration
def m022_embedding_log(db: sqlite3.Connection) -> None:
    # Which text hashes each batch of vectors wrote (or each prune removed), by the
    # model's version after it (agent.index.vectors._logged): search brings its cached
    # matrix up to date by reading those rows alone. Re-reading all of a 120,000-vector
    # matrix took 0.8 s, and the background embedder commits a batch every second or so
    # for hours, and prunes the vectors of passages an edit replaced.
    db.execute(
        "CREATE TABLE embedding_log (model TEXT NOT NULL, version INTEGER NOT NULL,"
        " text_hash TEXT NOT NULL, removed INTEGER NOT NULL DEFAULT 0)"
    )
    db.execute("CREATE INDEX embedding_log_version ON embedding_log(model, version)")


@migration
def m023_documents_by_recency(db: sqlite3.Connection) -> None:
    # The embedders walk documents newest first (agent.index.vectors.embed_pending): the
    # notes a user wrote or received lately are the likeliest to be asked about, and a
    # big vault's E5 vectors take hours to come.
    db.execute("CREATE INDEX documents_recent ON documents(modified, id)")


@migration
def m024_passage_texts_by_document(db: sqlite3.Connection) -> None:
    # A filter's passage texts (which vector rows a tag or folder allows) come from this
    # index alone, with no read of the passages' rows: 12 ms against 34 for a fifth of
    # 120,856 passages, after every change to the notes. It serves by document as before.
    db.execute("CREATE INDEX chunks_doc_text ON chunks(doc_id, text_hash)")
    db.execute("DROP INDEX chunks_doc")


@migration
def m025_searchable_form_where_it_differs(db: sqlite3.Connection) -> None:
    # Most passages are searched as written (all ASCII: nothing to fold), and their
    # searchable form was a second copy of the text: a third of a notes database, and
    # 12 % of the indexer's writes. It is kept now only where it differs ('' where it is
    # the text); ``search_text``, which the keyword index reads, is computed from the two.
    db.execute("DROP TRIGGER chunks_ad")
    db.execute("ALTER TABLE chunks RENAME COLUMN search_text TO search_form")
    db.execute(
        "ALTER TABLE chunks ADD COLUMN search_text TEXT GENERATED ALWAYS AS "
        "(CASE search_form WHEN '' THEN text ELSE search_form END) VIRTUAL"
    )
    db.execute("UPDATE chunks SET search_form = '' WHERE search_form = text")
    db.execute(
        """
        CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
            INSERT INTO chunks_fts(chunks_fts, rowid, search_text, search_heading)
            VALUES ('delete', old.id, old.search_text, old.search_heading);
        END"""
    )


# What the disk and the file system do to a write (full, I/O error, locked, damaged), as
# opposed to a bug in a statement (IntegrityError, ProgrammingError), which shows as itself.
_ENVIRONMENT = (sqlite3.OperationalError, sqlite3.DatabaseError)
# The oldest SQLite the schema runs on: m025's computed column (generated columns, 3.31).
MIN_SQLITE = (3, 31, 0)


class Store:
    """A facade over one SQLite connection. ``Store(":memory:")`` works for tests.

    On a full disk SQLite cannot even open a WAL database (it must grow the shared-memory
    file), so the store opens it read-only instead: search and answers keep working, and
    ``read_only`` holds the error every write then raises.
    """

    def __init__(self, path: str | Path) -> None:
        if sqlite3.sqlite_version_info < MIN_SQLITE:
            raise StorageError(
                f"This Python's SQLite is {sqlite3.sqlite_version}, and Fanous needs "
                f"{'.'.join(map(str, MIN_SQLITE))} or newer",
                fix="run Fanous with a Python built on a newer SQLite (python.org's "
                "installers and current Linux distributions have one), or use the packaged app",
            )
        self.path = str(path)
        self.read_only: StorageError | None = None
        self._lock = threading.RLock()
        # Passages written in the open transaction and not yet in the keyword index.
        # FTS5 writes its pending terms out as a new segment at every savepoint, and the
        # indexer writes each item in one: fed item by item, the index grew a segment per
        # item (most of the writer's time). Queued, they go in once, before the commit.
        self._fts_queue: list[tuple[int, str, str]] = []
        self._deferring = False  # inside the outer atomic(): the queue is flushed at its end
        self._documents_changed = False  # counted once, at the outer atomic()'s commit
        folder = None if self.path == ":memory:" else str(Path(self.path).parent)
        conn = None
        try:
            if folder is not None:
                Path(folder).mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
                # Created private before SQLite opens it: its -wal and -shm copy its mode.
                create_private(self.path)
                for extra in ("-wal", "-shm"):  # left readable by an older version
                    if os.path.exists(self.path + extra):
                        create_private(self.path + extra)
            # check_same_thread=False: the UI hands the store to one worker at a time;
            # self._lock serialises writers that share this connection.
            conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            # Each indexed item is written in a savepoint (agent.index.sync.isolated), and
            # a savepoint's copy of the pages it changes went to a temporary file once past
            # 64 KiB: most notes. In memory it is freed at the item's end: the writer's
            # time per note 0.51 -> 0.43 ms. Temporary tables (a filter's passage ids) are
            # small. Set before any exists: changing it drops them.
            conn.execute("PRAGMA temp_store=MEMORY")
            self._conn = conn
            self._migrate()
        except (sqlite3.Error, OSError) as e:
            error = storage_error(e, f"the database {self.path}", folder)
            if conn is not None:
                conn.close()
            if folder is None or not disk_full(folder) or not Path(self.path).exists():
                raise error from e
            self._open_read_only(error)

    def _open_read_only(self, error: StorageError) -> None:
        # immutable: no locks and no shared memory, so nothing needs a byte of disk. It
        # reads the main file alone, which is complete once the WAL was checkpointed, as
        # it is when the last connection closes.
        uri = f"{Path(self.path).resolve().as_uri()}?immutable=1"
        try:
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._conn = conn
            done = {row[0] for row in conn.execute("SELECT name FROM _migrations")}
        except sqlite3.Error as e:
            raise error from e
        if done != {step.__name__ for step in MIGRATIONS}:  # it needs writes to be usable
            raise error
        log.warning("%s: opened read-only", error.message)
        self.read_only = error

    @property
    def conn(self) -> sqlite3.Connection:
        return self._conn

    @property
    def schema_version(self) -> int:
        """How many migrations this database has had."""
        return int(self.conn.execute("SELECT count(*) FROM _migrations").fetchone()[0])

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
                # Two processes opening one new database (two `fanous index` at once)
                # both saw it missing: the one that waited for the write lock skips it.
                applied = self.conn.execute(
                    "SELECT 1 FROM _migrations WHERE name = ?", (step.__name__,)
                ).fetchone()
                if applied:
                    continue
                step(self.conn)
                self.conn.execute(
                    "INSERT INTO _migrations (name, applied) VALUES (?, ?)",
                    (step.__name__, time.time()),
                )

    @contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """One transaction: all of it lands or none of it does."""
        with self._lock:
            conn = self.conn
            if self.read_only is not None:
                raise StorageError(self.read_only.message, fix=self.read_only.fix)
            if conn.in_transaction:  # nested: join the outer transaction
                yield conn
                return
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as e:
                raise storage_error(e, f"the database {self.path}") from e
            self._deferring = True
            try:
                yield conn
                self.flush_fts()
                if self._documents_changed:
                    self.count_up(DOCUMENTS_GENERATION)
                conn.commit()
            except sqlite3.Error as e:
                conn.rollback()
                if type(e) not in _ENVIRONMENT:
                    raise
                raise storage_error(e, f"the database {self.path}") from e
            except BaseException:
                conn.rollback()
                raise
            finally:
                self._deferring = False
                self._documents_changed = False
                self._fts_queue.clear()

    def documents_changed(self) -> None:
        """Count a write to documents, their tags or message headers (every one of them
        calls this): the filters' cached sets of passages follow the count, which no
        commit of vectors alone moves (agent.index.search). Inside ``atomic()``, once at
        its commit: a trigger per row cost 9 % of the notes indexer's time."""
        if self._deferring:
            self._documents_changed = True
        else:
            self.count_up(DOCUMENTS_GENERATION)

    def count_up(self, key: str) -> None:
        """Add one to the counter ``key`` in ``index_state`` (made at 1)."""
        self.conn.execute(
            "INSERT INTO index_state (key, value) VALUES (?, 1) "
            "ON CONFLICT(key) DO UPDATE SET value = value + 1",
            (key,),
        )

    def counter(self, key: str) -> int | None:
        """The counter ``key`` in ``index_state``; None before its first count."""
        row = self.conn.execute("SELECT value FROM index_state WHERE key = ?", (key,)).fetchone()
        return None if row is None else int(row[0])

    def rows_in(self, sql: str, values: Sequence[Any], args: Sequence[Any] = ()) -> list[Any]:
        """The rows of ``sql`` for all of ``values``, asked 500 at a time: its ``{}``
        becomes their placeholders, bound after ``args`` (SQLite builds before 3.32
        take at most 999 parameters a statement)."""
        rows: list[Any] = []
        for at in range(0, len(values), 500):
            part = values[at : at + 500]
            marks = ",".join("?" * len(part))
            rows += self.conn.execute(sql.format(marks), (*args, *part)).fetchall()
        return rows

    def queue_fts(self, rows: list[tuple[int, str, str]]) -> None:
        """(chunk id, search text, search heading) of passages just written, for the
        keyword index at the commit; outside ``atomic()``, at once."""
        self._fts_queue.extend(rows)
        if not self._deferring:
            self.flush_fts()

    def flush_fts(self) -> None:
        """Put the queued passages in the keyword index now: before the commit, and
        before any passage is deleted (FTS5 must hold a row before it can remove it)."""
        rows, self._fts_queue = self._fts_queue, []
        # A full disk may have rolled the transaction back under us: its passages went
        # with it, and so do their queued rows.
        if rows and (self.conn.in_transaction or not self._deferring):
            self.conn.executemany(
                "INSERT INTO chunks_fts (rowid, search_text, search_heading) VALUES (?,?,?)",
                rows,
            )

    def fts_queued(self) -> list[tuple[int, str, str]]:
        """A copy of the queue, to put back with ``restore_fts`` when a savepoint is
        rolled back (it undoes a flush made inside it)."""
        return list(self._fts_queue)

    def restore_fts(self, queued: list[tuple[int, str, str]]) -> None:
        self._fts_queue = list(queued)

    def temp_ids(self, name: str, select: str, params: Sequence[Any]) -> bool:
        """Keep the ids ``select`` returns (one column, ``id``) in the indexed temporary
        table ``name`` of this connection, for ``IN`` tests inside SQL. False when it
        cannot now: another thread's transaction is open on the connection (the table
        would go with its rollback), or SQLite refused."""
        if not self._lock.acquire(blocking=False):
            return False
        try:
            if self.conn.in_transaction:
                return False
            # DDL alone: Python's sqlite3 opens no transaction for it, and a table made
            # by CREATE ... AS leaves total_changes (the search caches' key in a database
            # with no count of document writes yet) where it was.
            self.conn.execute(f"CREATE TEMP TABLE {name} AS {select}", tuple(params))
            self.conn.execute(f"CREATE UNIQUE INDEX temp.{name}_id ON {name}(id)")
            return True
        except sqlite3.Error as e:
            log.debug("no temporary table %s: %s", name, e)
            self.drop_temp(name)
            return False
        finally:
            self._lock.release()

    def drop_temp(self, name: str) -> None:
        """Drop the temporary table ``name``; left for the connection's close when
        another thread is reading it or holds a transaction."""
        if not self._lock.acquire(blocking=False):
            return
        try:
            if not self.conn.in_transaction:
                self.conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
        except sqlite3.Error as e:
            log.debug("temporary table %s left for the close: %s", name, e)
        finally:
            self._lock.release()

    def size_bytes(self) -> int:
        if self.path == ":memory:":
            return 0
        return sum(
            p.stat().st_size for p in (Path(self.path), Path(self.path + "-wal")) if p.exists()
        )

    def close(self) -> None:
        self.conn.close()
