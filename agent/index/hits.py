"""A search hit: one passage with its document and exact span, and how rows become hits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from agent.store import Store

__all__ = ["HIT_COLUMNS", "Hit", "hit_from_row", "hydrate"]


@dataclass(frozen=True, slots=True)
class Hit:
    chunk_id: int
    doc_id: int
    source: str
    uri: str
    path: str | None
    title: str
    heading_path: str
    text: str
    start: int
    end: int
    score: float  # higher is better
    never_send: bool = False  # its source is never-send (agent.sources.SourcePolicy.mark)

    def citation(self) -> dict[str, Any]:
        return {
            "uri": self.uri,
            "path": self.path,
            "title": self.title,
            "heading_path": self.heading_path,
            "span": [self.start, self.end],
            "score": round(self.score, 4),
        }


HIT_COLUMNS = (
    "c.id, c.doc_id, d.source, d.uri, d.path, d.title, c.heading_path, c.text, c.start, c.end"
)


def hit_from_row(row: Any, score: float) -> Hit:
    """A hit from a row of ``HIT_COLUMNS``."""
    cid, doc_id, source, uri, path, title, heading_path, text, start, end = row
    return Hit(cid, doc_id, source, uri, path, title, heading_path, text, start, end, score)


def hydrate(store: Store, best: Sequence[tuple[int, float]]) -> list[Hit]:
    """Hits for ``(chunk id, score)`` pairs, in their order."""
    if not best:
        return []
    marks = ",".join("?" * len(best))
    rows = {
        row[0]: hit_from_row(row, 0.0)
        for row in store.conn.execute(
            f"SELECT {HIT_COLUMNS} FROM chunks c JOIN documents d ON d.id = c.doc_id"
            f" WHERE c.id IN ({marks})",
            [cid for cid, _ in best],
        )
    }
    return [replace(rows[cid], score=score) for cid, score in best if cid in rows]
