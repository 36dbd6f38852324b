"""Hard messages -> the text a reader would see: every charset, MIME shape and kind of
damage in tests/mail_corpus.py, plus a 50 MB attachment."""

from __future__ import annotations

import time
from email import message_from_bytes

import pytest

from connectors.mail.parse import POLICY, _addresses, _header, _raw_headers, parse_message
from tests.mail_corpus import CASES, HEAD, Case


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_message_gives_the_expected_text(case: Case) -> None:
    mail = parse_message(case.raw)
    doc = mail.to_document("mid:test")
    for text in case.want:
        assert text in doc.text, f"missing {text!r} in:\n{doc.text}"
    for text in case.not_want:
        assert text not in doc.text, f"{text!r} should not be indexed:\n{doc.text}"
    if case.subject is not None:
        assert mail.subject == case.subject
        assert f"Subject: {case.subject}" in doc.text
    if case.sender is not None:
        assert doc.meta["from"] == [case.sender]
    if case.attachments:
        assert tuple(mail.attachments) == case.attachments
    for word in case.problems:
        assert any(word in p for p in mail.problems), mail.problems
    for key, value in case.meta.items():
        assert doc.meta[key] == value


def test_document_begins_with_sender_date_and_subject() -> None:
    doc = parse_message(CASES[0].raw).to_document("mid:w1256@example.com")
    head = doc.text.split("\n\n", 1)[0]
    assert head.splitlines() == [
        "From: Sara Haddad <sara@example.com>",
        "To: Omar <omar@example.com>",
        "Date: Tue, 05 Mar 2024 10:00 +0100",
        "Subject: تجديد العقد",
    ]
    assert doc.source == "mail" and doc.title == "تجديد العقد"
    assert doc.meta["message_id"] == "w1256@example.com"
    assert doc.meta["date"] == 1709629200.0 and doc.meta["date_text"].startswith("2024-03-05")
    assert doc.meta["thread"] == "w1256@example.com"  # a message alone starts its thread


def test_a_50_mb_attachment_keeps_its_name_and_costs_little() -> None:
    blob = (b"AAAA" * 19 + b"\r\n") * (50 * 2**20 // 57)  # 50 MB of data, base64
    raw = (
        (
            HEAD + 'Subject: big\r\nContent-Type: multipart/mixed; boundary="z"\r\n\r\n'
            "--z\r\nContent-Type: text/plain\r\n\r\nThe video of the launch is attached.\r\n"
            "--z\r\nContent-Type: video/mp4; name=launch.mp4\r\n"
            "Content-Disposition: attachment; filename=launch.mp4\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode()
        + blob
        + b"--z--\r\n"
    )
    started = time.perf_counter()
    mail = parse_message(raw)
    assert time.perf_counter() - started < 10  # about 1 s on 2 busy cores
    assert "The video of the launch is attached." in mail.body
    assert mail.attachments == ["launch.mp4"]
    assert any("only its first 12 MB were read" in p for p in mail.problems), mail.problems


def test_hostile_headers_do_not_crash() -> None:
    raw = (
        b'From: "unterminated <a@b\r\nTo: ,,,@@@ <>\r\nSubject: =?x-unknown?q?abc?=\r\n'
        b"Date: not a date\r\nMessage-ID: no brackets here\r\n"
        b'Content-Type: text/plain; charset=""\r\n\r\nbody survives\r\n'
    )
    mail = parse_message(raw)
    assert "body survives" in mail.body
    assert mail.date is None and mail.message_id == "no brackets here"


@pytest.mark.parametrize(
    "name, value",
    [
        ("From", "Sara   Haddad <sara@example.com>"),
        ("To", "a@b.example, B <b@c.example>, O'Brien_2 <o.b+x@mail-1.example>"),
        ("To", "a@b.example, B <b@c.example>,"),  # a trailing comma: the parser decides
        ("To", '"Doe, Jane" <jane@example.com>'),
        ("From", "J. Smith <j@example.com>"),
        ("From", "sara@example.com (Sara Haddad)"),
        ("Cc", "undisclosed-recipients:;"),
        ("From", "=?utf-8?q?Caf=C3=A9?= <cafe@example.com>"),
        ("Subject", "Re:  the\tlease   renewal"),
        ("Subject", "=?utf-8?b?2KfZhNi52YLYrw==?="),
    ],
)
def test_a_plain_header_read_without_the_parser_reads_as_with_it(name: str, value: str) -> None:
    """Plain ASCII headers skip the standard library's header parser (most of a
    message's parse time); what they give must be what the parser gives."""
    msg = message_from_bytes(f"{name}: {value}\n\nbody\n".encode(), policy=POLICY)
    raw = _raw_headers(msg)
    if name == "Subject":
        assert _header(msg, name, raw) == _header(msg, name)
    else:
        assert _addresses(msg, name, raw) == _addresses(msg, name)
