"""A search hit: one passage with its document and exact span, and how rows become hits."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from agent.store import Store

__all__ = ["HIT_COLUMNS", "Hit", "hit_from_row", "hydrate", "with_mail_headers"]


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
    # A message's From, Date (ISO 8601, UTC) and Subject, so that a citation says which
    # of the many messages of one mbox it is (``with_mail_headers`` fills it in).
    mail: dict[str, str] | None = None

    def citation(self) -> dict[str, Any]:
        cited: dict[str, Any] = {
            "uri": self.uri,
            "path": self.path,
            "title": self.title,
            "heading_path": self.heading_path,
            "span": [self.start, self.end],
            "score": round(self.score, 4),
        }
        if self.mail is not None:
            cited["mail"] = self.mail
        return cited

    def where(self) -> str:
        """One line naming the passage: for a message, who wrote it, when and about what."""
        span = f"(chars {self.start}–{self.end})"
        if self.mail is not None:
            m = self.mail
            date = m["date"].replace("T", " ")[:16] + " UTC" if m["date"] else "no date"
            return f"From: {m['from'] or '?'} · Date: {date} · Subject: {m['subject']} {span}"
        heading = f" — {self.heading_path}" if self.heading_path else ""
        return f"{self.path or self.uri}{heading} {span}"


def with_mail_headers(store: Store, hits: list[Hit]) -> list[Hit]:
    """``hits`` with each message's From, Date and Subject filled in (one query)."""
    ids = sorted({h.doc_id for h in hits if h.source == "mail"})
    if not ids:
        return hits
    rows = store.conn.execute(
        f"SELECT id, meta FROM documents WHERE id IN ({','.join('?' * len(ids))})", ids
    )
    heads = {}
    for doc_id, meta in rows:
        m = json.loads(meta or "{}")
        try:
            date = datetime.fromtimestamp(float(m["date"]), UTC).isoformat()
        except (KeyError, TypeError, ValueError, OverflowError, OSError):
            date = ""  # no date, or one no calendar holds
        heads[doc_id] = {
            "from": ", ".join(m.get("from") or []),
            "date": date,
            "subject": m.get("subject") or "",
        }
    return [replace(h, mail=heads.get(h.doc_id)) if h.source == "mail" else h for h in hits]


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
        row[0]: row
        for row in store.conn.execute(
            f"SELECT {HIT_COLUMNS} FROM chunks c JOIN documents d ON d.id = c.doc_id"
            f" WHERE c.id IN ({marks})",
            [cid for cid, _ in best],
        )
    }
    return [hit_from_row(rows[cid], score) for cid, score in best if cid in rows]
