"""The notes connector, the chunker and the incremental index, on real files and SQLite."""

from __future__ import annotations

import itertools
import os
import sqlite3
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
    _fts_matches_its_content(store.conn)
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


def _fts_matches_its_content(conn: sqlite3.Connection) -> None:
    """FTS5's own check of the index against the passages' searchable forms (rank 1:
    the content is read and tokenised again), and a row per indexed passage."""
    conn.execute("INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('integrity-check', 1)")
    assert (
        conn.execute("SELECT id FROM chunks ORDER BY id").fetchall()
        == conn.execute("SELECT id FROM chunks_fts_docsize ORDER BY id").fetchall()
    )


def test_a_searchable_form_is_stored_only_where_it_differs(tmp_path: Path) -> None:
    from agent.normalize import normalize

    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "ferry.md").write_text("# Ferry\n\nThe ferry leaves at 7:40 from pier three.\n")
    (vault / "arabic.md").write_text("# سفر\n\nموعدُ العَبّارةِ صباحاً من الرصيف الثالث.\n")
    (vault / "tokyo.md").write_text("# 旅行\n\n東京都の港から出発します。\n")
    store = Store(tmp_path / "f.db")
    index_source(store, NotesFolder(vault))
    rows = store.conn.execute("SELECT text, search_form, search_text FROM chunks").fetchall()
    assert len(rows) == 3
    for text, form, search_text in rows:
        assert search_text == normalize(text)  # what the keyword index reads
        assert form == ("" if text.isascii() else normalize(text))  # no second copy
    assert "7:40" in search(store, "pier")[0].text
    assert "العَبّارةِ" in search(store, "العبارة")[0].text
    assert "東京都" in search(store, "京都")[0].text
    _fts_matches_its_content(store.conn)
    # An edit and a removal take the old terms out of the index, whichever form it had.
    (vault / "ferry.md").write_text("# Ferry\n\nThe ferry leaves at 8:15 from pier two.\n")
    (vault / "arabic.md").unlink()
    index_source(store, NotesFolder(vault))
    _fts_matches_its_content(store.conn)
    assert search(store, "three") == [] and search(store, "العبارة") == []
    assert "8:15" in search(store, "pier")[0].text


def test_a_form_that_folds_to_nothing_is_not_read_as_the_text() -> None:
    from agent.index.prepared import Prepared
    from contracts.documents import Document

    doc = Document(uri="file:///n.md", source="notes", title="n", text="\u064e\u064f", modified=0)
    row = Prepared(doc, "{}", [(0, 2, "", "", "n", "h")]).rows(1)[0]
    assert row[6] == " "  # '' would mean "search the text itself"


def test_passages_written_before_the_form_was_split_migrate(tmp_path: Path) -> None:
    import time

    from agent.index.indexer import delete_documents
    from agent.normalize import normalize
    from agent.store import MIGRATIONS

    db = sqlite3.connect(tmp_path / "old.db")
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied REAL)")
    before = MIGRATIONS[
        : [m.__name__ for m in MIGRATIONS].index("m025_searchable_form_where_it_differs")
    ]
    for step in before:
        step(db)
        db.execute("INSERT INTO _migrations VALUES (?, ?)", (step.__name__, time.time()))
    db.execute(
        "INSERT INTO documents (id, source, root, uri, title, modified, content_hash, "
        "indexed_at) VALUES (1, 'notes', '/n', 'file:///n/a.md', 'A', 0, 'h', 0)"
    )
    texts = ["The ferry leaves at 7:40.", "موعدُ العَبّارةِ صباحاً"]
    for n, text in enumerate(texts, start=1):  # as the indexer wrote them then
        db.execute(
            "INSERT INTO chunks (id, doc_id, ordinal, text, heading_path, start, end, "
            "search_text, search_heading, text_hash) VALUES (?, 1, ?, ?, '', 0, 1, ?, 'a', ?)",
            (n, n, text, normalize(text), f"h{n}"),
        )
        db.execute(
            "INSERT INTO chunks_fts (rowid, search_text, search_heading) VALUES (?, ?, 'a')",
            (n, normalize(text)),
        )
    db.commit()
    db.close()

    store = Store(tmp_path / "old.db")
    forms = store.conn.execute("SELECT search_form, search_text FROM chunks ORDER BY id")
    assert forms.fetchall() == [("", texts[0]), (normalize(texts[1]), normalize(texts[1]))]
    _fts_matches_its_content(store.conn)
    assert [h.text for h in search(store, "ferry")] == [texts[0]]
    assert [h.text for h in search(store, "العبارة")] == [texts[1]]
    with store.atomic():
        delete_documents(store, [1])
    _fts_matches_its_content(store.conn)
    assert search(store, "ferry") == [] and search(store, "العبارة") == []
    store.close()
