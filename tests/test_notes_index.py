"""The notes connector, the chunker and the incremental index, on real files and SQLite."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from agent.index.chunking import MAX_CHARS, chunk_text
from agent.index.indexer import index_source
from agent.index.query import fts_query
from agent.index.search import search
from agent.store import Store
from connectors.notes import MAX_NOTE_BYTES, NotesFolder, decode_text
from contracts.errors import ConnectorError


@pytest.fixture
def store() -> Store:
    return Store(":memory:")


def test_chunks_follow_headings_and_spans_are_exact() -> None:
    text = "# Travel\n\nIntro.\n\n## Ferry\n\nThe ferry leaves at 7:40.\n\n# Food\n\nFalafel.\n"
    pieces = chunk_text(text)
    assert [p.heading_path for p in pieces] == ["Travel", "Travel > Ferry", "Food"]
    for p in pieces:
        assert text[p.start : p.end] == p.text


def test_long_text_is_cut_at_sentences_with_overlap() -> None:
    text = " ".join(f"Sentence number {n} says something." for n in range(200))
    pieces = chunk_text(text)
    assert len(pieces) > 5
    assert all(len(p.text) <= MAX_CHARS for p in pieces)
    assert all(text[p.start : p.end] == p.text for p in pieces)
    # Consecutive chunks share their seam, so a fact is never cut in two.
    assert all(b.start < a.end for a, b in itertools.pairwise(pieces))
    covered = set()
    for p in pieces:
        covered.update(range(p.start, p.end))
    assert len(covered) >= len(text.strip()) - 200 * 1  # every sentence is in some chunk


def test_decoding_bom_crlf_and_legacy_charsets() -> None:
    assert decode_text("\ufeffsalut\r\nça va".encode()) == "salut\nça va"
    arabic = "موعد العبّارة الساعة السابعة صباحاً، من الرصيف الثالث في الميناء القديم."
    assert decode_text(arabic.encode("cp1256")) == arabic


def test_scan_skips_hidden_and_foreign_files(tmp_path: Path) -> None:
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "app.md").write_text("config")
    (tmp_path / "img.png").write_bytes(b"\x89PNG")
    (tmp_path / "a.md").write_text("# A")
    (tmp_path / "b.TXT").write_text("b")
    errors: list = []
    names = sorted(Path(i.path).name for i in NotesFolder(tmp_path).scan(errors.append))
    assert names == ["a.md", "b.TXT"] and errors == []


def test_missing_folder_is_an_actionable_error(tmp_path: Path) -> None:
    with pytest.raises(ConnectorError) as info:
        list(NotesFolder(tmp_path / "nope").scan(lambda *a: None))
    assert "does not exist" in info.value.message and info.value.fix


def test_index_is_incremental(store: Store, notes_dir: Path) -> None:
    folder = NotesFolder(notes_dir)
    first = index_source(store, folder)
    assert (first.added, first.updated, first.removed) == (4, 0, 0)

    again = index_source(store, folder)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)

    ferry = notes_dir / "travel" / "ferry.md"
    ferry.write_text("# Travel\n\n## Ferry\n\nThe ferry now leaves at 8:15.\n")
    os.utime(ferry, ns=(1, 10**18))  # a different mtime even on coarse clocks
    (notes_dir / "work" / "standup.md").unlink()
    (notes_dir / "new.md").write_text("# Garden\n\nWater the olive tree on Sundays.\n")
    touched = notes_dir / "health" / "dentist.txt"
    os.utime(touched, ns=(1, 10**18))  # new mtime, same content: no re-chunking

    report = index_source(store, folder)
    assert (report.added, report.updated, report.removed) == (1, 1, 1)
    assert report.unchanged == 2
    assert "8:15" in search(store, "ferry")[0].text
    assert search(store, "standup") == []
    assert search(store, "olive tree")[0].path.endswith("new.md")
    # The keyword index holds exactly the passages: added, changed and removed ones.
    store.conn.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('integrity-check')")
    rows = "SELECT id FROM chunks ORDER BY id"
    assert (
        store.conn.execute(rows).fetchall()
        == store.conn.execute(
            "SELECT id FROM chunks_fts_docsize ORDER BY id"  # a row per indexed passage
        ).fetchall()
    )
    assert search(store, "7:40") == []  # the ferry's old time left with its passage


def test_unreadable_file_keeps_its_indexed_copy(store: Store, notes_dir: Path) -> None:
    folder = NotesFolder(notes_dir)
    index_source(store, folder)
    ferry = notes_dir / "travel" / "ferry.md"
    ferry.write_text("x" * (MAX_NOTE_BYTES + 1))
    report = index_source(store, folder)
    assert report.errors and "limit" in report.errors[0][1]
    assert "7:40" in search(store, "ferry")[0].text, "the old copy is still searchable"


def test_crash_mid_index_leaves_consistent_db_and_resumes(tmp_path: Path, notes_dir: Path) -> None:
    db = tmp_path / "f.db"
    for n in range(450):
        (notes_dir / f"bulk-{n:03}.md").write_text(f"# Bulk {n}\n\nItem number {n}.\n")
    store = Store(db)

    def crash(done: int, total: int, path: str) -> None:
        if done == 300:
            raise KeyboardInterrupt  # the process dies mid-run

    with pytest.raises(KeyboardInterrupt):
        index_source(store, NotesFolder(notes_dir), progress=crash)
    store.close()

    store = Store(db)
    docs, orphans = store.conn.execute(
        "SELECT (SELECT count(*) FROM documents),"
        " (SELECT count(*) FROM chunks WHERE doc_id NOT IN (SELECT id FROM documents))"
    ).fetchone()
    assert 0 < docs < 454 and orphans == 0
    fts_rows = store.conn.execute("SELECT count(*) FROM chunks_fts").fetchone()[0]
    assert fts_rows == store.conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
    report = index_source(store, NotesFolder(notes_dir))
    assert report.unchanged == docs and report.added == 454 - docs


def test_query_syntax_is_never_interpreted(store: Store, notes_dir: Path) -> None:
    index_source(store, NotesFolder(notes_dir))
    for nasty in ['ferry" OR "x', "NEAR(ferry pier)", "ferry*", "-ferry", "(((", "??"]:
        search(store, nasty)  # must not raise
    assert fts_query("When does the ferry leave?") == '"ferry"* OR "leave"*'


def test_search_filters_by_root(store: Store, tmp_path: Path, notes_dir: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "f.md").write_text("The ferry in the other folder.")
    index_source(store, NotesFolder(notes_dir))
    index_source(store, NotesFolder(other))
    assert len(search(store, "ferry")) == 2
    only = search(store, "ferry", root=NotesFolder(other).root)
    assert [Path(h.path).name for h in only] == ["f.md"]
