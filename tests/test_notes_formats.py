"""Each note format read for real (Markdown, Org, text, PDF, DOCX), with its metadata,
ignore rules, caps and unreadable files reported; filters over the metadata."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import docx
import pytest
from pypdf import PdfWriter

from agent.index.chunking import chunk_text
from agent.index.indexer import index_source
from agent.index.search import search
from agent.store import Store
from connectors.formats import parse_markdown, parse_org, parse_pdf
from connectors.notes import NotesFolder
from tests.fakes.pdf import make_pdf


@pytest.fixture
def store() -> Store:
    return Store(":memory:")


def make_docx(path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = "Boat plans"
    document.core_properties.keywords = "travel, greece"
    document.add_heading("Ferries", level=1)
    document.add_paragraph("The ferry to Hydra leaves at 7:40 from pier 3.")
    document.add_heading("Fares", level=2)
    document.add_paragraph("A ticket costs 12 euros.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Aegina"
    table.rows[0].cells[1].text = "40 minutes"
    document.save(str(path))


def test_markdown_front_matter_tags_links_aliases() -> None:
    text = (
        "---\ntitle: Greek trip\ntags: [Travel, travel/greece]\naliases: Boat trip\n"
        "date: 2024-05-03\n---\n# Ferry\n\nMeet at the pier #logistics and see [[Hydra|the "
        "island]] and [[Ports#Piraeus]] ![[harbour map.png]]. Not a tag: #123, `#code`, a#b.\n\n"
        "```\n#not-a-tag\n```\n"
    )
    parsed = parse_markdown(text, "ferry")
    assert parsed.title == "Greek trip"
    assert parsed.tags == ["travel", "travel/greece", "logistics"]
    assert parsed.aliases == ["Boat trip"]
    assert parsed.links == ["Hydra", "Ports", "harbour map.png"]  # an embed links too
    assert parsed.date == dt.datetime(2024, 5, 3, tzinfo=dt.UTC).timestamp()
    assert text[parsed.body_start :].startswith("# Ferry")
    pieces = chunk_text(text, start=parsed.body_start)
    assert all("tags:" not in p.text for p in pieces), "front matter is metadata, not prose"
    assert all(text[p.start : p.end] == p.text for p in pieces)


def test_broken_front_matter_is_kept_as_text() -> None:
    parsed = parse_markdown("---\ntags: [unclosed\n---\n# Still a note\n", "n")
    assert parsed.body_start == 0 and parsed.title == "Still a note" and parsed.tags == []


def test_org_title_tags_and_headings() -> None:
    text = (
        "#+TITLE: Garden\n#+FILETAGS: :home:\n#+DATE: <2023-04-01 Sat>\n"
        "* Olive tree :plants:outdoor:\nWater it on Sundays.\n** Pruning\nIn March.\n"
    )
    parsed = parse_org(text, "garden")
    assert parsed.title == "Garden"
    assert parsed.tags == ["home", "plants", "outdoor"]
    assert parsed.date == dt.datetime(2023, 4, 1, tzinfo=dt.UTC).timestamp()
    paths = [p.heading_path for p in chunk_text(text, syntax="org")]
    assert paths[-2:] == ["Olive tree", "Olive tree > Pruning"]


def test_pdf_text_layer_pages_and_title() -> None:
    parsed = parse_pdf(
        make_pdf(["The ferry leaves at 7:40.", "Tickets cost 12 euros."], "Boats"), "x"
    )
    assert parsed.title == "Boats"
    assert "7:40" in parsed.text and "12 euros" in parsed.text
    second = parsed.extra["pages"][1]
    assert parsed.text[second:].startswith("Tickets")


def test_every_format_is_indexed_and_found(store: Store, tmp_path: Path) -> None:
    (tmp_path / "boats.pdf").write_bytes(make_pdf(["The catamaran to Spetses departs at noon."]))
    make_docx(tmp_path / "plans.docx")
    (tmp_path / "garden.org").write_text("* Olive tree :plants:\nWater it on Sundays.\n")
    (tmp_path / "win.txt").write_bytes("\ufeffLine one\r\nThe wifi code is 4711\r\n".encode())
    (tmp_path / "note.markdown").write_text("# Bees\n\nThe hive needs sugar water.\n")
    report = index_source(store, NotesFolder(tmp_path))
    assert (report.added, report.errors) == (5, [])
    hit = search(store, "catamaran")[0]
    assert hit.path.endswith("boats.pdf")
    docx_hit = search(store, "Hydra ferry")[0]
    assert docx_hit.path.endswith("plans.docx") and docx_hit.heading_path == "Ferries"
    assert docx_hit.title == "Boat plans"
    assert search(store, "Aegina")[0].path.endswith("plans.docx"), "tables are read too"
    assert search(store, "olive")[0].heading_path == "Olive tree"
    wifi = search(store, "wifi code")[0]
    assert wifi.text == "Line one\nThe wifi code is 4711"
    assert search(store, "sugar water")[0].title == "Bees"


def test_unreadable_files_are_reported_and_others_indexed(store: Store, tmp_path: Path) -> None:
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")
    (tmp_path / "scan.pdf").write_bytes(make_pdf([""]))
    locked = PdfWriter()
    locked.add_blank_page(width=200, height=200)
    locked.encrypt("secret")
    with open(tmp_path / "locked.pdf", "wb") as f:
        locked.write(f)
    (tmp_path / "fine.md").write_text("# Fine\n\nThis one reads.\n")
    report = index_source(store, NotesFolder(tmp_path))
    reasons = {Path(p).name: why for p, why in report.errors}
    assert report.added == 1
    assert set(reasons) == {"broken.pdf", "broken.docx", "scan.pdf", "locked.pdf"}
    assert "password" in reasons["locked.pdf"] and "text layer" in reasons["scan.pdf"]
    assert "Word" in reasons["broken.docx"] and "PDF" in reasons["broken.pdf"]
    errors = store.conn.execute("SELECT count(*) FROM index_errors").fetchone()[0]
    assert errors == 4, "unreadable files show in the index status"


def test_huge_text_is_capped_with_a_note(store: Store, tmp_path: Path) -> None:
    (tmp_path / "log.txt").write_text("word " * 2000 + "needle at the end")
    report = index_source(store, NotesFolder(tmp_path, max_chars=5000))
    assert report.added == 1
    assert report.errors and "capped" in report.errors[0][1]
    assert search(store, "word") and not search(store, "needle")


def test_hidden_ignored_and_fanousignore(tmp_path: Path) -> None:
    for rel in (
        ".obsidian/workspace.md",
        ".trash/old.md",
        "node_modules/pkg/readme.md",
        "drafts/wip.md",
        "archive/2019/old.md",
        "archive/keep.md",
        "notes/secret.private.md",
        "notes/ok.md",
        "img.png",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    (tmp_path / ".fanousignore").write_text("# comment\ndrafts/\narchive/2019/\n*.private.md\n")
    folder = NotesFolder(tmp_path)
    names = sorted(os.path.relpath(i.path, tmp_path) for i in folder.scan(lambda *a: None))
    assert names == ["archive/keep.md", "notes/ok.md"]
    assert not folder.wants(str(tmp_path / "drafts" / "new.md"))
    assert folder.wants(str(tmp_path / "notes" / "new.org"))


def test_filters_folder_tag_and_date(store: Store, tmp_path: Path) -> None:
    notes = {
        "travel/greece/ferry.md": "---\ntags: [travel/greece]\ndate: 2024-05-03\n---\n"
        "The ferry plan for May.",
        "travel/rail.md": "---\ndate: 2023-01-10\n---\nThe rail plan for January. #travel",
        "work/plan.md": "---\ntags: [work]\ndate: 2024-06-01\n---\nThe plan for the launch.",
    }
    for rel, text in notes.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    index_source(store, NotesFolder(tmp_path))

    def names(**kw: object) -> list[str]:
        return sorted(Path(h.path).name for h in search(store, "plan", **kw))

    assert names() == ["ferry.md", "plan.md", "rail.md"]
    assert names(folder="travel") == ["ferry.md", "rail.md"]
    assert names(folder=str(tmp_path / "travel" / "greece")) == ["ferry.md"]
    assert names(folder="trav") == [], "a folder matches whole names only"
    assert names(tag="travel") == ["ferry.md", "rail.md"], "nested tags count"
    assert names(tag="#work") == ["plan.md"]
    may = dt.datetime(2024, 5, 1, tzinfo=dt.UTC).timestamp()
    assert names(after=may) == ["ferry.md", "plan.md"]
    assert names(before=may) == ["rail.md"]


def test_fanousignore_in_a_subfolder_applies_below_it(tmp_path: Path) -> None:
    files = (
        "a.private.md",
        "journal/day.md",
        "journal/day.tmp.md",
        "journal/keep.private.md",
        "journal/old/x.md",
        "work/day.tmp.md",
    )
    for rel in files:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    (tmp_path / ".fanousignore").write_text("*.private.md\n")
    # Relative to journal/, and able to take back what the root ignored.
    (tmp_path / "journal" / ".fanousignore").write_text("*.tmp.md\n/old/\n!keep.private.md\n")
    folder = NotesFolder(tmp_path)
    names = sorted(os.path.relpath(i.path, tmp_path) for i in folder.scan(lambda *a: None))
    assert names == ["journal/day.md", "journal/keep.private.md", "work/day.tmp.md"]
    # The live mode's per-file check agrees with the scan on every path.
    assert [rel for rel in files if folder.wants(str(tmp_path / rel))] == sorted(names)
