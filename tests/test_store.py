from __future__ import annotations

from pathlib import Path

import pytest

from agent.errors import StorageError
from agent.store import MIGRATIONS, Store


def test_migrations_wal_and_reopen(tmp_path: Path) -> None:
    store = Store(tmp_path / "f.db")
    assert store.schema_version == len(MIGRATIONS)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = set(store.db.table_names())
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
