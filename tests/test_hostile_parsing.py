"""Each input that hung, exhausted memory or crashed a parser (issue 15) now parses within
its caps, says what it left out, and costs the run nothing else."""

from __future__ import annotations

import gc
import io
import tracemalloc
from pathlib import Path

import pytest
from pypdf import PdfWriter

from agent.index.chunking import chunk_text
from agent.index.mail import index_mail
from agent.store import Store
from connectors.formats import parse_docx, parse_markdown, parse_org, parse_pdf
from connectors.mail.files import MailPath
from connectors.mail.parse import POLICY, parse_message
from connectors.mail.text import attachment_text
from contracts.errors import ConnectorError
from tests.hostile import (
    YAML_ALIAS_BOMB,
    deep_multipart,
    docx_bomb,
    eai_message,
    encoded_word_subject,
    pdf_bomb,
)
from tests.mail_corpus import HEAD, docx_bytes, mbox_bytes, pdf_bytes

# -- notes --------------------------------------------------------------------------------


def test_yaml_alias_bomb_is_not_expanded() -> None:
    parsed = parse_markdown(YAML_ALIAS_BOMB, "bomb")
    assert parsed.tags == [] and parsed.body_start == 0, "the front matter is text, unread"
    assert parsed.title == "Alias bomb"
    assert "harbour ferry" in parsed.text


def test_front_matter_with_an_ampersand_but_no_alias_still_loads() -> None:
    parsed = parse_markdown("---\ntitle: Tom & Jerry\nbase: &b 1\ntags: [cats]\n---\nx\n", "n")
    assert parsed.title == "Tom & Jerry" and parsed.tags == ["cats"]


def test_deeply_nested_front_matter_is_text() -> None:
    parsed = parse_markdown("---\ntags: " + "[" * 50_000 + "\n---\n# Deep\n", "n")
    assert parsed.title == "Deep" and parsed.tags == []


def test_a_note_of_repeated_link_openers_parses_in_linear_time() -> None:
    # 60 KB of "[[" took 382 s: every opener rescanned the rest of the line.
    text = "# Brackets\n\n" + "[[" * 30_000 + "\n\nSee [[Ferry times|the timetable]].\n"
    parsed = parse_markdown(text, "brackets")
    assert parsed.links == ["Ferry times"]
    org = parse_org("[[" * 30_000 + "\n[[file:ferry.org][Ferry]]\n", "o")
    assert org.links == ["ferry.org"]


@pytest.mark.parametrize("syntax", ["markdown", "org"])
def test_a_heading_with_a_long_run_of_spaces_parses_in_linear_time(syntax: str) -> None:
    # "(.+?)[ \t]*#*[ \t]*$" backtracked cubically: 1,000 spaces took 5 s.
    mark = "#" if syntax == "markdown" else "*"
    text = f"{mark} Ferry" + " " * 60_000 + f"x\n\nbody\n\n{mark} Next ##  \n\nmore\n"
    pieces = chunk_text(text, syntax=syntax)
    assert pieces[0].heading_path.startswith("Ferry") and pieces[0].heading_path.endswith("x")
    assert pieces[-1].heading_path == ("Next" if syntax == "markdown" else "Next ##")
    parse = parse_markdown if syntax == "markdown" else parse_org
    assert parse(text, "n").title.startswith("Ferry")
    keywords = "#+TITLE: Garden" + " " * 60_000 + "\n#+FILETAGS: :home:\n"
    assert parse_org(keywords, "n").title == "Garden"


def test_pdf_compression_bomb_is_refused_with_a_reason() -> None:
    with pytest.raises(ConnectorError, match="not a readable PDF: LimitReachedError"):
        parse_pdf(pdf_bomb(), "bomb")


def test_docx_zip_bomb_is_refused_from_its_directory() -> None:
    with pytest.raises(ConnectorError, match="unpacks to 200 MB"):
        parse_docx(docx_bomb(200), "bomb")


def test_a_small_docx_still_reads() -> None:
    parsed = parse_docx(docx_bytes("The ferry leaves at nine."), "d")
    assert "ferry leaves at nine" in parsed.text


# -- mail attachments: the same extraction as notes ----------------------------------------


def _locked_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("bomb.pdf", pdf_bomb(), "LimitReachedError"),
        ("bomb.docx", docx_bomb(200), "unpacks to 200 MB"),
        ("locked.pdf", _locked_pdf(), "password-protected"),
    ],
)
def test_attachments_share_the_capped_extraction(name: str, data: bytes, reason: str) -> None:
    text, problem = attachment_text(name, "application/octet-stream", data, None)
    assert text == "" and problem and reason in problem


def test_pdf_and_docx_attachments_are_read() -> None:
    assert "ferry" in attachment_text("a.pdf", "application/pdf", pdf_bytes("ferry"), None)[0]
    assert "ferry" in attachment_text("a.docx", "", docx_bytes("ferry"), None)[0]


# -- mail -----------------------------------------------------------------------------------


def test_raw_utf8_headers_are_decoded_not_smuggled() -> None:
    # EAI mail: the parser keeps raw UTF-8 as lone surrogates, which SQLite refused.
    mail = parse_message(eai_message())
    assert mail.subject == "Fähre nach Ägina"
    assert mail.sender == ["Sára Haddád <sára@exämple.com>"]
    doc = mail.to_document("mid:eai-1@example.com")
    doc.text.encode("utf-8")  # storable


def test_deep_multipart_nesting_is_read_as_text() -> None:
    mail = parse_message(deep_multipart(3000))
    assert mail.subject == "Nested"
    assert "innermost ferry timetable" in mail.body
    assert any("nesting too deep" in p for p in mail.problems)


def test_encoded_words_in_a_subject_are_read_within_a_budget() -> None:
    # 16,000 encoded words: CPython's header parser peaked at 4 GB on this.
    gc.collect()
    tracemalloc.start()
    try:
        mail = parse_message(encoded_word_subject(16_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert mail.subject.startswith("fährefähre")  # RFC 2047: adjacent words join
    assert any("Subject header is 3" in p and "first 8 KB" in p for p in mail.problems)
    assert peak < 64 * 2**20, f"{peak / 2**20:.0f} MB"


def test_the_header_memo_is_budgeted_by_size_not_entries() -> None:
    # A parsed address list holds ~500 bytes per character, and 50,000 entries was the
    # memo's only cap (5.5 GB while indexing 2,400 messages).
    for n in range(300):  # short distinct values: memoised within the budget
        parse_message(f"From: a@b.c\r\nSubject: ferry {n} {'x' * 200}\r\n\r\nhi\r\n".encode())
        assert POLICY.header_factory.memo_chars <= 16 * 1024
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for n in range(100):  # long distinct values: parsed, never kept
            to = ", ".join(f"Person {n} {i} <p{n}.{i}@example.com>" for i in range(12))
            parse_message(f"From: a@b.c\r\nTo: {to}\r\nSubject: s\r\n\r\nhi\r\n".encode())
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert kept < 4 * 2**20, f"{kept / 2**20:.1f} MB kept"


def test_hostile_messages_do_not_cost_the_mailbox_its_good_messages(tmp_path: Path) -> None:
    good = (HEAD + "Subject: Timetable\r\nMessage-ID: <good@x>\r\n\r\nFerry at nine.\r\n").encode()
    mbox = tmp_path / "hostile.mbox"
    mbox.write_bytes(mbox_bytes(eai_message(), deep_multipart(400), good))
    store = Store(":memory:")
    report = index_mail(store, MailPath(mbox))
    assert (report.added, report.errors) == (3, [])
    titles = {r[0] for r in store.conn.execute("SELECT title FROM documents")}
    assert titles == {"Fähre nach Ägina", "Nested", "Timetable"}
