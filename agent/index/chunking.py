"""Cut a document into passages that follow its structure.

Each chunk keeps the heading path it sits under and its exact ``[start, end)`` span in
the document's text, so a citation can open the note at the passage.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from contracts.documents import code_fence_spans

__all__ = ["HEADINGS", "MAX_CHARS", "OVERLAP_CHARS", "Piece", "chunk_text"]

MAX_CHARS = 800  # small enough that three passages fit a tiny model's prompt
OVERLAP_CHARS = 160  # the tail carried into the next chunk so no fact is cut in two

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
# Org headings: stars, then the title, then optional :tags: (not part of the title).
_ORG_HEADING = re.compile(r"^(\*{1,6})[ \t]+(.+?)(?:[ \t]+:[\w@#%:]+:)?[ \t]*$", re.MULTILINE)
HEADINGS = {"markdown": _HEADING, "org": _ORG_HEADING}
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
_SENTENCE_END = re.compile(r"(?<=[.!?؟。！？])\s+")


@dataclass(frozen=True, slots=True)
class Piece:
    text: str
    heading_path: str
    start: int
    end: int


def _sections(
    text: str, start: int = 0, heading: re.Pattern[str] = _HEADING
) -> Iterator[tuple[str, int, int]]:
    """Yield (heading path, start, end) for each run of text under one heading. In
    Markdown, a ``# line`` inside a fenced code block is code, not a heading."""
    trail: list[tuple[int, str]] = []
    pos = start
    path = ""
    fences = iter(code_fence_spans(text, start) if heading is _HEADING else ())
    fence = next(fences, None)
    for m in heading.finditer(text, start):
        while fence is not None and fence[1] <= m.start():
            fence = next(fences, None)
        if fence is not None and fence[0] <= m.start():
            continue  # inside a code block
        if m.start() > pos:
            yield path, pos, m.start()
        level = len(m.group(1))
        trail = [(lv, title) for lv, title in trail if lv < level] + [(level, m.group(2))]
        path = " > ".join(title for _, title in trail)
        pos = m.start()  # the heading line belongs to its own section
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
    heading = HEADINGS.get(syntax, _HEADING)
    for path, sec_start, sec_end in _sections(text, start, heading):
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
