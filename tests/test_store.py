from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from agent.store import MIGRATIONS, Store
from contracts.errors import StorageError


def test_migrations_wal_and_reopen(tmp_path: Path) -> None:
    store = Store(tmp_path / "f.db")
    assert store.schema_version == len(MIGRATIONS)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # savepoints' page copies in memory, not a temporary file per indexed note
    assert store.conn.execute("PRAGMA temp_store").fetchone()[0] == 2
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
    assert {"documents", "chunks", "chunks_fts", "conversations", "messages"} <= tables
    store.close()
    again = Store(tmp_path / "f.db")  # re-opening runs no migration twice
    assert again.schema_version == len(MIGRATIONS)


def test_atomic_rolls_back_everything(tmp_path: Path) -> None:
    store = Store(":memory:")
    with pytest.raises(RuntimeError), store.atomic() as conn:
        conn.execute("INSERT INTO conversations (title, created) VALUES ('a', 0)")
        raise RuntimeError("crash in the middle")
    assert store.conn.execute("SELECT count(*) FROM conversations").fetchone()[0] == 0


def test_newer_schema_is_refused_with_a_fix(tmp_path: Path) -> None:
    store = Store(tmp_path / "f.db")
    store.conn.execute("INSERT INTO _migrations VALUES ('m999_from_the_future', 0)")
    store.conn.commit()
    store.close()
    with pytest.raises(StorageError, match="newer Fanous") as info:
        Store(tmp_path / "f.db")
    assert "update" in info.value.fix


def test_damaged_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "f.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageError) as info:
        Store(bad)
    assert "re-index" in info.value.fix


def test_a_full_database_is_a_clear_error_and_keeps_what_it_had(tmp_path: Path) -> None:
    """SQLite's own SQLITE_FULL (a page limit stands in for the disk; test_full_disk.py
    fills a real one)."""
    store = Store(tmp_path / "f.db")
    with store.atomic() as conn:
        conn.execute("INSERT INTO conversations (title, created) VALUES ('kept', 0)")
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    with pytest.raises(StorageError) as info, store.atomic() as conn:
        conn.executemany(
            "INSERT INTO conversations (title, created) VALUES (?, 0)",
            [("x" * 2000,) for _ in range(100)],
        )
    assert info.value.message.startswith("The disk is full")
    assert "everything saved before is kept" in (info.value.fix or "")
    titles = [t for (t,) in store.conn.execute("SELECT title FROM conversations")]
    assert titles == ["kept"]
    assert not store.conn.in_transaction


def test_a_statement_bug_is_not_dressed_up_as_a_disk_problem() -> None:
    store = Store(":memory:")
    with pytest.raises(sqlite3.IntegrityError), store.atomic() as conn:
        conn.execute("INSERT INTO messages (conversation_id, role, content, created) "
                     "VALUES (999, 'user', 'x', 0)")  # fmt: skip


def test_the_store_needs_no_sqlite_utils() -> None:
    """sqlite-utils was removed (README, Performance: its bulk inserts took 1.79x the CPU
    time of the store's executemany, and importing it ~100 ms and seven packages, its CLI's
    among them, into the installer): opening a store loads none of it."""
    import subprocess
    import sys

    code = (
        "import sys, agent.workspace\n"
        "from agent.store import Store\n"
        "Store(':memory:').close()\n"
        "print(sorted(m for m in ('sqlite_utils', 'click', 'tabulate', 'sqlite_fts4', 'dateutil')"
        " if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_an_old_sqlite_is_a_clear_error_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 26, 0))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.26.0")
    with pytest.raises(StorageError) as caught:
        Store(tmp_path / "f.db")
    assert "3.26.0" in caught.value.message and "3.31.0 or newer" in caught.value.message
    assert caught.value.fix and "Python" in caught.value.fix
    assert not (tmp_path / "f.db").exists()
