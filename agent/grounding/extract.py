"""Extractive answers: the sentence (or list item) of the retrieved passages that answers
the question, or the finding that none does.

Each unit is scored from what Fanous already has: the question's words found in it (and
in its section's heading), its meaning against the question's (the embedding model at
sentence level), whether it holds the kind of fact asked for (a time for "when", an
amount for "how much", a name for "who"), and its passage's place in retrieval. The
weights and the answer threshold were fitted on the dev half of the answer-quality set
(tests/bench/answer_quality/fit.py) and are measured on the held-out half.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from agent.grounding.facts import Asks, asks_for, facts, fold, has_kind
from agent.grounding.units import Unit, units_of
from agent.index.hits import Hit
from agent.index.query import fts_terms
from agent.index.vectors import Embedder
from agent.store import Store
from contracts.errors import EngineError

__all__ = [
    "FEATURES",
    "Candidate",
    "Extract",
    "Threads",
    "Weights",
    "answer_units",
    "extract",
    "features",
    "mail_threads",
]

# doc id -> (thread, date) of the mail messages among the passages
Threads = dict[int, tuple[str, float]]
_WORD = re.compile(r"[^\W_]+")
_ASKS = re.compile(r"[?？؟]\W*$")
# A mail's closing line ("Best regards Jens Bauer", "مع تحياتي، سمير"): a name, and so a
# person to a "who" question, but never what anyone asked about.
_SIGN_OFF = re.compile(
    r"^(?:(?:best|kind|warm|many|with)\s+(?:regards|wishes)|regards|cheers|best|thanks|"
    r"thank you|sincerely|yours|love|viele grüße|liebe grüße|mit freundlichen grüßen|"
    r"مع (?:خالص )?(?:تحياتي|التحية)|تحياتي|شكرا|شكراً|مع الشكر)\b[\s,،.!]*(?:\S+\s*){0,3}$",
    re.IGNORECASE,
)
# Units embedded per question, the best by the other features: on the dev split the
# best unit was right as often with 6 as with 24 or all of them, at a quarter of the E5
# time (E5 on sentences is most of the extractive step).
_MAX_EMBEDDED = 6
DEPTH = 10  # passages a turn reads for the answering sentence (the model is given fewer)


@dataclass(frozen=True, slots=True)
class Weights:
    """A linear score over the standardised ``FEATURES`` (``(x - mean) / scale``), fitted
    to rank the unit that answers first; the best unit answers when its score reaches
    ``threshold``."""

    coef: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float

    def score(self, x: np.ndarray) -> np.ndarray:
        standard = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        return np.asarray(standard @ np.asarray(self.coef), dtype=np.float64)


FEATURES = (
    "lex", "lex_ctx", "lex_all", "sem", "sem_gap", "kind", "no_kind", "rank", "best_lex", "quoted",
    "q_facts", "short", "thread", "p_best_unit", "p_score", "header",
)  # fmt: skip
# Fitted by tests/bench/answer_quality/fit.py on the dev split (its output: the README).
WITH_VECTORS = Weights(
    coef=(
        0.376, 0.299, 0.482, 1.059, 0.929, 0.719, -0.689, 0.231, 0.144, 0.0, 0.028, -0.905,
        0.089, 0.602, -0.217, -1.643
    ),
    mean=(
        0.0356, 0.038, 0.0737, 0.8059, -0.0602, 0.3424, 0.4313, 0.2841, -0.4135, 0.0, 0.003,
        0.1544, -0.027, -0.0398, 0.726, 0.1822
    ),
    scale=(
        0.1093, 0.1089, 0.1529, 0.0287, 0.0327, 0.4745, 0.4953, 0.2539, 0.2855, 1.0, 0.0546,
        0.3614, 0.2924, 0.0294, 0.2375, 0.386
    ),
    threshold=8.021,
)  # fmt: skip
WITHOUT_VECTORS = Weights(
    coef=(
        0.621, 0.437, 0.755, 0.0, 0.0, 0.77, -0.738, 0.562, 0.238, 0.0, 0.033, -0.752, 0.084,
        0.0, -0.097, -1.45
    ),
    mean=(
        0.0356, 0.038, 0.0737, 0.0, 0.0, 0.3424, 0.4313, 0.2841, -0.4135, 0.0, 0.003, 0.1544,
        -0.027, 0.0, 0.726, 0.1822
    ),
    scale=(
        0.1093, 0.1089, 0.1529, 1.0, 1.0, 0.4745, 0.4953, 0.2539, 0.2855, 1.0, 0.0546, 0.3614,
        0.2924, 1.0, 0.2375, 0.386
    ),
    threshold=6.882,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Candidate:
    unit: Unit
    score: float
    x: tuple[float, ...] = field(repr=False)


@dataclass(frozen=True, slots=True)
class Extract:
    question: str
    asked: frozenset[Asks]
    candidates: list[Candidate]  # best first
    answerable: bool
    vectors: bool  # whether meaning took part (an embedder was there and worked)
    confidence: float = 0.0  # the best unit's score in (0, 1), one half at the threshold

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def _terms(question: str) -> list[str]:
    """The question's search terms; a CJK phrase counts bigram by bigram, so a sentence
    holding most of the question's characters scores as such."""
    terms: list[str] = []
    for term in fts_terms(question):
        for part in term.strip('"*').split():
            if part not in terms:
                terms.append(part)
    return terms


def _covered(terms: list[str], idf: dict[str, float], words: set[str]) -> float:
    """IDF-weighted share of the terms that start a word of ``words``."""
    total = sum(idf[t] for t in terms)
    if not total:
        return 0.0
    got = sum(idf[t] for t in terms if _has(t, words))
    return got / total


def _has(term: str, words: set[str]) -> bool:
    # A CJK term is a phrase of bigrams: every one must be there.
    return all(any(w.startswith(part) for w in words) for part in term.split())


def _words(text: str) -> set[str]:
    return set(_WORD.findall(fold(text)))


def _thread_places(
    units: Sequence[Unit], threads: Threads | None, holds: Sequence[bool]
) -> list[float]:
    """For a unit that holds what the question asks for (``holds``): +1 when no later
    message of its thread among the candidates holds it too, -1 when one does (a reply
    changed the value: "8 instead of 7:30"); 0 for the others and a thread of one."""
    if not threads:
        return [0.0] * len(units)
    latest: dict[str, float] = {}  # thread -> date of its latest message that holds it
    count: dict[str, set[int]] = {}
    for u, held in zip(units, holds, strict=True):
        if held and (t := threads.get(u.hit.doc_id)) is not None:
            latest[t[0]] = max(latest.get(t[0], t[1]), t[1])
            count.setdefault(t[0], set()).add(u.hit.doc_id)
    out = []
    for u, held in zip(units, holds, strict=True):
        t = threads.get(u.hit.doc_id)
        if not held or t is None or len(count[t[0]]) < 2:
            out.append(0.0)
        else:
            out.append(1.0 if t[1] >= latest[t[0]] else -1.0)
    return out


# A mail's header line ("From: …", "Subject: …"): who wrote, not what they said.
_HEADER = re.compile(r"^(?:From|To|Cc|Date|Subject|Sent|Reply-To|Attachments?):", re.IGNORECASE)


def _width(text: str) -> int:
    """Length as a reader sees it: a CJK character holds about a word, so it counts twice."""
    return sum(2 if ord(c) >= 0x2E80 else 1 for c in text)


def _fact_keys(text: str) -> set[str]:
    return {f.key for f in facts(text) if f.kind != "name"}


def features(
    question: str,
    units: Sequence[Unit],
    sims: np.ndarray | None,
    threads: Threads | None = None,
) -> tuple[frozenset[Asks], np.ndarray]:
    """The feature rows (``FEATURES``) of each unit for this question."""
    best_in_passage: dict[int, float] = {}
    if sims is not None:
        for u, sim in zip(units, sims, strict=True):
            cid = u.hit.chunk_id
            best_in_passage[cid] = max(best_in_passage.get(cid, -1.0), float(sim))
    top_score = max((u.hit.score for u in units), default=0.0) or 1.0
    asked = frozenset(asks_for(question))
    q_keys = _fact_keys(question)
    kinds = [has_kind(u.text, set(asked)) for u in units]
    places = _thread_places(units, threads, kinds)
    terms = _terms(question)
    unit_words = [_words(u.text) for u in units]
    ctx_words = [_words(u.context) for u in units]
    n = len(units)
    idf = {t: math.log(1 + (n + 1) / (1 + sum(_has(t, ws) for ws in unit_words))) for t in terms}
    rows = []
    best_sim = float(sims.max()) if sims is not None and len(sims) else 0.0
    lexes = [_covered(terms, idf, ws) for ws in unit_words]
    best_lex = max(lexes, default=0.0)
    for i, unit in enumerate(units):
        lex = lexes[i]
        lex_all = _covered(terms, idf, unit_words[i] | ctx_words[i])
        kind = kinds[i]
        sim = float(sims[i]) if sims is not None else 0.0
        rows.append(
            (
                lex,
                lex_all - lex,
                lex_all,
                sim,
                sim - best_sim if sims is not None else 0.0,
                1.0 if asked and kind else 0.0,
                1.0 if asked and not kind else 0.0,
                1.0 / (1 + unit.rank),
                lex - best_lex,
                1.0 if unit.quoted else 0.0,
                len(q_keys & _fact_keys(unit.text)) / len(q_keys) if q_keys else 0.0,
                1.0 if _width(unit.text) < 20 else 0.0,
                places[i],
                best_in_passage.get(unit.hit.chunk_id, 0.0) - best_sim if sims is not None else 0.0,
                unit.hit.score / top_score,
                1.0 if _HEADER.match(unit.text) else 0.0,
            )
        )
    return asked, np.asarray(rows, dtype=np.float64).reshape(n, len(FEATURES))


def _similarities(
    question: str, units: Sequence[Unit], embedder: Embedder | None
) -> np.ndarray | None:
    if embedder is None or not units:
        return None
    try:
        q = embedder.embed_query(question)
        rows = embedder.embed_passages([u.embedding_text for u in units])
    except EngineError:
        return None  # meaning is a help, not a must: keywords and kinds still decide
    return np.asarray(rows @ q, dtype=np.float64)


def mail_threads(store: Store, hits: Sequence[Hit]) -> Threads:
    """(thread, date) of each mail message among ``hits``."""
    ids = sorted({h.doc_id for h in hits if h.source == "mail"})
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = store.conn.execute(
        f"SELECT doc_id, thread, date FROM mail_messages WHERE doc_id IN ({marks})", ids
    ).fetchall()
    return {doc: (thread or str(doc), date or 0.0) for doc, thread, date in rows}


def confidence(score: float, weights: Weights) -> float:
    """The score as a number in (0, 1): one half at the answer threshold."""
    return 1.0 / (1.0 + math.exp(-(score - weights.threshold)))


def answer_units(hits: Sequence[Hit]) -> list[Unit]:
    """The units of ``hits`` that could answer a question. A sentence that asks (a
    question quoted in a mail thread, a note's open question) answers nothing, however
    many of the question's words it shares, and neither does a mail's sign-off."""
    return [
        u for u in units_of(list(hits))
        if not _ASKS.search(u.text) and not _SIGN_OFF.match(u.text.strip())
    ]  # fmt: skip


def extract(
    question: str,
    hits: Sequence[Hit],
    embedder: Embedder | None = None,
    *,
    threads: Threads | None = None,
    weights: tuple[Weights, Weights] = (WITH_VECTORS, WITHOUT_VECTORS),
) -> Extract:
    """The units of ``hits`` ranked by how well each answers ``question``."""
    units = answer_units(hits)
    if not units:
        return Extract(question, frozenset(asks_for(question)), [], False, False)
    # Meaning is the costly feature: embed only the units the cheap ones rank best.
    asked, x = features(question, units, None, threads)
    if embedder is not None and len(units) > _MAX_EMBEDDED:
        keep = np.argsort(-weights[1].score(x), kind="stable")[:_MAX_EMBEDDED]
        units = [units[i] for i in sorted(keep)]
    sims = _similarities(question, units, embedder)
    asked, x = features(question, units, sims, threads)
    chosen = weights[0] if sims is not None else weights[1]
    scores = chosen.score(x)
    order = np.argsort(-scores, kind="stable")
    candidates = [Candidate(units[i], float(scores[i]), tuple(x[i])) for i in order]
    best = candidates[0].score
    return Extract(question, asked, candidates, best >= chosen.threshold, sims is not None,
                   confidence(best, chosen))  # fmt: skip
