"""Hand-made hard messages: the encodings and MIME shapes real mail has, each with the
text a reader would see in it (``want``) and text that must not be indexed (``not_want``).
Built as bytes here so every charset is exactly what the case says it is."""

from __future__ import annotations

import base64
import io
import quopri
from dataclasses import dataclass, field

from tests.fakes.pdf import make_pdf

__all__ = ["CASES", "Case", "docx_bytes", "mbox_bytes", "pdf_bytes"]


@dataclass(frozen=True)
class Case:
    name: str
    raw: bytes
    want: tuple[str, ...]
    not_want: tuple[str, ...] = ()
    subject: str | None = None
    sender: str | None = None
    attachments: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()  # words the recorded problems must mention
    meta: dict[str, object] = field(default_factory=dict)


def mbox_bytes(*messages: bytes) -> bytes:
    """An mbox file of ``messages``: LF line ends, body lines starting "From " quoted."""
    out = b""
    for raw in messages:
        lines = raw.replace(b"\r\n", b"\n").split(b"\n")
        escaped = b"\n".join(b">" + ln if ln.startswith(b"From ") else ln for ln in lines)
        out += b"From sara@example.com Tue Mar  5 10:00:00 2024\n" + escaped + b"\n"
    return out


def pdf_bytes(text: str) -> bytes:
    """A minimal one-page PDF with ``text`` as its text layer."""
    return make_pdf([text])


def docx_bytes(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _b64(data: bytes) -> bytes:
    return base64.encodebytes(data)


def _hdr(charset: str, text: str) -> str:
    return f"=?{charset}?b?{base64.b64encode(text.encode(charset)).decode()}?="


HEAD = (
    "From: Sara Haddad <sara@example.com>\r\nTo: Omar <omar@example.com>\r\n"
    "Date: Tue, 05 Mar 2024 10:00:00 +0100\r\nMIME-Version: 1.0\r\n"
)

_arabic = "سينتهي العقد في الأول من حزيران ويتجدد تلقائياً"
_japanese = "会議は金曜日の午後三時に始まります"
_chinese = "合同将于六月一日自动续签"

CASES = [
    Case(
        "windows-1256 body and RFC 2047 subject",
        (
            HEAD + f"Subject: {_hdr('windows-1256', 'تجديد العقد')}\r\n"
            "Message-ID: <w1256@example.com>\r\n"
            "Content-Type: text/plain; charset=windows-1256\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n"
        ).encode()
        + _arabic.encode("windows-1256")
        + b"\r\n",
        want=(_arabic,),
        subject="تجديد العقد",
        sender="Sara Haddad <sara@example.com>",
    ),
    Case(
        "ISO-8859-6 quoted-printable",
        (
            HEAD + "Subject: =?ISO-8859-6?Q?=C7=E4=D9=DB=CF?=\r\n"
            "Content-Type: text/plain; charset=ISO-8859-6\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        ).encode()
        + quopri.encodestring("مرحبا يا عمر، الاجتماع غداً".encode("iso-8859-6")),
        want=("مرحبا يا عمر، الاجتماع غداً",),
    ),
    Case(
        "ISO-2022-JP body and subject",
        (
            HEAD + f"Subject: {_hdr('iso-2022-jp', '会議の時間')}\r\n"
            "Content-Type: text/plain; charset=ISO-2022-JP\r\n"
            "Content-Transfer-Encoding: 7bit\r\n\r\n"
        ).encode()
        + _japanese.encode("iso-2022-jp")
        + b"\r\n",
        want=(_japanese,),
        subject="会議の時間",
    ),
    Case(
        "GB18030 base64 (labelled gb2312)",
        (
            HEAD + f"Subject: {_hdr('gb18030', '合同续签')}\r\n"
            "Content-Type: text/plain; charset=gb2312\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode()
        + _b64(_chinese.encode("gb18030")),
        want=(_chinese,),
        subject="合同续签",
    ),
    Case(
        "UTF-8 mislabelled as us-ascii",
        (
            HEAD + "Subject: mislabel\r\nContent-Type: text/plain; charset=us-ascii\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\nCafé crème at 8 — déjà vu\r\n"
        ).encode(),
        want=("Café crème at 8 — déjà vu",),
    ),
    Case(
        "unknown charset label",
        (
            HEAD + "Subject: bogus\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n"
        ).encode()
        + "Le rendez-vous est confirmé pour jeudi à la mairie.\r\n".encode("cp1252"),
        want=("rendez-vous est confirm", "jeudi"),
        problems=("x-no-such-charset",),
    ),
    Case(
        "HTML only, with style and script",
        (
            HEAD + "Subject: newsletter\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            "<html><head><style>p{color:red}</style><script>var secret=1;</script></head>"
            "<body><h1>Quarterly report</h1><p>Revenue grew by <b>12%</b>.</p>"
            "<p><a href='https://tracker.example/x'>Read more</a><img src='cid:x'></p>"
            "</body></html>\r\n"
        ).encode(),
        want=("Quarterly report", "Revenue grew by 12%.", "Read more"),
        not_want=("<p>", "color:red", "secret", "tracker.example", "**"),
    ),
    Case(
        "alternative: plain preferred over html",
        (
            HEAD + 'Subject: alt\r\nContent-Type: multipart/alternative; boundary="b1"\r\n\r\n'
            "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe plain version.\r\n"
            "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>The HTML version.</p>\r\n"
            "--b1--\r\n"
        ).encode(),
        want=("The plain version.",),
        not_want=("The HTML version.",),
    ),
    Case(
        "nested mixed/alternative/related with PDF, DOCX and text attachments",
        (
            HEAD + 'Subject: contract\r\nContent-Type: multipart/mixed; boundary="m"\r\n\r\n'
            '--m\r\nContent-Type: multipart/alternative; boundary="a"\r\n\r\n'
            "--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\r\n"
            '--a\r\nContent-Type: multipart/related; boundary="r"\r\n\r\n'
            "--r\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            "<p>Please sign the attached contract.</p>\r\n"
            "--r\r\nContent-Type: image/png\r\nContent-ID: <logo>\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--r--\r\n--a--\r\n"
            "--m\r\nContent-Type: application/pdf; name=contract.pdf\r\n"
            "Content-Disposition: attachment; filename=contract.pdf\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode()
        + _b64(pdf_bytes("The lease renews on the first of June."))
        + (
            b"--m\r\nContent-Type: application/vnd.openxmlformats-officedocument."
            b"wordprocessingml.document\r\n"
            b"Content-Disposition: attachment;\r\n"
            b" filename*=UTF-8''%D8%A7%D9%84%D8%B9%D9%82%D8%AF.docx\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n"
        )
        + _b64(docx_bytes("Clause 7: the deposit is 900 euros."))
        + (
            b"--m\r\nContent-Type: text/plain; charset=utf-8; name=notes.txt\r\n"
            b"Content-Disposition: attachment; filename=notes.txt\r\n\r\n"
            b"Parking is behind the building.\r\n"
            b"--m\r\nContent-Type: application/zip; name=photos.zip\r\n"
            b"Content-Disposition: attachment; filename=photos.zip\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n"
            b"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==\r\n--m--\r\n"
        ),
        want=(
            "Please sign the attached contract.",
            "The lease renews on the first of June.",
            "Clause 7: the deposit is 900 euros.",
            "Parking is behind the building.",
            "Attachments: contract.pdf, العقد.docx, notes.txt, photos.zip",
        ),
        not_want=("iVBORw0KGgo",),
        attachments=("contract.pdf", "العقد.docx", "notes.txt", "photos.zip"),
    ),
    Case(
        "forwarded message/rfc822",
        (
            HEAD + 'Subject: Fwd: ferry\r\nContent-Type: multipart/mixed; boundary="f"\r\n\r\n'
            "--f\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n"
            "--f\r\nContent-Type: message/rfc822\r\n\r\n"
            "From: Port Office <port@example.gr>\r\nSubject: Timetable\r\n"
            "Date: Mon, 04 Mar 2024 08:00:00 +0200\r\nContent-Type: text/plain\r\n\r\n"
            "The ferry to Hydra leaves at 7:40 from pier 3.\r\n--f--\r\n"
        ).encode(),
        want=(
            "See below.",
            "Forwarded message",
            "From: Port Office <port@example.gr>",
            "Subject: Timetable",
            "The ferry to Hydra leaves at 7:40 from pier 3.",
        ),
    ),
    Case(
        "quoted reply and signature set aside",
        (
            HEAD + "Subject: Re: dinner\r\nMessage-ID: <r2@example.com>\r\n"
            "In-Reply-To: <r1@example.com>\r\nReferences: <r0@example.com> <r1@example.com>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            "Thursday works for me.\r\n\r\n"
            "On Mon, 4 Mar 2024 at 09:00, Omar <omar@example.com> wrote:\r\n"
            "> Shall we have dinner on Thursday?\r\n> The usual place.\r\n\r\n"
            "-- \r\nSara Haddad\r\nHead of Legal, Example Ltd\r\n"
        ).encode(),
        want=("Thursday works for me.",),
        not_want=("Shall we have dinner", "wrote:", "Head of Legal"),
        meta={
            "thread": "r0@example.com",
            "in_reply_to": "r1@example.com",
            "references": ["r0@example.com", "r1@example.com"],
        },
    ),
    Case(
        "Outlook original message below the reply",
        (
            HEAD + "Subject: RE: invoice\r\nContent-Type: text/plain\r\n\r\n"
            "Paid today.\r\n\r\n-----Original Message-----\r\nFrom: Omar\r\nSent: Monday\r\n"
            "Please pay invoice 4411.\r\n"
        ).encode(),
        want=("Paid today.",),
        not_want=("invoice 4411",),
    ),
    Case(
        "no headers at all",
        b"Just a line of text that someone saved as a mail file.\n\nAnd a second paragraph.\n",
        want=("Just a line of text", "And a second paragraph."),
        problems=("headers",),
    ),
    Case(
        "malformed MIME boundary",
        (
            HEAD + 'Subject: broken\r\nContent-Type: multipart/mixed; boundary="declared"\r\n\r\n'
            "--other\r\nContent-Type: text/plain\r\n\r\nThe meeting moved to room Cedar.\r\n"
            "--other--\r\n"
        ).encode(),
        want=("The meeting moved to room Cedar.",),
        problems=("boundary",),
    ),
    Case(
        "truncated mid-part (no closing boundary, cut base64)",
        (
            HEAD + 'Subject: cut\r\nContent-Type: multipart/mixed; boundary="t"\r\n\r\n'
            "--t\r\nContent-Type: text/plain\r\n\r\nThe keys are with the neighbour.\r\n"
            "--t\r\nContent-Type: application/pdf; name=a.pdf\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJ"
        ).encode(),
        want=("The keys are with the neighbour.", "a.pdf"),
    ),
]
