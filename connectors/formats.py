"""Readers for each note format: text plus the metadata the index filters on.

Markdown and Org keep the file's text as it is (citations are character spans into it);
PDF and DOCX become the text of their text layer, with Markdown-style headings for DOCX
headings so the chunker follows them. Every reader raises ``ConnectorError`` with a
reason a user understands when a file cannot be read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from charset_normalizer import from_bytes

from connectors.extract import docx_text, pdf_text
from contracts.documents import code_fence_spans
from contracts.errors import ConnectorError

__all__ = [
    "MAX_TEXT_CHARS",
    "READERS",
    "Parsed",
    "binary_reason",
    "decode_text",
    "parse_docx",
    "parse_markdown",
    "parse_org",
    "parse_pdf",
    "read_note",
]

# Text beyond this is cut (with a note in the index status): a 5-million-character file
# is an export or a log, and its first part is what a question can use.
MAX_TEXT_CHARS = 5_000_000


@dataclass(slots=True)
class Parsed:
    text: str
    title: str
    tags: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    date: float | None = None  # seconds since the epoch, from the note's own metadata
    body_start: int = 0  # where the prose starts (after front matter)
    syntax: str = "markdown"  # heading syntax for the chunker: markdown | org
    extra: dict[str, Any] = field(default_factory=dict)


# libyaml's loader when PyYAML has it (10x faster); both are the safe loader.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _NoAliasLoader(yaml.SafeLoader):
    """The safe loader without aliases: ``*a`` repeating ``&a`` nine times over nine
    levels is a few hundred bytes that unfold to billions of items (a "YAML bomb")."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("YAML aliases are not read")
        return super().compose_node(parent, index)


# Front matter is a few lines; a bigger block is read as text, not parsed.
MAX_FRONT_MATTER_CHARS = 64 * 1024
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
# A level-1 heading line; its closing hashes are cut in code (``_heading_title``): the
# one-regex form ``(.+?)[ \t]*#*[ \t]*$`` backtracks cubically on a run of spaces.
_MD_TITLE = re.compile(r"^#[ \t]+([^\n]+)$", re.MULTILINE)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
# Obsidian tags: "#" after a space or line start, at least one non-digit, nested with "/".
_TAG = re.compile(r"#(\w[\w/-]*)")  # preceded by a space or the start: checked in code
# No part of a link may hold "[": a run of "[[" then fails at once at each start instead
# of scanning to the end of the line from every one of them (quadratic). An embed's "!"
# is left out: the link's target is the same, and a pattern that starts with a literal
# "[[" is found by a fast scan (13x faster over a note than one starting with "!?").
_WIKILINK = re.compile(r"\[\[([^\[\]|#^\n]+)(?:[#^][^\[\]|\n]*)?(?:\|([^\[\]\n]+))?\]\]")


def _front_matter(block: str) -> Any:
    """The YAML of a front matter block, or None when it cannot be read safely."""
    if len(block) > MAX_FRONT_MATTER_CHARS:
        return None
    # Without an anchor ("&") there can be no alias: the fast C loader is safe then.
    loader = _NoAliasLoader if "&" in block else _YAML_LOADER
    try:
        return yaml.load(block, Loader=loader)  # both loaders are safe ones
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError):
        return None  # a broken header is still text worth finding


def _heading_title(rest: str) -> str:
    """``Title ##`` -> ``Title``: closing hashes and spaces go, one character stays."""
    return rest[: max(len(rest.rstrip(" \t").rstrip("#").rstrip(" \t")), 1)]


def _as_list(value: Any) -> list[str]:
    """Front matter allows `tags: a, b`, `tags: [a, b]` and a YAML list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in re.split(r"[,\s]+", value) if v]
    if isinstance(value, list | tuple | set):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return [str(value)]


def _clean_tag(tag: str) -> str:
    return tag.strip().lstrip("#").lower()


def _one_or_many(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _as_timestamp(value: Any) -> float | None:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return float(value.timestamp())
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC).timestamp()
    if isinstance(value, str):
        try:
            return _as_timestamp(dt.datetime.fromisoformat(value.strip()[:25]))
        except ValueError:
            return None
    return None


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def _outside_fences(text: str) -> str:
    """``text`` with its fenced code blocks blanked (a ``# line`` or ``#tag`` in code is
    neither a title nor a tag)."""
    parts, pos = [], 0
    for start, end in code_fence_spans(text):
        parts.append(text[pos:start])
        parts.append(" ")
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def parse_markdown(text: str, stem: str) -> Parsed:
    """YAML front matter, ``#tags``, ``[[wikilinks]]`` and aliases; the title is the
    front matter's, else the first ``# heading``, else the file name."""
    front: dict[str, Any] = {}
    body_start = 0
    match = _FRONT_MATTER.match(text)
    if match:
        loaded = _front_matter(match.group(1) or "")
        if isinstance(loaded, dict):
            front = {str(k).lower(): v for k, v in loaded.items()}
            body_start = match.end()
    body = text[body_start:]
    prose = _INLINE_CODE.sub(" ", _outside_fences(body))
    tags = _as_list(front.get("tags")) + _as_list(front.get("tag"))
    tags += [
        m.group(1)
        for m in _TAG.finditer(prose)
        if (m.start() == 0 or prose[m.start() - 1].isspace())
        and not m.group(1).replace("/", "").isdigit()
    ]
    links = [m.group(1).strip() for m in _WIKILINK.finditer(prose)]
    # An alias may hold spaces, so a plain string is one alias, not a list.
    aliases = [
        str(a).strip()
        for key in ("aliases", "alias")
        for a in _one_or_many(front.get(key))
        if a is not None
    ]
    title_match = _MD_TITLE.search(prose)
    title = str(front.get("title") or (_heading_title(title_match[1]) if title_match else stem))
    date = _as_timestamp(front.get("date") or front.get("created"))
    return Parsed(
        text=text,
        title=title,
        tags=_unique([_clean_tag(t) for t in tags]),
        aliases=_unique(aliases),
        links=_unique(links),
        date=date,
        body_start=body_start,
    )


# Whole lines, their parts cut in code: one regex per part backtracks on runs of spaces.
_ORG_KEYWORD = re.compile(r"^#\+(\w+):([^\n]*)$", re.MULTILINE)
_ORG_HEADING = re.compile(r"^\*+[ \t]([^\n]*)$", re.MULTILINE)
_ORG_TAGS = re.compile(r":([\w@#%:]+):")
_ORG_LINK = re.compile(r"\[\[(?:file:)?([^\[\]\n]+)\](?:\[[^\[\]]*\])?\]")
_ORG_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


def _org_heading_tags(rest: str) -> list[str]:
    """The ``:a:b:`` group at the end of a heading line (after its stars and one space)."""
    line = rest.rstrip(" \t")
    cut = max(line.rfind(" "), line.rfind("\t"))
    m = _ORG_TAGS.fullmatch(line, cut + 1) if cut >= 0 else None
    return m.group(1).split(":") if m else []


def parse_org(text: str, stem: str) -> Parsed:
    """``#+TITLE``, ``#+FILETAGS``, ``#+DATE``, heading ``:tags:`` and ``[[links]]``."""
    keywords = {k.lower(): v.strip(" \t") for k, v in _ORG_KEYWORD.findall(text)}
    tags = _as_list(keywords.get("filetags", "").replace(":", " "))
    headings = [m.group(1) for m in _ORG_HEADING.finditer(text)]
    for rest in headings:
        tags += _org_heading_tags(rest)
    first = next((h.strip(" \t") for h in headings if h.strip(" \t")), "")
    title = keywords.get("title") or first or stem
    date_match = _ORG_DATE.search(keywords.get("date", ""))
    return Parsed(
        text=text,
        title=title,
        tags=_unique([_clean_tag(t) for t in tags]),
        links=_unique([m.strip() for m in _ORG_LINK.findall(text)]),
        date=_as_timestamp(date_match.group(1)) if date_match else None,
        syntax="org",
    )


def parse_pdf(data: bytes, stem: str, *, max_chars: int = MAX_TEXT_CHARS) -> Parsed:
    """The PDF's text layer, page by page; ``extra["pages"]`` holds each page's start."""
    out = pdf_text(data, max_chars=max_chars)
    if not out.text.strip():
        raise ConnectorError("the PDF has no text layer (a scan?); nothing to index")
    extra: dict[str, Any] = {"pages": out.pages}
    if out.note:
        extra["note"] = out.note
    return Parsed(text=out.text, title=out.title or stem, extra=extra)


def parse_docx(data: bytes, stem: str, *, max_chars: int = MAX_TEXT_CHARS) -> Parsed:
    """Paragraphs and tables in order; ``Heading N`` styles become ``#`` headings."""
    out = docx_text(data, max_chars=max_chars)
    return Parsed(
        text=out.text,
        title=out.title or out.first_heading or stem,
        tags=_unique([_clean_tag(t) for t in _as_list(out.keywords)]),
        date=out.created,
        extra={"note": out.note} if out.note else {},
    )


def decode_text(data: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM) first, then a detected charset.

    Line endings are normalised to ``\\n`` so character spans are stable."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        text = str(best) if best is not None else data.decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-32 LE's BOM starts as UTF-16 LE's
# Characters text does not hold: C0 controls other than tab, line and page breaks and ESC
# (terminal colours in a saved log), DEL, and the replacement character of bytes that
# decode as nothing.
_NOT_TEXT = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f\ufffd]")
_SAMPLE_CHARS = 65_536
_MAX_NOT_TEXT = 0.02  # real text, even a damaged one, has almost none


def binary_reason(data: bytes, text: str | None = None) -> str | None:
    """Why ``data`` (named as a text note) is not text, or None when it is: NUL bytes
    (outside UTF-16/32), or, decoded, more than 2 % characters text never holds."""
    if not data.startswith(_UTF16_32_BOMS) and b"\x00" in data:
        return "binary data, not text (it holds NUL bytes): not indexed"
    sample = (decode_text(data[: _SAMPLE_CHARS * 2]) if text is None else text)[:_SAMPLE_CHARS]
    if sample and len(_NOT_TEXT.findall(sample)) > _MAX_NOT_TEXT * len(sample):
        return "binary data, not text (control and undecodable bytes): not indexed"
    return None


def _text_reader(parse: Callable[[str, str], Parsed]) -> Callable[[bytes, str], Parsed]:
    def read(data: bytes, stem: str) -> Parsed:
        text = decode_text(data) if b"\x00" not in data or data.startswith(_UTF16_32_BOMS) else ""
        reason = binary_reason(data, text)
        if reason:
            raise ConnectorError(reason)
        return parse(text, stem)

    return read


def _plain(text: str, stem: str) -> Parsed:
    match = _MD_TITLE.search(text)
    return Parsed(text=text, title=_heading_title(match[1]) if match else stem)


# suffix -> reader(bytes, file stem)
READERS: dict[str, Callable[[bytes, str], Parsed]] = {
    ".md": _text_reader(parse_markdown),
    ".markdown": _text_reader(parse_markdown),
    ".txt": _text_reader(_plain),
    ".org": _text_reader(parse_org),
    ".pdf": parse_pdf,
    ".docx": parse_docx,
}


def read_note(path: Path, data: bytes, *, max_chars: int = MAX_TEXT_CHARS) -> Parsed:
    """Read one note by its suffix; text past ``max_chars`` is cut, with a note saying so."""
    parsed = READERS[path.suffix.lower()](data, path.stem)
    if len(parsed.text) > max_chars:
        parsed.extra["note"] = (
            f"capped: only the first {max_chars:,} of {len(parsed.text):,} characters "
            "are searchable"
        )
        parsed.text = parsed.text[:max_chars]
    return parsed
