"""Keyword search over the chunk index (SQLite FTS5, BM25), with exact citations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from agent.store import Store

__all__ = ["Hit", "fts_query", "index_stats", "search"]

_WORD = re.compile(r"\w+", re.UNICODE)
# Words that carry no meaning for retrieval; matching them only adds noise to BM25.
_STOPWORDS = frozenset(
    """
    a an and are as at be been but by can could did do does doing for from had has have
    how i if in into is it its me my no not of on or our so than that the their them
    then there these they this to was we were what when where which who whom why will
    with would you your about after before tell please know
    """.split()
)


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

    def citation(self) -> dict[str, Any]:
        return {
            "uri": self.uri,
            "path": self.path,
            "title": self.title,
            "heading_path": self.heading_path,
            "span": [self.start, self.end],
            "score": round(self.score, 4),
        }


def _stem(word: str) -> str:
    """A light English suffix strip; the FTS prefix query does the rest."""
    for suffix in ("ing", "ies", "es", "ed", "s"):
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def fts_query(text: str) -> str:
    """Turn free text into an FTS5 query: meaningful words ORed, each as a prefix.

    Every term is quoted, so user input can never be read as FTS5 syntax."""
    terms: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word in _STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        term = f'"{_stem(word)}"*' if len(word) >= 4 else f'"{word}"'
        if term not in terms:
            terms.append(term)
    return " OR ".join(terms)


def search(
    store: Store, query: str, *, limit: int = 10, source: str | None = None, root: str | None = None
) -> list[Hit]:
    match = fts_query(query)
    if not match:
        return []
    where, params = ["chunks_fts MATCH ?"], [match]
    if source:
        where.append("d.source = ?")
        params.append(source)
    if root:
        where.append("d.root = ?")
        params.append(root)
    # bm25() is lower-is-better; a heading match weighs more than a body match.
    sql = f"""
        SELECT c.id, c.doc_id, d.source, d.uri, d.path, d.title, c.heading_path, c.text,
               c.start, c.end, -bm25(chunks_fts, 1.0, 2.0) AS score
        FROM chunks_fts
        JOIN chunks c ON c.id = chunks_fts.rowid
        JOIN documents d ON d.id = c.doc_id
        WHERE {" AND ".join(where)}
        ORDER BY bm25(chunks_fts, 1.0, 2.0)
        LIMIT ?"""
    rows = store.conn.execute(sql, (*params, limit)).fetchall()
    return [Hit(*row) for row in rows]


def index_stats(store: Store) -> dict[str, Any]:
    conn = store.conn
    docs, chunks = conn.execute(
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM chunks)"
    ).fetchone()
    roots = [
        {"root": root, "source": source, "documents": n}
        for root, source, n in conn.execute(
            "SELECT root, source, count(*) FROM documents GROUP BY root, source ORDER BY root"
        )
    ]
    errors = [
        {"root": r, "path": p, "reason": why}
        for r, p, why in conn.execute("SELECT root, path, reason FROM index_errors")
    ]
    return {
        "documents": docs,
        "chunks": chunks,
        "roots": roots,
        "errors": errors,
        "bytes": store.size_bytes(),
    }
