"""One raw message (bytes) to a ``Document``, with the standard library's modern email API.

Every MIME shape is walked (alternative, related, mixed, nested, forwarded
``message/rfc822``); headers are decoded (RFC 2047/2231); bodies are decoded whatever
their charset claims; HTML becomes clean text; quoted replies and signatures are set
aside. Damage (no headers, broken boundaries, bad charsets, huge parts) is noted in
``meta["problems"]`` and the message is indexed as far as it can be — never a crash.
"""

from __future__ import annotations

import email
import email.header
import email.utils
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage, Message
from email.parser import BytesParser
from typing import Any

from connectors.mail.text import attachment_text, decode_bytes, html_to_text, strip_quotes
from contracts.documents import Document, clean_text

__all__ = [
    "MAX_HEADER_CHARS",
    "MAX_MESSAGE_BYTES",
    "POLICY",
    "ParsedMail",
    "mail_document",
    "message_uri",
    "normalize_message_id",
    "parse_message",
]

# Past this the rest of a message is attachment data we would not index anyway; parsing
# it all costs seconds and memory for nothing.
MAX_MESSAGE_BYTES = 12 * 1024 * 1024
_MAX_DEPTH = 12  # nesting of forwarded messages and multiparts we follow
_MSGID = re.compile(r"<([^<>\s]+)>")
# Past this nesting the standard parser is not run: it checks every line against every
# open boundary (quadratic) and recurses per level (RecursionError past ~300).
_MAX_PARSED_DEPTH = 4 * _MAX_DEPTH
_BOUNDARY = re.compile(rb'boundary[ \t]*=[ \t]*"?([^"\s;]+)|^--([^\r\n]*)$', re.I | re.M)


# CPython's modern header parser needs memory and time far out of proportion to a
# header's length (a 22 KB Subject of encoded words peaks at 12 MB, 380 KB at 4 GB, and a
# parsed address list holds ~500 bytes per character), so it only ever sees the first
# MAX_HEADER_CHARS of a header, and the memo below is budgeted by characters.
MAX_HEADER_CHARS = 8 * 1024
_MEMO_VALUE_CHARS = 256  # longer values are rarely repeated: parsed, not kept
_MEMO_BUDGET_CHARS = 16 * 1024  # ~ 8 MB of parsed headers at the worst


class _MemoRegistry(HeaderRegistry):
    """``policy.default``'s header registry, memoised and budgeted. The parser and the
    accessors parse the same few headers (Content-Type above all) again and again, and
    the registry builds a new class on every lookup; parsed headers are immutable, so one
    parse per distinct (name, value) serves them all. This more than doubles parsing
    speed. The memo holds at most ``_MEMO_BUDGET_CHARS`` characters of header values."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type] = {}
        self._parsed: dict[tuple[str, str], Any] = {}
        self.memo_chars = 0

    def __getitem__(self, name: str) -> type:
        cls = self._classes.get(name.lower())
        if cls is None:
            cls = self._classes[name.lower()] = super().__getitem__(name)
        return cls

    def __call__(self, name: str, value: str) -> Any:
        key = (name, value)
        header = self._parsed.get(key)
        if header is not None:
            return header
        header = self[name](name, value[:MAX_HEADER_CHARS])
        if len(value) <= _MEMO_VALUE_CHARS:
            if self.memo_chars + len(name) + len(value) > _MEMO_BUDGET_CHARS:
                self._parsed.clear()
                self.memo_chars = 0
            self._parsed[key] = header
            self.memo_chars += len(name) + len(value)
        return header


POLICY = policy.default.clone(header_factory=_MemoRegistry())


def _boundary_depth(raw: bytes, limit: int) -> int:
    """How deeply multiparts nest, from the boundaries declared and closed (a linear
    scan); stops counting past ``limit``."""
    if b"boundary" not in raw.lower():  # no multipart declared: nothing nests
        return 0
    open_: list[bytes] = []
    deepest = 0
    for m in _BOUNDARY.finditer(raw):
        if m.group(1) is not None:
            if m.group(1) not in open_:
                open_.append(m.group(1))
                deepest = max(deepest, len(open_))
                if deepest > limit:
                    break
            continue
        line = m.group(2).rstrip(b" \t\r")
        if line.endswith(b"--") and line[:-2] in open_:
            del open_[open_.index(line[:-2]) :]
    return deepest


def normalize_message_id(value: str | None) -> str | None:
    if not value:
        return None
    m = _MSGID.search(value)
    ident = m.group(1) if m else value.strip().strip("<>").strip()
    return ident or None


def message_uri(message_id: str | None, raw: bytes) -> str:
    """``mid:<id>`` (RFC 2392) when the message has an id, else a hash of its bytes."""
    if message_id:
        return f"mid:{message_id}"
    return "mail:sha-" + hashlib.blake2b(raw, digest_size=16).hexdigest()


# What the modern parser would return as it is: plain ASCII with no encoded word ("=?")
# for any header, and for an address header one or more simple "Name <addr>" or "addr"
# (no quotes, comments, groups or escapes). Parsing those costs most of a message's time.
_ADDR = r"[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+"
_SIMPLE_ADDRESS = re.compile(rf"\s*(?:([A-Za-z0-9_' -]*?)\s*<({_ADDR})>|({_ADDR}))\s*")


def _plain(value: str) -> bool:
    return value.isascii() and "=?" not in value


def _header(msg: Message, name: str, headers: dict[str, str] | None = None) -> str:
    """A header as text; a header the modern parser chokes on is decoded by hand. Raw
    UTF-8 (EAI mail), which the parser keeps as lone surrogates, is decoded. ``headers``
    (``_raw_headers``) lets a plain header skip the parser."""
    plain = headers.get(name.lower()) if headers is not None else None
    if plain is not None and _plain(plain):
        return plain
    try:
        value = msg.get(name)
        return clean_text(" ".join(str(value).split())) if value is not None else ""
    except Exception:
        pass
    for key, raw in msg.raw_items():
        if key.lower() == name.lower():
            raw = raw[:MAX_HEADER_CHARS]
            try:
                text = str(email.header.make_header(email.header.decode_header(raw)))
            except Exception:
                text = str(raw)
            return clean_text(" ".join(text.split()))
    return ""


def _addresses(msg: Message, name: str, headers: dict[str, str] | None = None) -> list[str]:
    value = headers.get(name.lower()) if headers is not None else None
    if value is not None and _plain(value):
        simple = [_SIMPLE_ADDRESS.fullmatch(part) for part in value.split(",")]
        if all(simple):
            return [
                (f"{m[1]} <{m[2]}>" if m[1] else m[2]) if m[2] else m[3]
                for m in simple
                if m is not None
            ]
    try:
        header: Any = msg.get(name)  # the modern API's header object
        if header is not None and getattr(header, "addresses", None) is not None:
            out = []
            for a in header.addresses:
                addr = a.addr_spec if a.username else ""
                out.append(
                    f"{a.display_name} <{addr}>"
                    if a.display_name and addr
                    else (addr or a.display_name)
                )
            return [clean_text(x) for x in out if x]
    except Exception:
        pass
    text = _header(msg, name)
    return [t.strip() for t in text.split(",") if t.strip()] if text else []


def _raw_headers(msg: Message) -> dict[str, str]:
    """Headers as written (first occurrence), for the ones that need no decoding."""
    raw: dict[str, str] = {}
    for key, value in msg.raw_items():
        raw.setdefault(key.lower(), " ".join(str(value).split()))
    return raw


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        dt = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


@dataclass(slots=True)
class ParsedMail:
    message_id: str | None
    subject: str
    sender: list[str]
    to: list[str]
    cc: list[str]
    date: datetime | None
    list_id: str
    in_reply_to: str | None
    references: list[str]
    body: str
    attachments: list[str] = field(default_factory=list)
    attachment_texts: list[tuple[str, str]] = field(default_factory=list)
    quoted_chars: int = 0
    signature: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def thread(self) -> str | None:
        """The thread's root message id: the first reference names it (RFC 5322 keeps
        it first), else the parent, else this message starts its own thread."""
        if self.references:
            return self.references[0]
        return self.in_reply_to or self.message_id

    def header_block(self) -> str:
        lines = [f"From: {', '.join(self.sender) or '(unknown sender)'}"]
        if self.to:
            more = f" and {len(self.to) - 3} more" if len(self.to) > 3 else ""
            lines.append(f"To: {', '.join(self.to[:3])}{more}")
        if self.date:
            lines.append(f"Date: {self.date.strftime('%a, %d %b %Y %H:%M %z')}")
        lines.append(f"Subject: {self.subject or '(no subject)'}")
        if self.attachments:
            lines.append(f"Attachments: {', '.join(self.attachments)}")
        return "\n".join(lines)

    def text(self) -> str:
        parts = [self.header_block(), self.body]
        for name, text in self.attachment_texts:
            parts.append(f"Attachment: {name}\n\n{text}")
        return "\n\n".join(p for p in parts if p.strip()) + "\n"

    def to_document(self, uri: str, **meta: Any) -> Document:
        when = self.date.timestamp() if self.date else 0.0
        return Document(
            source="mail",
            uri=uri,
            title=self.subject or "(no subject)",
            text=self.text(),
            meta={
                "from": self.sender,
                "to": self.to,
                "cc": self.cc,
                # A number, as every source's "date" (the index sorts and filters on it);
                # the header as written is in date_text.
                "date": when or None,
                "date_text": self.date.isoformat() if self.date else None,
                "subject": self.subject,
                "message_id": self.message_id,
                "list_id": self.list_id or None,
                "in_reply_to": self.in_reply_to,
                "references": self.references,
                "thread": self.thread,
                "attachments": self.attachments,
                "quoted_chars": self.quoted_chars,
                "problems": self.problems,
                **meta,
            },
            modified=when,
        )


def _info(part: Message) -> tuple[str, str | None, str | None, str]:
    """(content type, charset, file name, disposition), parsing each header once: the
    modern API re-parses a header on every accessor call, which dominated indexing."""
    try:
        ct: Any = part.get("content-type")  # the modern API's header objects
        cd: Any = part.get("content-disposition")
        ctype = part.get_default_type() if ct is None else str(ct.content_type).lower()
        if ctype.count("/") != 1:
            ctype = "text/plain"
        params = dict(ct.params) if ct is not None else {}
        cd_params = dict(cd.params) if cd is not None else {}
        disposition = str(cd.content_disposition or "").lower() if cd is not None else ""
        name = cd_params.get("filename") or params.get("name")
        charset = params.get("charset")
    except Exception:  # a header the registry chokes on: the slower, tolerant accessors
        ctype = part.get_content_type()
        try:
            name = part.get_filename()
        except Exception:
            name = None
        disposition = (part.get_content_disposition() or "").lower()
        charset = part.get_content_charset()
    name = " ".join(str(name).split()) if name else None
    return ctype, (str(charset).lower() if charset else None), name, disposition


class _Walker:
    """Collects body text, attachment names and texts from a MIME tree."""

    def __init__(self, mail: ParsedMail) -> None:
        self.mail = mail
        self.bodies: list[str] = []

    def note(self, problem: str) -> None:
        if problem not in self.mail.problems:
            self.mail.problems.append(problem)

    def _bytes(self, part: Message) -> bytes:
        data: Any
        try:
            data = part.get_payload(decode=True)
        except Exception as e:  # a broken transfer encoding
            self.note(f"part could not be decoded: {e}")
            data = None
        if data is None:
            payload = part.get_payload()
            data = payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""
        return bytes(data)

    def _text(self, part: Message, charset: str | None) -> str:
        text, problem = decode_bytes(self._bytes(part), charset)
        if problem:
            self.note(problem)
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def walk(self, part: Message, depth: int = 0) -> None:
        if depth > _MAX_DEPTH:
            self.note("MIME nesting too deep: the innermost parts were skipped")
            return
        ctype, charset, name, disposition = _info(part)
        if ctype == "message/rfc822" and part.is_multipart():
            inner = part.get_payload(0)
            assert isinstance(inner, Message)  # multipart: parts are messages
            self.bodies.append(self._forwarded_header(inner))
            self.walk(inner, depth + 1)
            return
        if part.is_multipart():
            subparts = [p for p in part.get_payload() if isinstance(p, Message)]
            if ctype == "multipart/alternative" and subparts:
                self.walk(self._best_alternative(subparts), depth + 1)
            else:
                for sub in subparts:
                    self.walk(sub, depth + 1)
            return
        if ctype.startswith("multipart/"):
            # The parser found no boundary: the body is one blob of text.
            self.note("malformed MIME boundary: the body was read as plain text")
            self.bodies.append(self._text(part, charset))
            return
        if disposition == "attachment" or (name and not ctype.startswith("text/")):
            self._attachment(part, name or f"unnamed {ctype}", ctype, charset)
            return
        if ctype == "text/html":
            self.bodies.append(html_to_text(self._text(part, charset)))
        elif ctype.startswith("text/") and ctype not in ("text/calendar", "text/x-vcard"):
            body, quoted, signature = strip_quotes(self._text(part, charset))
            self.mail.quoted_chars += quoted
            self.mail.signature = self.mail.signature or signature
            self.bodies.append(body)
        elif name:
            self._attachment(part, name, ctype, charset)

    def _best_alternative(self, parts: list[Message]) -> Message:
        """The plain-text version when it says something, else the richest one."""
        infos = [(p, _info(p)) for p in parts]
        for p, (ctype, _, _, _) in infos:
            if ctype == "text/plain" and self._bytes(p).strip():
                return p
        for p, (ctype, _, _, _) in reversed(infos):  # RFC 2046: the last is the richest
            if ctype == "text/html" or p.is_multipart():
                return p
        return parts[-1]

    def _attachment(self, part: Message, name: str, ctype: str, charset: str | None) -> None:
        self.mail.attachments.append(name)
        text, problem = attachment_text(name, ctype, self._bytes(part), charset)
        if problem:
            self.note(problem)
        if text:
            self.mail.attachment_texts.append((name, text))

    @staticmethod
    def _forwarded_header(inner: Message) -> str:
        lines = ["---------- Forwarded message ----------"]
        for h in ("From", "Date", "Subject", "To"):
            value = _header(inner, h)
            if value:
                lines.append(f"{h}: {value}")
        return "\n".join(lines)


def mail_document(raw: bytes, meta: dict[str, Any]) -> Document:
    """One message's bytes to its ``Document`` (``meta`` says where it was found): a pure
    function, run in a worker process."""
    mail = parse_message(raw)
    return mail.to_document(message_uri(mail.message_id, raw), **meta)


def parse_message(raw: bytes) -> ParsedMail:
    """Parse one message. Never raises for bad input: problems go into ``problems``."""
    problems: list[str] = []
    if len(raw) > MAX_MESSAGE_BYTES:
        problems.append(
            f"message is {len(raw) // 2**20} MB: only its first "
            f"{MAX_MESSAGE_BYTES // 2**20} MB were read (the rest is attachment data)"
        )
        raw = raw[:MAX_MESSAGE_BYTES]
    msg: EmailMessage | None = None
    if _boundary_depth(raw, _MAX_PARSED_DEPTH) <= _MAX_PARSED_DEPTH:
        try:
            msg = email.message_from_bytes(raw, policy=POLICY)
        except RecursionError:
            msg = None
    if msg is None:  # the headers still count; the body is read as one text
        problems.append("MIME nesting too deep: the body was read as plain text")
        msg = BytesParser(policy=POLICY).parsebytes(raw, headersonly=True)
    if not msg.keys():
        problems.append("message has no headers: indexed as plain text")
    for name, value in msg.raw_items():
        if len(value) > MAX_HEADER_CHARS:
            problems.append(
                f"the {name} header is {len(value) // 1024:,} KB: only its first "
                f"{MAX_HEADER_CHARS // 1024} KB were read"
            )
    raw_headers = _raw_headers(msg)
    references: list[str] = []
    refs = raw_headers.get("references", "")
    for ident in _MSGID.findall(refs) or refs.split():  # "<a@x><b@y>" has no spaces
        ident = normalize_message_id(ident)
        if ident and ident not in references:
            references.append(ident)
    mail = ParsedMail(
        message_id=normalize_message_id(raw_headers.get("message-id")),
        subject=_header(msg, "Subject", raw_headers),
        sender=_addresses(msg, "From", raw_headers),
        to=_addresses(msg, "To", raw_headers),
        cc=_addresses(msg, "Cc", raw_headers),
        date=_date(raw_headers.get("date", "")),
        list_id=_header(msg, "List-Id", raw_headers) if "list-id" in raw_headers else "",
        in_reply_to=normalize_message_id(raw_headers.get("in-reply-to")),
        references=references,
        body="",
        problems=problems,
    )
    walker = _Walker(mail)
    try:
        walker.walk(msg)
    except Exception as e:  # the parser's own bugs on hostile input: keep what we have
        walker.note(f"part of the message could not be parsed: {type(e).__name__}: {e}")
    mail.body = "\n\n".join(b.strip() for b in walker.bodies if b.strip())
    return mail
