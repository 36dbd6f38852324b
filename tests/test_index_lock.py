"""One indexer per database at a time: a second `fanous index` (or the app and the CLI at
once) waits for the first and says so, instead of failing with "UNIQUE constraint failed
… fix: check the disk" (the adversarial run's finding)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from filelock import FileLock

from agent.config import Paths
from agent.index.indexer import index_source
from agent.index.lock import IndexBusy
from agent.store import Store
from connectors.notes import NotesFolder
from tests.conftest import write_notes
from tests.test_cli import FANOUS


def many_notes(root: Path, n: int) -> Path:
    return write_notes(
        root, {f"n{i:04d}.md": f"# Note {i}\n\nFerry {i} at pier {i % 7}.\n" for i in range(n)}
    )


def fanous(args: list[str], home: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "FANOUS_HOME": str(home)}
    return subprocess.Popen(
        [*FANOUS, *args], env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def test_two_index_runs_at_once_both_succeed(tmp_path: Path) -> None:
    notes = many_notes(tmp_path / "notes", 400)
    home = tmp_path / "home"
    Paths.resolve(home).ensure()
    runs = [
        fanous(["index", "--notes", str(notes), "--no-embed", "--json"], home) for _ in range(2)
    ]
    outs = [run.communicate(timeout=300) for run in runs]
    for run, (_out, err) in zip(runs, outs, strict=True):
        assert run.returncode == 0, err
        assert "UNIQUE" not in err
    reports = [json.loads(out)[0] for out, _ in outs]
    assert sorted(r["added"] for r in reports) == [0, 400]
    assert sorted(r["unchanged"] for r in reports) == [0, 400]


def test_a_second_run_says_it_waits(tmp_path: Path) -> None:
    notes = many_notes(tmp_path / "notes", 3)
    home = tmp_path / "home"
    paths = Paths.resolve(home).ensure()
    Store(paths.database).close()
    holder = FileLock(f"{paths.database}.index-lock")
    holder.acquire()
    try:
        run = fanous(["index", "--notes", str(notes), "--no-embed"], home)
        line = run.stderr.readline()
        assert "Another index run is in progress" in line and "waiting" in line
        assert run.poll() is None  # it waits while the other run holds the database
    finally:
        holder.release()
    _, err = run.communicate(timeout=120)
    assert run.returncode == 0, err
    assert "3 new" in err


def test_a_waiting_run_can_be_stopped(tmp_path: Path) -> None:
    store = Store(tmp_path / "fanous.db")
    notes = many_notes(tmp_path / "notes", 2)
    holder = FileLock(f"{store.path}.index-lock")
    holder.acquire()
    stop = threading.Event()
    errors: list[Exception] = []

    def second() -> None:
        try:
            index_source(store, NotesFolder(notes), should_stop=stop.is_set)
        except IndexBusy as e:
            errors.append(e)

    worker = threading.Thread(target=second)
    worker.start()
    stop.set()
    worker.join(timeout=60)
    holder.release()
    assert len(errors) == 1 and errors[0].fix
    assert store.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
    assert index_source(store, NotesFolder(notes)).added == 2
    store.close()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_the_lock_file_is_private(tmp_path: Path) -> None:
    store = Store(tmp_path / "fanous.db")
    index_source(store, NotesFolder(many_notes(tmp_path / "notes", 1)))
    lock = Path(f"{store.path}.index-lock")
    assert not lock.exists() or (lock.stat().st_mode & 0o777) == 0o600
    store.close()


def test_a_folder_inside_another_is_indexed_once(tmp_path: Path) -> None:
    # Adding ~/Notes and then ~/Notes/work failed with "UNIQUE constraint failed".
    store = Store(tmp_path / "fanous.db")
    notes = write_notes(tmp_path / "notes", {"work/a.md": "standup", "b.md": "ferry"})
    assert index_source(store, NotesFolder(notes)).added == 2
    inner = index_source(store, NotesFolder(notes / "work"))
    assert (inner.added, inner.unchanged, inner.errors) == (0, 1, [])
    assert store.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
    store.close()
