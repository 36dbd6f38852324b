"""Text out of mail parts: charsets (declared, mislabelled, unknown), HTML, quoted replies
and signatures, and text-like attachments (plain, PDF, DOCX)."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from connectors.extract import docx_text, pdf_text
from connectors.mail.html import html_to_text as _html_to_text
from contracts.errors import ConnectorError

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "MAX_ATTACHMENT_CHARS",
    "attachment_text",
    "decode_bytes",
    "html_to_text",
    "strip_quotes",
]

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # bigger attachments keep their name, not their text
MAX_ATTACHMENT_CHARS = 200_000

# Labels seen in real mail that Python does not know, or knows as a narrower charset.
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "ks_c_5601-1987": "cp949",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "x-mac-arabic": "mac-arabic",
    "windows-874": "cp874",
    "x-sjis": "shift_jis",
    "unicode-1-1-utf-7": "utf-7",
    "ansi_x3.4-1968": "ascii",
}
# Labels so often wrong that valid UTF-8 bytes under them are really UTF-8.
_WEAK_LABELS = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252", "iso8859-15"})


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_bytes(data: bytes, label: str | None) -> tuple[str, str | None]:
    """Decode a part's bytes; returns (text, problem) where problem says what was wrong
    with the declared charset, or None when it was right."""
    codec = _codec(label)
    problem: str | None
    if codec is None or codec in _WEAK_LABELS or codec == "utf-8":
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError:
            pass
    if codec is not None:
        try:
            return data.decode(codec), None
        except UnicodeDecodeError:
            problem = f"text is not valid {label}: decoded by detection"
    else:
        problem = f"unknown charset {label!r}: decoded by detection" if label else None
    best = from_bytes(data).best() if data else None
    if best is not None:
        return str(best), problem
    return data.decode(codec or "utf-8", errors="replace"), (
        f"undecodable text (charset {label or 'not given'}): unreadable bytes replaced"
    )


_BLANKS = re.compile(r"\n{3,}")


def html_to_text(html: str) -> str:
    """HTML mail to clean text: no tags, styles, scripts, link targets, images or hidden
    text (see connectors/mail/html.py)."""
    try:
        text = _html_to_text(html)
    except Exception:  # the parser is tolerant, but a crash must not lose the message
        text = re.sub(r"<[^>]+>", " ", html)
    return _BLANKS.sub("\n\n", text).strip()


# Attribution lines that introduce a quoted reply, in the languages we meet most.
_ATTRIBUTION = re.compile(
    r"^(On\s.{4,300}?wrote:|Le\s.{4,300}?a écrit\s?:|Am\s.{4,300}?schrieb.{0,100}:|"
    r"El\s.{4,300}?escribió:|Il\s.{4,300}?ha scritto:|في\s.{4,300}?كتب.{0,100}:|"
    r".{0,200}<[^>\s]+@[^>\s]+>\s?(wrote|كتب):)\s*$",
    re.IGNORECASE | re.DOTALL,
)
# Outlook and friends put the original below a separator and a From: line.
_ORIGINAL = re.compile(
    r"^(-{2,}\s?(Original Message|Ursprüngliche Nachricht|Message d'origine|"
    r"الرسالة الأصلية)\s?-{2,}|_{20,})\s*$",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^-- ?$")
_MOBILE_SIGNATURE = re.compile(r"^Sent from my \w+", re.IGNORECASE)


def strip_quotes(text: str) -> tuple[str, int, str]:
    """Remove quoted replies and the signature so search does not drown in repeats.

    Returns (new text, characters of quoted text removed, signature). Inline answers
    between quoted lines are kept; forwarded messages are not quotes and stay."""
    lines = text.split("\n")
    kept: list[str] = []
    quoted = 0
    signature = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if _SIGNATURE.match(line) or _MOBILE_SIGNATURE.match(stripped):
            rest = "\n".join(lines[i:])
            # A signature is short; a long tail after "-- " is more likely content.
            if len(rest) < 1200 or _MOBILE_SIGNATURE.match(stripped):
                signature = rest.strip()
                break
        if _ORIGINAL.match(stripped):
            quoted += len("\n".join(lines[i:]))
            break
        if stripped.startswith(">"):
            quoted += len(line) + 1
            i += 1
            continue
        # "On Tue, Sara wrote:" (possibly wrapped over two lines) right before a quote.
        # Every attribution ends with a colon: other lines skip the look-ahead.
        for span in (1, 2):
            last = lines[i + span - 1] if i + span <= len(lines) else ""
            if not last.rstrip().endswith(":"):
                continue
            head = " ".join(x.strip() for x in lines[i : i + span])
            nxt = next((x for x in lines[i + span :] if x.strip()), "")
            if _ATTRIBUTION.match(head) and nxt.lstrip().startswith(">"):
                quoted += len(head)
                i += span
                break
        else:
            kept.append(line)
            i += 1
    out = "\n".join(kept).strip()
    return _BLANKS.sub("\n\n", out), quoted, signature


_TEXT_SUFFIXES = (".txt", ".md", ".csv", ".log", ".ics", ".vcf", ".json", ".xml", ".org")
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment_text(
    name: str, content_type: str, data: bytes, charset: str | None
) -> tuple[str, str | None]:
    """The text of a text-like attachment; returns (text, problem). Other kinds give
    ("", None): their name alone is indexed."""
    lower = name.lower()
    is_pdf = content_type == "application/pdf" or lower.endswith(".pdf")
    is_docx = content_type == _DOCX or lower.endswith(".docx")
    is_text = content_type.startswith("text/") or lower.endswith(_TEXT_SUFFIXES)
    if not (is_pdf or is_docx or is_text):
        return "", None
    if len(data) > MAX_ATTACHMENT_BYTES:
        return "", (
            f"attachment {name!r} is {len(data) // 2**20} MB: its name is indexed, "
            f"its text is not (limit {MAX_ATTACHMENT_BYTES // 2**20} MB)"
        )
    try:
        if is_pdf or is_docx:
            text = (pdf_text if is_pdf else docx_text)(data, max_chars=MAX_ATTACHMENT_CHARS).text
        else:
            text, _ = decode_bytes(data, charset)
            if content_type == "text/html" or lower.endswith((".html", ".htm")):
                text = html_to_text(text)
    except ConnectorError as e:  # a damaged file must not cost the message its other parts
        return "", f"attachment {name!r} could not be read: {e.message}"[:300]
    except MemoryError:
        raise  # the worker's memory limit: reported as such by the pool
    except Exception as e:
        return "", f"attachment {name!r} could not be read: {type(e).__name__}: {e}"[:300]
    return text[:MAX_ATTACHMENT_CHARS].strip(), None
