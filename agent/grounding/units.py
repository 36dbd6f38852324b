"""Passages cut into the pieces an answer can quote: sentences, list items, table rows.

A unit keeps its exact span in the document (the passage's own start plus its offset),
so a quote is a citation that opens the note at those characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from agent.index.hits import Hit

__all__ = ["Unit", "units_of"]

MAX_UNIT = 400  # a longer sentence is cut at a clause so a quote stays readable
_MIN_UNIT = 3

# A line of its own: a list item, a table row, a definition ("Deposit: 300 euros").
_LINE_ITEM = re.compile(
    r"^[ \t]*(?:[-*+•][ \t]+|\d{1,3}[.)][ \t]+|\|)"
    r"|^[^\W\d_][\w /'’-]{0,30}:[ \t]+\S"  # a field: "Deposit: 300 €", "Subject: Re: …"
    r"|\S[ \t]+\|[ \t]+\S"  # a table row written without its outer bars
)
# A line that introduces what follows ("Varieties this year:"): quoted with its list.
_LEAD_IN = re.compile(r":[ \t]*$")
_MAX_LIST = 400
_QUOTED_LINE = re.compile(r"^[ \t]*>")
_QUOTE_MARKS = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.MULTILINE)
_HEADING_LINE = re.compile(r"^[ \t]*(?:#{1,6}[ \t]|\*{1,6}[ \t])", re.M)
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}")
# Sentence ends: Latin, Arabic and CJK punctuation; not inside "Dr." / "7.40" / "e.g.".
_SENTENCE_END = re.compile(
    r"(?<=[.!?؟。！？])(?<!\b[A-Z]\.)(?<!\b(?:Dr|Mr|Ms|St|vs|No|Nr)\.)(?<!\be\.g\.)(?<!\bi\.e\.)\s+|(?<=[。！？])"
)
_FRONT_MATTER = re.compile(r"\A---\n.*?\n(?:---|\.\.\.)\n", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Unit:
    hit: Hit
    rank: int  # the passage's place in retrieval, from 0
    text: str
    start: int  # into the document
    end: int
    in_list: bool  # a list item or table row: its neighbours belong with it
    quoted: bool = False  # a quoted line of an earlier mail ("> …"): maybe out of date

    @property
    def context(self) -> str:
        """What the unit is about beyond its own words: its note and section."""
        return f"{self.hit.title} {self.hit.heading_path}"

    @property
    def embedding_text(self) -> str:
        """The unit as the embedding model reads it: with its section, or for a mail
        (which has no headings) its subject, so that "330 € in total" is about the cat."""
        where = self.hit.heading_path or self.hit.title
        return f"{where}: {self.text}" if where else self.text


def _clean(text: str) -> str:
    text = re.sub(r"^[ \t]*(?:[-*+•]|\d{1,3}[.)])[ \t]+", "", text)
    text = re.sub(r"^\[[ xX]\][ \t]+", "", text)  # task list boxes
    text = text.strip().strip("|").strip()
    return re.sub(r"[ \t]*\|[ \t]*", " | ", text)


def _sentences(text: str, offset: int) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > pos:
            spans.append((offset + pos, offset + m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append((offset + pos, offset + len(text)))
    out = []
    for s, e in spans:
        while e - s > MAX_UNIT:  # a run-on sentence: cut at the last clause mark
            piece = text[s - offset : s - offset + MAX_UNIT]
            cut = max(piece.rfind("; "), piece.rfind(", "), piece.rfind("، "), piece.rfind(" "))
            cut = cut + 1 if cut > MAX_UNIT // 3 else MAX_UNIT
            out.append((s, s + cut))
            s += cut
        out.append((s, e))
    return out


def _blocks(text: str, pos: int) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each paragraph, list item or quoted paragraph from ``pos``
    on: a hard-wrapped paragraph is one block, an indented line continues its item."""
    blocks: list[tuple[int, int, str]] = []
    current: list[Any] | None = None  # [start, end, kind]
    for line in text[pos:].splitlines(keepends=True):
        start, pos = pos, pos + len(line)
        body = line.rstrip("\n")
        bare = _QUOTE_MARKS.sub("", body)
        if not bare.strip() or _HEADING_LINE.match(bare) or _TABLE_RULE.match(bare):
            current = None
            continue
        kind = (
            "quoted" if _QUOTED_LINE.match(body) else "item" if _LINE_ITEM.search(body) else "text"
        )
        if current is not None and (
            (kind == "text" and current[2] == "text")
            or (kind == "text" and current[2] == "item" and body[:1] in " \t")
            or (kind == "quoted" and current[2] == "quoted" and not _LINE_ITEM.search(bare))
        ):
            current[1] = start + len(body)
            blocks[-1] = (current[0], current[1], current[2])
            continue
        current = [start, start + len(body), kind]
        blocks.append((start, start + len(body), kind))
    return blocks


def units_of(hits: list[Hit]) -> list[Unit]:
    """Every quotable unit of the passages, in passage then reading order. A line that
    introduces a list ("Varieties this year:") is quoted with the list it introduces."""
    units: list[Unit] = []
    for rank, hit in enumerate(hits):
        text = hit.text
        skip = _FRONT_MATTER.match(text)
        blocks = _blocks(text, skip.end() if skip else 0)
        for n, (b_start, b_end, kind) in enumerate(blocks):
            block = text[b_start:b_end]
            item = kind == "item"
            if kind == "text" and _LEAD_IN.search(block):
                end = _list_end(blocks, n)
                if end > b_end and (listed := _unit(hit, rank, b_start, end, True, False)):
                    units.append(listed)
                    continue
            prev_end = blocks[n - 1][1] if n else (skip.end() if skip else 0)
            heading = _HEADING_LINE.search(text, prev_end, b_start)
            # A passage cut at its heading starts with the list: the heading is its title.
            title = hit.heading_path.split(" > ")[-1].strip() if n == 0 and not heading else ""
            if item and (n == 0 or blocks[n - 1][2] != "item") and (heading or title):
                # A list right under its heading ("## Packing" then items) answers as a
                # whole, heading first ("What should I pack?"), besides item by item.
                end = _list_end(blocks, n)
                listed = (
                    _unit(hit, rank, heading.end(), end, True, False, lead=True)
                    if heading
                    else _unit(hit, rank, b_start, end, True, False, title=title)
                )
                if end > b_end and listed:
                    units.append(listed)
            spans = [(b_start, b_end)] if item else _sentences(block, b_start)
            for s, e in spans:
                unit = _unit(hit, rank, s, e, item, kind == "quoted")
                if unit is not None:
                    units.append(unit)
    return units


def _list_end(blocks: list[tuple[int, int, str]], n: int) -> int:
    """Where the run of list items after ``blocks[n]`` ends (within ``_MAX_LIST``)."""
    start, end = blocks[n][0], blocks[n][1]
    for _, nb_end, nkind in blocks[n + 1 :]:
        if nkind != "item" or nb_end - start > _MAX_LIST:
            break
        end = nb_end
    return end


def _unit(
    hit: Hit,
    rank: int,
    s: int,
    e: int,
    in_list: bool,
    quoted: bool,
    *,
    lead: bool = False,
    title: str = "",
) -> Unit | None:
    """The unit of ``hit.text[s:e]``; ``lead``: its first line introduces the list;
    ``title``: the heading above the passage, which introduces it instead."""
    raw = hit.text[s:e]
    lead_space = len(raw) - len(raw.lstrip())
    raw = raw.strip()
    lines = [_clean(_QUOTE_MARKS.sub("", line)) for line in raw.splitlines()]
    if in_list:
        parts = [" ".join(line.split()) for line in lines if line.strip()]
        if title:
            parts.insert(0, title)
        if (lead or title) and parts:
            parts[0] = parts[0].rstrip(":") + ":"
        cleaned = "; ".join(parts).replace(":; ", ": ")
    else:
        cleaned = _clean(" ".join(_QUOTE_MARKS.sub("", raw).split()))
    if len(cleaned) < _MIN_UNIT:
        return None
    start = hit.start + s + lead_space
    return Unit(hit, rank, cleaned, start, start + len(raw), in_list, quoted)
