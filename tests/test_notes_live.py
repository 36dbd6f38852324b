"""Every kind of change, by re-scan and live (watchdog): edits, renames, moves, deletions,
folders moved in and out; an edit is searchable within a second."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from agent.index.indexer import index_paths, index_source
from agent.index.live import LiveIndex
from agent.index.search import search
from agent.store import Store
from connectors.notes import NotesFolder
from connectors.watch import FolderWatch


def names(store: Store, query: str) -> list[str]:
    return sorted(Path(h.path).name for h in search(store, query))


def wait_for(check: Callable[[], bool], timeout: float = 5.0) -> float:
    """Seconds until ``check()`` held; fails after ``timeout``."""
    start = time.perf_counter()
    while not check():
        if time.perf_counter() - start > timeout:
            pytest.fail("the change never became searchable")
        time.sleep(0.01)
    return time.perf_counter() - start


def test_rename_and_move_by_rescan(notes_dir: Path) -> None:
    store = Store(":memory:")
    folder = NotesFolder(notes_dir)
    index_source(store, folder)
    (notes_dir / "travel" / "ferry.md").rename(notes_dir / "travel" / "boats.md")
    (notes_dir / "work").rename(notes_dir / "office")  # a folder moves
    report = index_source(store, folder)
    assert (report.added, report.removed, report.updated) == (2, 2, 0)
    assert names(store, "ferry") == ["boats.md"]
    (hit,) = search(store, "standup")
    assert "/office/" in hit.path
    assert store.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 4


def test_index_paths_handles_each_kind_of_change(notes_dir: Path) -> None:
    store = Store(":memory:")
    folder = NotesFolder(notes_dir)
    index_source(store, folder)
    ferry = notes_dir / "travel" / "ferry.md"
    ferry.write_text("# Ferry\n\nNow at 8:15.\n")
    new = notes_dir / "garden.md"
    new.write_text("# Garden\n\nWater the olive tree.\n")
    (notes_dir / "health" / "dentist.txt").unlink()
    shutil.rmtree(notes_dir / "work")
    report = index_paths(
        store,
        folder,
        [str(ferry), str(new), str(notes_dir / "health" / "dentist.txt"), str(notes_dir / "work")],
    )
    assert (report.added, report.updated, report.removed) == (1, 1, 2)
    assert "8:15" in search(store, "ferry")[0].text
    assert names(store, "olive") == ["garden.md"]
    assert search(store, "dentist") == [] and search(store, "standup") == []


def test_burst_of_events_is_debounced(tmp_path: Path) -> None:
    batches: list[set[str]] = []
    watch = FolderWatch(str(tmp_path), lambda paths, rescan: batches.append(paths), debounce=0.2)
    with watch:
        note = tmp_path / "a.md"
        for n in range(20):  # an editor saving in a burst
            note.write_text(f"version {n}")
        wait_for(lambda: bool(batches))
        time.sleep(0.4)
    assert len(batches) <= 2 and str(note) in set().union(*batches)


# watchdog warns when a folder that moved out comes back in (inotify reuses the watch).
@pytest.mark.filterwarnings("ignore:Callback with id:RuntimeWarning")
def test_live_mode_makes_every_change_searchable_within_a_second(
    tmp_path: Path, notes_dir: Path
) -> None:
    db = str(tmp_path / "f.db")
    store = Store(db)
    folder = NotesFolder(notes_dir)
    index_source(store, folder)
    with LiveIndex(db, folder, debounce=0.1):
        time.sleep(0.2)  # let the observer settle
        ferry = notes_dir / "travel" / "ferry.md"
        ferry.write_text("# Ferry\n\nThe ferry now leaves at 8:15 from pier 5.\n")
        seconds = wait_for(lambda: any("8:15" in h.text for h in search(store, "ferry")))
        assert seconds < 1.0, f"edit took {seconds:.2f} s to become searchable"

        (notes_dir / "ideas.md").write_text("# Ideas\n\nA solar lantern for the balcony.\n")
        wait_for(lambda: names(store, "lantern") == ["ideas.md"])

        ferry.rename(notes_dir / "boats.md")  # rename
        wait_for(lambda: names(store, "ferry") == ["boats.md"])

        (notes_dir / "boats.md").rename(notes_dir / "health" / "boats.md")  # move
        wait_for(lambda: "/health/" in (search(store, "ferry") or [None])[0].path)

        (notes_dir / "home" / "wifi.md").unlink()  # delete
        wait_for(lambda: search(store, "wifi") == [])

        shutil.move(str(notes_dir / "work"), str(tmp_path / "outside"))  # folder moved out
        wait_for(lambda: search(store, "standup") == [])

        shutil.move(str(tmp_path / "outside"), str(notes_dir / "back"))  # and back in
        wait_for(lambda: names(store, "standup") == ["standup.md"])

        (notes_dir / ".fanousignore").write_text("health/\n")  # ignore rules change
        wait_for(lambda: search(store, "dentist") == [])
    store.close()
