"""Reciprocal rank fusion: several rankings of the same passages made one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from agent.index.hits import Hit

__all__ = ["RRF_K", "fuse", "rrf"]

RRF_K = 60  # the constant from Cormack et al.; damps the weight of the very top ranks


def rrf(
    rankings: Sequence[Sequence[int]],
    limit: int,
    k: int = RRF_K,
    weights: Sequence[float] | None = None,
) -> list[tuple[int, float]]:
    """Reciprocal rank fusion of ranked chunk ids: each list gives an id
    ``weight / (k + rank)``; the best ``limit`` (id, score), ties broken by id."""
    scores: dict[int, float] = {}
    for n, ranking in enumerate(rankings):
        weight = weights[n] if weights else 1.0
        for rank, cid in enumerate(ranking, start=1):
            scores[cid] = scores.get(cid, 0.0) + weight / (k + rank)
    order = sorted(scores, key=lambda cid: (-scores[cid], cid))[:limit]
    return [(cid, scores[cid]) for cid in order]


def fuse(
    rankings: Sequence[Sequence[Hit]],
    limit: int,
    k: int = RRF_K,
    weights: Sequence[float] | None = None,
) -> list[Hit]:
    """``rrf`` over lists of hits: each fused hit is its first appearance, rescored."""
    first: dict[int, Hit] = {}
    for ranking in rankings:
        for hit in ranking:
            first.setdefault(hit.chunk_id, hit)
    fused = rrf([[h.chunk_id for h in r] for r in rankings], limit, k, weights)
    return [replace(first[cid], score=score) for cid, score in fused]
