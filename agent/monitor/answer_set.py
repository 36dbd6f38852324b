"""The questions an evaluation asks, with what a right answer must hold.

Two sets. **Yours**: the answers you gave feedback on — "the right answer is …" is what
an answer must hold; a 👍 answer's key facts (its numbers, codes and names) are; a 👎
without the right answer cannot be scored and is left out. **Shipped**: the
answer-quality set (a note vault, a mailbox and questions with known answers, built as
its README says), asked against its own corpus indexed in a throw-away home.

The shipped set travels with the app: the installer bundles it (installer/fanous.spec:
``answer_quality/`` beside the app), and a checkout reads it where it is kept,
``tests/bench/answer_quality/`` — one copy, as ``resources/`` is found.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from agent.monitor.feedback import Feedback
from agent.normalize import normalize_arabic

__all__ = [
    "DEFAULT_SHIPPED",
    "SHORT_SHIPPED",
    "EvalQuestion",
    "fold",
    "holds",
    "key_facts",
    "shipped_dir",
    "shipped_questions",
    "your_questions",
]

DEFAULT_SHIPPED = 24  # shipped questions a run asks each model (spread over the set)
SHORT_SHIPPED = 12  # those an update gate asks each version, beside your own
_SEPARATORS = str.maketrans({"٫": ".", "٬": ","})  # Arabic decimal and thousands marks
_ASCII_WORD = re.compile(r"[0-9A-Za-z]")
_TOKEN = re.compile(r"\S+")
_PUNCTUATION = ".,;:!?()[]\"'«»“”*_`"


def fold(text: str) -> str:
    """The form answers and expected facts are compared in: Unicode compatibility forms,
    case, Arabic spelling variants and digits (the index's own folding), Arabic number
    separators and runs of whitespace (notes and mail are line-wrapped)."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_SEPARATORS)
    return " ".join(normalize_arabic(text).split())


def _found(fact: str, haystack: str) -> bool:
    # A fact starting or ending with a Latin letter or digit must stand as a whole word,
    # so "4" is not found in "14" nor "Mum" in "minimum".
    needle = fold(fact)
    left = r"(?<![0-9a-z])" if _ASCII_WORD.match(needle[:1]) else ""
    right = r"(?![0-9a-z])" if _ASCII_WORD.match(needle[-1:]) else ""
    return re.search(left + re.escape(needle) + right, haystack) is not None


def holds(text: str, facts: tuple[str, ...], *, share: float | None = None) -> bool:
    """Whether ``text`` holds one of ``facts`` (after ``fold``); with ``share``, whether
    it holds at least that share of them."""
    haystack = fold(text)
    if share is None:
        return any(_found(f, haystack) for f in facts)
    return bool(facts) and sum(_found(f, haystack) for f in facts) >= share * len(facts)


def key_facts(text: str) -> tuple[str, ...]:
    """What an answer must keep: its tokens with a digit, and its capitalised words that
    do not start a sentence (names, places, codes). Empty for an answer without any."""
    found: list[str] = []
    start = True
    for m in _TOKEN.finditer(text):
        word = m.group().strip(_PUNCTUATION)
        named = word and (any(c.isdigit() for c in word) or (word[0].isupper() and not start))
        if named and word not in found:
            found.append(word)
        start = m.group().endswith((".", "!", "?"))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class EvalQuestion:
    id: str
    question: str
    facts: tuple[str, ...]  # what a right answer holds
    origin: str  # "yours" or "shipped"
    lang: str = ""
    share: float | None = None  # None: any one fact; else this share of them

    def correct(self, answer: str) -> bool:
        return holds(answer, self.facts, share=self.share)


def your_questions(items: list[Feedback]) -> tuple[list[EvalQuestion], int]:
    """Your feedback as questions, and how many could not be scored (a 👎 without the
    right answer, a 👍 answer without key facts, a question whose chat was deleted)."""
    out, skipped = [], 0
    for f in items:
        if not f.question:
            skipped += 1
        elif f.correction:
            # The whole correction, or most of its key facts when it is a sentence.
            facts = key_facts(f.correction)
            if len(f.correction.split()) <= 4 or not facts:
                out.append(EvalQuestion(f"turn-{f.turn_id}", f.question, (f.correction,), "yours"))
            else:
                out.append(EvalQuestion(f"turn-{f.turn_id}", f.question, facts, "yours",
                                        share=0.5))  # fmt: skip
        elif f.rating == "up" and (facts := key_facts(f.answer)):
            out.append(EvalQuestion(f"turn-{f.turn_id}", f.question, facts, "yours", share=0.5))
        else:
            skipped += 1
    return out, skipped


def shipped_dir() -> Path | None:
    """Where the shipped set is: inside the installed app's bundle, else the checkout."""
    bundle = getattr(sys, "_MEIPASS", None)
    places = [Path(bundle) / "answer_quality"] if bundle else []
    places.append(Path(__file__).resolve().parents[2] / "tests" / "bench" / "answer_quality")
    return next((p for p in places if (p / "questions.jsonl").is_file()), None)


def shipped_questions(
    folder: Path, *, split: str = "test", limit: int | None = None
) -> list[EvalQuestion]:
    """The shipped set's answerable questions of ``split``; with ``limit``, that many
    spread evenly over the set (every language and kind keeps its share)."""
    rows = []
    for line in (folder / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if row["answerable"] and row["split"] == split:
                rows.append(row)
    if limit is not None and 0 < limit < len(rows):
        step = len(rows) / limit
        rows = [rows[int(i * step)] for i in range(limit)]
    return [
        EvalQuestion(r["id"], r["q"], tuple(r["expect"]), "shipped", lang=r["lang"]) for r in rows
    ]
