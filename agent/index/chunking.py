"""Cut a document into passages that follow its structure.

Each chunk keeps the heading path it sits under and its exact ``[start, end)`` span in
the document's text, so a citation can open the note at the passage.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from contracts.documents import code_fence_spans

__all__ = ["MAX_CHARS", "OVERLAP_CHARS", "Piece", "chunk_text", "headings"]

MAX_CHARS = 800  # small enough that three passages fit a tiny model's prompt
OVERLAP_CHARS = 160  # the tail carried into the next chunk so no fact is cut in two

# A heading line; its title is cut out in code (``_markdown_title``, ``_org_title``): the
# one-regex form, ``(.+?)[ \t]*#*[ \t]*$``, backtracks cubically on a long run of spaces.
_HEADING_LINE = {
    "markdown": re.compile(r"^(#{1,6})[ \t]+([^\n]+)$", re.MULTILINE),
    "org": re.compile(r"^(\*{1,6})[ \t]+([^\n]+)$", re.MULTILINE),
}
_ORG_TAGS = re.compile(r":[\w@#%:]+:")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
_SENTENCE_END = re.compile(r"(?<=[.!?؟。！？])\s+")


@dataclass(frozen=True, slots=True)
class Piece:
    text: str
    heading_path: str
    start: int
    end: int


def _markdown_title(rest: str) -> str:
    """``# Title ##`` -> ``Title``: the optional closing hashes and spaces go; at least
    one character stays."""
    end = len(rest.rstrip(" \t").rstrip("#").rstrip(" \t"))
    return rest[: max(end, 1)]


def _org_title(rest: str) -> str:
    """``* Title  :tag1:tag2:`` -> ``Title``: trailing tags and spaces go."""
    title = rest.rstrip(" \t")
    if not title:
        return rest[:1]
    cut = max(title.rfind(" "), title.rfind("\t"))
    if cut > 0 and _ORG_TAGS.fullmatch(title, cut + 1):
        return title[:cut].rstrip(" \t")
    return title


_TITLE = {"markdown": _markdown_title, "org": _org_title}


def headings(text: str, start: int = 0, syntax: str = "markdown") -> Iterator[tuple[int, int, str]]:
    """(offset, level, title) of each heading line of ``text[start:]``, read in ``syntax``
    (``markdown`` or ``org``); linear in the length of the text. In Markdown, a ``# line``
    inside a fenced code block is code, not a heading."""
    title_of = _TITLE.get(syntax, _markdown_title)
    fences = iter(code_fence_spans(text, start) if syntax == "markdown" else ())
    fence = next(fences, None)
    for m in _HEADING_LINE.get(syntax, _HEADING_LINE["markdown"]).finditer(text, start):
        while fence is not None and fence[1] <= m.start():
            fence = next(fences, None)
        if fence is not None and fence[0] <= m.start():
            continue  # inside a code block
        yield m.start(), len(m.group(1)), title_of(m.group(2))


def _sections(
    text: str, start: int = 0, syntax: str = "markdown"
) -> Iterator[tuple[str, int, int]]:
    """Yield (heading path, start, end) for each run of text under one heading."""
    trail: list[tuple[int, str]] = []
    pos = start
    path = ""
    for at, level, title in headings(text, start, syntax):
        if at > pos:
            yield path, pos, at
        trail = [(lv, t) for lv, t in trail if lv < level] + [(level, title)]
        path = " > ".join(t for _, t in trail)
        pos = at  # the heading line belongs to its own section
    if pos < len(text):
        yield path, pos, len(text)


def _spans(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Split text[start:end] at ``pattern``, returning the non-blank spans."""
    spans = []
    pos = start
    for m in pattern.finditer(text, start, end):
        if text[pos : m.start()].strip():
            spans.append((pos, m.start()))
        pos = m.end()
    if text[pos:end].strip():
        spans.append((pos, end))
    return spans


def _units(text: str, start: int, end: int, max_chars: int) -> Iterator[tuple[int, int]]:
    """Paragraphs, or sentences of an oversized paragraph, or hard cuts as a last resort."""
    for p_start, p_end in _spans(text, start, end, _PARAGRAPH_BREAK):
        if p_end - p_start <= max_chars:
            yield p_start, p_end
            continue
        for s_start, s_end in _spans(text, p_start, p_end, _SENTENCE_END):
            while s_end - s_start > max_chars:
                cut = text.rfind(" ", s_start, s_start + max_chars)
                cut = cut if cut > s_start else s_start + max_chars
                yield s_start, cut
                s_start = cut
            yield s_start, s_end


def chunk_text(
    text: str,
    max_chars: int = MAX_CHARS,
    overlap: int = OVERLAP_CHARS,
    *,
    start: int = 0,
    syntax: str = "markdown",
) -> list[Piece]:
    """Passages of ``text[start:]`` (``start`` skips front matter), headings read in
    ``syntax`` (``markdown`` or ``org``); spans index into the whole ``text``."""
    pieces: list[Piece] = []
    for path, sec_start, sec_end in _sections(text, start, syntax):
        units = list(_units(text, sec_start, sec_end, max_chars))
        i = 0
        while i < len(units):
            start, end = units[i]
            j = i + 1
            while j < len(units) and units[j][1] - start <= max_chars:
                end = units[j][1]
                j += 1
            body = text[start:end].strip()
            if body:
                # Shrink the span to the stripped text so the citation is exact.
                lead = len(text[start:end]) - len(text[start:end].lstrip())
                pieces.append(Piece(body, path, start + lead, start + lead + len(body)))
            # Carry the last unit over when it is short, so context spans the seam.
            if j < len(units) and j - 1 > i and units[j - 1][1] - units[j - 1][0] <= overlap:
                i = j - 1
            else:
                i = j
    return pieces
