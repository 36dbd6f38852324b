"""Query analysis: the words to search for, and the operators in the query text.

Words become FTS5 terms (``fts_query``: normalised, stemmed lightly, stop words out,
every term quoted). Operators: ``from:``, ``to:``, ``subject:``, ``after:``,
``before:`` (Gmail's spelling). They are taken out of the text and become filters; the
rest is searched as words. ``from:sara after:2024-03`` with no words lists the matching
messages newest first.

Values may be quoted (``subject:"contract renewal"``); dates are ``YYYY``, ``YYYY-MM``
or ``YYYY-MM-DD`` (``/`` also accepted), read as UTC; ``after:`` includes its day and
``before:`` excludes its own. An operator that cannot be read stays in the text as words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from agent.index.hits import Hit
from agent.normalize import cjk_runs, normalize

__all__ = [
    "MAX_TERMS",
    "STOPWORDS",
    "MailOperators",
    "enough_terms",
    "fts_query",
    "fts_terms",
    "parse_query",
]

# Keyword terms a query may have: a question has a handful; past this a pasted page
# would make FTS5 merge thousands of posting lists (and rank every passage).
MAX_TERMS = 32
# Characters of a query read for its terms: a question is far shorter, and a page
# pasted as one has its MAX_TERMS words long before (reading 127,600: 15 ms more).
_TERM_CHARS = 20_000

_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_ARABIC_SUFFIXES = ("ات", "ون", "ين", "ان", "ها", "هم", "كم", "نا", "ه", "ي")

_WORD = re.compile(r"\w+", re.UNICODE)
# Words that carry no meaning for retrieval; matching them only adds noise to BM25.
STOPWORDS = frozenset(
    """
    a an and are as at be been but by can could did do does doing for from had has have
    how i if in into is it its me my no not of on or our so than that the their them
    then there these they this to was we were what when where which who whom why will
    with would you your about after before tell please know
    """.split()
) | frozenset(
    normalize(w)
    for w in """
    في من على إلى الى عن ما ماذا متى هل كيف أين اين لماذا كم هو هي هم ذلك هذا هذه التي
    الذي الذين أن إن أو مع كان كانت لا لم لن قد ثم بعد قبل عند كل أي بين و يا
    """.split()
)

_OPERATOR = re.compile(
    r'(?<!\S)(from|to|cc|subject|after|before):(?:"([^"]*)"|(\S+))', re.IGNORECASE
)
_DATE = re.compile(r"^(\d{4})(?:[-/](\d{1,2}))?(?:[-/](\d{1,2}))?$")
# Which mail_messages column each text operator looks in.
_COLUMNS = {"from": "sender", "to": "recipients", "cc": "recipients", "subject": "subject"}


def _date(value: str) -> float | None:
    """The first second of the year, month or day (UTC)."""
    m = _DATE.match(value)
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        start = datetime(year, int(month or 1), int(day or 1), tzinfo=UTC)
    except ValueError:
        return None
    return start.timestamp()


def _like(value: str) -> str:
    escaped = value.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True, slots=True)
class MailOperators:
    text: str  # the query without its operators
    fields: tuple[tuple[str, str], ...] = ()  # (column, value) for from/to/subject
    after: float | None = None
    before: float | None = None
    used: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.fields) or self.after is not None or self.before is not None

    def conditions(self) -> tuple[tuple[str, tuple[Any, ...]], ...]:
        """SQL conditions on the documents alias ``d``, with their parameters."""
        return tuple(
            (
                f"d.id IN (SELECT doc_id FROM mail_messages WHERE {column} LIKE ? ESCAPE '\\')",
                (_like(value),),
            )
            for column, value in self.fields
        )


def parse_query(query: str) -> MailOperators:
    fields: list[tuple[str, str]] = []
    after = before = None
    used: list[str] = []

    def take(m: re.Match[str]) -> str:
        nonlocal after, before
        op, value = m.group(1).lower(), (m.group(2) if m.group(2) is not None else m.group(3))
        value = value.strip()
        if not value:
            return m.group(0)
        if op in ("after", "before"):
            when = _date(value)
            if when is None:
                return m.group(0)  # not a date: leave it as words
            if op == "after":
                after = when if after is None else max(after, when)
            else:
                before = when if before is None else min(before, when)
        else:
            fields.append((_COLUMNS[op], value))
        used.append(m.group(0))
        return " "

    text = " ".join(_OPERATOR.sub(take, query).split())
    return MailOperators(text, tuple(fields), after, before, used)


def _stem(word: str) -> str:
    """A light English suffix strip; the FTS prefix query does the rest."""
    for suffix in ("ing", "ies", "es", "ed", "s"):
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _stem_arabic(word: str) -> str:
    """Drop a plural or pronoun suffix; the prefix query matches the other forms."""
    for suffix in _ARABIC_SUFFIXES:
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def fts_query(text: str) -> str:
    """Turn free text into an FTS5 query: meaningful words ORed, each as a prefix.

    The text is normalised as the index is (Arabic folded, CJK as bigram phrases), and
    every term is quoted, so user input can never be read as FTS5 syntax."""
    return " OR ".join(fts_terms(text))


def fts_terms(text: str) -> list[str]:
    """The quoted FTS5 terms of ``fts_query``, each once, in order; at most
    ``MAX_TERMS`` of them, so a pasted page costs what a question costs."""
    text = text[:_TERM_CHARS]
    terms: dict[str, None] = {}  # ordered, and a look-up per word, not a scan
    for run in cjk_runs(text):
        # Each CJK run is a phrase of its bigrams: it matches the run as a substring.
        terms[f'"{normalize(run).strip()}"' if len(run) > 1 else f'"{run}"*'] = None
        if len(terms) >= MAX_TERMS:
            return list(terms)
    # Each distinct word once (a pasted page repeats its words: 17,000 words, 20 kinds).
    for word in dict.fromkeys(_WORD.findall(normalize(text).lower())):
        if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        if cjk_runs(word):
            continue
        if _ARABIC_LETTER.match(word):
            word = _stem_arabic(word)
            term = f'"{word}"*' if len(word) >= 3 else f'"{word}"'
        else:
            term = f'"{_stem(word)}"*' if len(word) >= 4 else f'"{word}"'
        terms[term] = None
        if len(terms) >= MAX_TERMS:
            break
    return list(terms)


def _query_terms(query: str) -> list[str]:
    return [t.strip('"*') for t in fts_terms(query)]


def enough_terms(query: str, hits: list[Hit]) -> list[Hit]:
    """Keyword hits that match at least half of the query's terms.

    The OR query finds any passage sharing one common word with a question asked in
    other words; fused as they are, those stray matches push the vector side's right
    answer down (measured: hybrid nDCG@10 0.74 vs vector 0.82 on the quality set). With
    "minimum should match" at one half, keywords add what they are sure of."""
    terms = _query_terms(query)
    if len(terms) < 2:
        return hits
    need = (len(terms) + 1) // 2
    # Each term as a word prefix, as FTS matched it; longest first so "leave" wins
    # over "leav".
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)({alternatives})")
    kept = []
    for hit in hits:
        text = normalize(f"{hit.title} {hit.heading_path} {hit.text}").lower()
        if len({m.group(1) for m in pattern.finditer(text)}) >= need:
            kept.append(hit)
    return kept
