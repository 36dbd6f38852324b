"""Search by meaning on first use: before a question is answered from passages that
have no vectors yet, embed what this question needs, within a time budget.

A folder just indexed (``fanous ask --notes DIR`` on a new folder) has no vectors, so
its answer would come from keywords alone, which miss paraphrases and questions asked
in another language. Here, in this order, until the budget is spent:

1. the fast first tier (static token vectors) for every passage in scope: seconds even
   for thousands of passages;
2. with the full model (E5): the question's candidates, the passages keywords and the
   first tier rank highest, so the answer's own evidence is compared by the best model;
3. the rest of the scope in index order, so a small folder ends up fully embedded.

What was covered goes with the answer (``Coverage``), so the user can tell an answer
over every passage from one over a part.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agent.index.search import Filters, keyword_search, vector_search
from agent.index.vectors import (
    Embedder,
    batch_for,
    covering,
    embed_pending,
    embed_texts,
    tiers,
)
from agent.store import Store
from contracts.documents import content_hash

__all__ = ["BUDGET_S", "CANDIDATES", "Coverage", "coverage", "embed_for_question"]

BUDGET_S = 20.0  # the longest a question waits for embedding before it is answered
CANDIDATES = 24  # passages each ranking brings as the question's candidates
_STEP = 8  # candidates embedded per transaction (and progress report)


@dataclass(slots=True)
class Coverage:
    """How much of the searched passages the answer's search by meaning could see."""

    passages: int  # distinct passages in scope (the folder, the source, or everything)
    embedded: int  # of those, with the full model's vectors
    first_tier: int  # of those, with the first tier's (static) vectors
    embedded_now: int = 0  # full-model vectors made for this question
    model: str = ""
    seconds: float = 0.0  # spent embedding for this question

    @property
    def complete(self) -> bool:
        return self.embedded >= self.passages

    def to_json(self) -> dict[str, Any]:
        return {
            "passages": self.passages,
            "embedded": self.embedded,
            "first_tier": self.first_tier,
            "embedded_now": self.embedded_now,
            "complete": self.complete,
            "model": self.model,
            "seconds": round(self.seconds, 3),
        }


def _scope(filters: Filters) -> tuple[str, list[Any]]:
    where, params = filters.sql()
    return " AND ".join(where) or "1", params


def coverage(store: Store, embedder: Embedder, filters: Filters | None = None) -> Coverage:
    """How many passages in scope (all, without ``filters``) have each tier's vectors."""
    condition, params = _scope(filters or Filters())
    models = [t.name for t in tiers(embedder)]
    first = models[1] if len(models) > 1 else ""
    total, full, fast = store.conn.execute(
        "SELECT count(*), sum(EXISTS (SELECT 1 FROM embeddings e WHERE e.model = ? "
        " AND e.text_hash = h)), sum(EXISTS (SELECT 1 FROM embeddings e WHERE e.model = ? "
        " AND e.text_hash = h)) FROM (SELECT DISTINCT c.text_hash AS h FROM chunks c "
        f" JOIN documents d ON d.id = c.doc_id WHERE {condition})",
        (models[0], first, *params),
    ).fetchone()
    return Coverage(total, full or 0, fast or 0, model=models[0])


def embed_for_question(
    store: Store,
    question: str,
    embedder: Embedder,
    *,
    filters: Filters | None = None,
    budget_s: float = BUDGET_S,
    progress: Callable[[str, int, int], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Coverage:
    """Embed what ``question`` needs (see the module doc) until ``budget_s`` is spent;
    returns the coverage the answer will have. ``progress(stage, done, total)``
    reports each stage: "first tier", "candidates", "rest"."""
    started = clock()
    filters = filters or Filters()

    def out_of_time() -> bool:
        return clock() - started >= budget_s

    def report(stage: str) -> Callable[[int, int], None] | None:
        return None if progress is None else (lambda done, total: progress(stage, done, total))

    scope = _scope(filters)
    chain = tiers(embedder)
    full = chain[0]
    if len(chain) > 1:
        embed_pending(store, chain[1], batch=batch_for(chain[1]), documents=scope,
                      should_stop=out_of_time, progress=report("first tier"),
                      covered=covering(embedder, chain[1]))  # fmt: skip
    before = coverage(store, embedder, filters)
    made = 0
    if not before.complete and not out_of_time():
        made += _embed_candidates(store, question, full, chain[1:], filters, report, out_of_time)
        if not out_of_time():
            made += embed_pending(store, full, documents=scope, should_stop=out_of_time,
                                  progress=report("rest"))  # fmt: skip
    after = coverage(store, embedder, filters) if made else before
    after.embedded_now = made
    after.seconds = clock() - started
    return after


def _embed_candidates(
    store: Store,
    question: str,
    full: Embedder,
    others: list[Embedder],
    filters: Filters,
    report: Callable[[str], Callable[[int, int], None] | None],
    out_of_time: Callable[[], bool],
) -> int:
    """Embed with ``full`` the passages keywords and the other tiers rank highest,
    best first, a few at a time until the budget is spent."""
    hits = keyword_search(store, question, filters, CANDIDATES)
    for tier in others:
        hits += vector_search(store, question, filters, CANDIDATES, tier)
    texts = {content_hash(h.text): h.text for h in hits}  # the chunks' own text hash
    if not texts:
        return 0
    hashes = list(texts)
    marks = ",".join("?" * len(hashes))
    have = {
        h
        for (h,) in store.conn.execute(
            f"SELECT text_hash FROM embeddings WHERE model = ? AND text_hash IN ({marks})",
            (full.name, *hashes),
        )
    }
    todo = [(h, t) for h, t in texts.items() if h not in have]
    tick = report("candidates")
    done = 0
    for start in range(0, len(todo), _STEP):
        if start and out_of_time():
            break
        if tick:
            tick(done, len(todo))
        done += embed_texts(store, full, dict(todo[start : start + _STEP]))
    if tick:
        tick(done, len(todo))
    return done
