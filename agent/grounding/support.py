"""The support check: is every fact a generated answer states in the passages it was given?

Times, dates, amounts and other numbers, codes, names and quoted terms are compared by
key (``facts.Fact.key``) after Arabic/Unicode folding; a negation must be in the passage
that backs the answer; an answer whose words are mostly not in the passages, that only
repeats the question or the prompt, or is a bare citation marker, is not an answer.
The model's own citations are never trusted: support is looked up in the passages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from agent.grounding.facts import Fact, asks_for, facts, fold, has_kind, negated
from agent.grounding.units import Unit, units_of
from agent.index.hits import Hit
from agent.index.query import STOPWORDS
from agent.prompting import passage_label

__all__ = ["Support", "check"]

_BLOCK_HEAD = re.compile(r"^\[\d+\]\s*")
SupportStatus = Literal["supported", "unsupported", "abstained", "empty"]

# Citation markers and the prompt's own framing (<passage n="1">): never facts.
_MARKERS = re.compile(r"\[\^?\d{1,2}\]|【\d+】|</?[a-zA-Z][^<>\n]{0,200}>")
_WORD = re.compile(r"[^\W_]+")
_ABSTAINS = re.compile(
    r"\b(?:(?:the )?notes? (?:do|does|did)(?: not|n't) (?:say|mention|contain|include|specify|"
    r"state|tell)|(?:is|are) not (?:mentioned|specified|stated|given|in the notes)|"
    r"no (?:information|mention|details?)|(?:i )?(?:do not|don't|cannot|can't) (?:know|find|"
    r"tell|say)|not (?:found|provided|available) in (?:the|your) notes|there is nothing)\b|"
    r"لا (?:تذكر|يذكر|تقول|تحتوي|تتضمن|أعرف|اعرف|توجد معلومات|يوجد)|"
    r"لم (?:تذكر|يذكر|يرد|ترد|أجد|اجد)|"
    r"ليس(?:ت)? (?:في|ب) (?:الملاحظات|ملاحظاتك)",
    re.IGNORECASE,
)
# Code and links are not claims about the notes: the share of known words is of the prose.
_PROSE_ONLY = re.compile(r"```.*?(?:```|$)|`[^`\n]*`|\b\w+://\S+", re.DOTALL)
_UNSUPPORTED_SHARE = 0.5  # an answer whose words are mostly not in the passages


@dataclass(frozen=True, slots=True)
class Support:
    status: SupportStatus
    unsupported: list[Fact] = field(default_factory=list)  # facts not in the passages
    units: list[Unit] = field(default_factory=list)  # the units that back the answer
    word_share: float = 0.0  # share of the answer's words found in the passages
    why: str = ""  # for "unsupported" and "empty": what was wrong, in words

    @property
    def hit_support(self) -> dict[int, int]:
        """chunk id -> how many backing units it holds (orders the sources)."""
        counts: dict[int, int] = {}
        for u in self.units:
            counts[u.hit.chunk_id] = counts.get(u.hit.chunk_id, 0) + 1
        return counts


def _stems(text: str) -> list[str]:
    return [w[:5] for w in _WORD.findall(fold(text)) if w not in STOPWORDS and len(w) > 1]


def _share(words: Sequence[str], pool: set[str]) -> float:
    return sum(w in pool for w in words) / len(words) if words else 0.0


def _similar(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' words, function words included."""
    wa, wb = set(_WORD.findall(fold(a))), set(_WORD.findall(fold(b)))
    return len(wa & wb) / len(wa | wb) if wa | wb else 1.0


def _fact_found(fact: Fact, keys: dict[str, set[str]], folded: str, words: set[str]) -> bool:
    if fact.kind == "name":
        return all(any(w.startswith(part[:5]) for w in words) for part in fact.key.split())
    if fact.kind == "code":
        return fact.key in folded or fact.key in keys["code"]
    if fact.kind in ("quote", "link"):
        return fact.key in folded
    if fact.kind == "date" and fact.key.startswith("month "):
        month = fact.key.split()[1]
        return fact.key in keys["date"] or any(k.endswith(f"/{month}") for k in keys["date"])
    if fact.kind == "number":
        return fact.key in keys["number"] or fact.key in keys["loose"]
    return fact.key in keys[fact.kind]


def _keys(found: list[Fact]) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {
        k: set() for k in ("time", "date", "number", "code", "name", "quote", "link", "loose")
    }
    for f in found:
        keys[f.kind].add(f.key)
        if f.kind == "time":  # "at 7" is backed by "7:40"; "19:00" by "7 pm"
            hour = int(f.key.split(":")[0])
            keys["loose"] |= {str(hour), str(hour % 12 or 12)}
        elif f.kind == "date" and "/" in f.key:
            day, month = f.key.split("/")
            keys["loose"] |= {day}
            keys["date"].add(f"month {month}")
        elif f.kind == "code":
            keys["loose"] |= set(re.findall(r"\d+", f.key))
        elif f.kind == "number" and " " in f.key:  # "12 euros" backs a bare "12"
            keys["loose"].add(f.key.split()[0])
    return keys


# What a question can ask for that an answer must then state: "When…?" answered with no
# time or date ("on Christmas Day") does not answer it.
_MEASURES = frozenset({"time", "date", "amount", "number"})


def check(
    answer: str,
    question: str,
    hits: Sequence[Hit],
    *,
    prompt: str = "",
    answering: Sequence[Unit] = (),
) -> Support:
    """How far ``answer`` is backed by ``hits`` (the passages the model was given).
    ``answering``: the units found to answer the question (``extract``), when known: a
    "yes" must not contradict them."""
    text = _MARKERS.sub(" ", answer).strip()
    mine = _stems(_PROSE_ONLY.sub(" ", text))
    if not mine and not facts(text):
        return Support("empty", why="the answer has no words")
    if _ABSTAINS.search(text):
        return Support("abstained")
    # A passage's block as the prompt gave it: "[n] file.md — Heading" over the text. The
    # copy need not be exact: SmolLM2 wrote "[4] birthday.md — Birthdays > Grandpa" for
    # the third passage, "birthdays.md — Birthdays > Grandpa".
    first = answer.strip().split("\n", 1)[0].strip()
    head = _BLOCK_HEAD.match(first)
    if head and any(_similar(first[head.end() :], passage_label(h)) >= 0.6 for h in hits):
        return Support("empty", why="the answer repeats the notes as they were given")
    asked = set(_stems(question))
    if _similar(text, question) >= 0.8:
        return Support("empty", why="the answer repeats the question")
    if prompt and _share(mine, set(_stems(prompt))) >= 0.7:
        return Support("empty", why="the answer repeats the instructions")
    units = units_of(list(hits))
    source = "\n".join(h.text for h in hits)
    pool = set(_stems(source)) | asked
    keys = _keys(facts(source) + facts(question))
    folded = fold(source + "\n" + question)
    words = set(_WORD.findall(folded))
    stated = facts(text)
    unsupported = [f for f in stated if not _fact_found(f, keys, folded, words)]
    share = _share(mine, pool)
    backing = _backing(text, stated, units)
    wanted = asks_for(question)
    why = ""
    if unsupported:
        why = "not in your notes: " + ", ".join(f.text for f in unsupported)
    elif (len(mine) >= 4 and share < _UNSUPPORTED_SHARE) or (len(mine) >= 2 and not share):
        why = "most of its words are not in your notes"
    elif negated(text) and backing and not any(negated(u.text) for u in backing):
        why = "it says “not” where your notes do not"
    elif (
        "yesno" in wanted
        and (polar := list(answering) or backing)
        and not negated(text)
        and all(negated(u.text) for u in polar)
    ):  # "Yes, lunch is included" from "lunch is not included" (measured: a 0.5B model)
        why = "your notes say “not” where it does not"
    elif wanted and wanted <= _MEASURES and not has_kind(text, wanted):
        why = "it does not give the " + " or ".join(sorted(wanted)) + " you asked for"
    if why:
        return Support("unsupported", unsupported, backing, share, why)
    return Support("supported", [], backing, share)


def _backing(text: str, stated: list[Fact], units: list[Unit]) -> list[Unit]:
    """The units that hold the answer's facts, else the one sharing most of its words."""
    out: list[Unit] = []
    unit_keys = [(u, _keys(facts(u.text)), fold(u.text)) for u in units]
    for fact in stated:
        for unit, keys, folded in unit_keys:
            words = set(_WORD.findall(folded))
            if _fact_found(fact, keys, folded, words) and unit not in out:
                out.append(unit)
                break
    if not out and units:
        mine = set(_stems(text))
        best = max(units, key=lambda u: len(mine & set(_stems(u.text))))
        if mine & set(_stems(best.text)):
            out.append(best)
    return out
