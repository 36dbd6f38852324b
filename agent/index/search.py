"""Search over the chunk index: keywords (SQLite FTS5, BM25), vectors (cosine over the
passages' embeddings) or both fused by reciprocal rank; every hit cites its exact span."""

from __future__ import annotations

import os
import re
import threading
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import numpy as np

from agent.normalize import cjk_runs, normalize
from agent.index.query import browse, parse_query
from agent.index.vectors import Embedder, VectorMatrix, vector_matrix
from agent.store import Store
from contracts.errors import EngineError

__all__ = [
    "MODES",
    "RRF_K",
    "Filters",
    "Hit",
    "fts_query",
    "fts_terms",
    "fuse",
    "index_stats",
    "keyword_search",
    "rrf",
    "search",
    "vector_search",
]

MODES = ("keyword", "vector", "hybrid")
RRF_K = 60  # the constant from Cormack et al.; damps the weight of the very top ranks
_FUSE_DEPTH = 50  # candidates each retriever brings to the fusion
_EMBED_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fanous-query-embed")
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_ARABIC_SUFFIXES = ("ات", "ون", "ين", "ان", "ها", "هم", "كم", "نا", "ه", "ي")

_WORD = re.compile(r"\w+", re.UNICODE)
# Words that carry no meaning for retrieval; matching them only adds noise to BM25.
_STOPWORDS = frozenset(
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
    """The quoted FTS5 terms of ``fts_query``, each once, in order."""
    terms: list[str] = []
    for run in cjk_runs(text):
        # Each CJK run is a phrase of its bigrams: it matches the run as a substring.
        term = f'"{normalize(run).strip()}"' if len(run) > 1 else f'"{run}"*'
        if term not in terms:
            terms.append(term)
    for word in _WORD.findall(normalize(text).lower()):
        if word in _STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        if cjk_runs(word):
            continue
        if _ARABIC_LETTER.match(word):
            word = _stem_arabic(word)
            term = f'"{word}"*' if len(word) >= 3 else f'"{word}"'
        else:
            term = f'"{_stem(word)}"*' if len(word) >= 4 else f'"{word}"'
        if term not in terms:
            terms.append(term)
    return terms


@dataclass(frozen=True, slots=True)
class Filters:
    """Which documents a search may return. Dates are seconds since the epoch and
    compare with a note's own date (front matter), else its modification time."""

    source: str | None = None
    root: str | None = None
    folder: str | None = None  # absolute path, or a folder relative to a root
    tag: str | None = None  # nested tags match too: "travel" finds "travel/greece"
    after: float | None = None
    before: float | None = None
    # (condition on alias d, parameters): mail operators from agent.index.query
    extra: tuple[tuple[str, tuple[Any, ...]], ...] = ()

    def sql(self) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if self.source:
            where.append("d.source = ?")
            params.append(self.source)
        if self.root:
            where.append("d.root = ?")
            params.append(self.root)
        if self.folder:
            folder = self.folder.rstrip("/\\")
            if os.path.isabs(folder):
                prefix = folder + os.sep
                where.append("d.path >= ? AND d.path < ?")
                params += [prefix, folder + chr(ord(os.sep) + 1)]
            else:
                folder = folder.replace("\\", "/").strip("/")
                where.append("(d.folder = ? OR (d.folder >= ? AND d.folder < ?))")
                params += [folder, folder + "/", folder + "0"]
        if self.tag:
            tag = self.tag.lstrip("#").lower()
            where.append(
                "d.id IN (SELECT doc_id FROM doc_tags WHERE tag = ? OR (tag >= ? AND tag < ?))"
            )
            params += [tag, tag + "/", tag + "0"]
        if self.after is not None:
            where.append("d.doc_date >= ?")
            params.append(self.after)
        if self.before is not None:
            where.append("d.doc_date < ?")
            params.append(self.before)
        for condition, args in self.extra:
            where.append(condition)
            params += args
        return where, params

    @property
    def narrows(self) -> bool:
        return any(
            v is not None for v in (self.folder, self.tag, self.after, self.before, self.root)
        ) or bool(self.extra)


_HIT_COLUMNS = (
    "c.id, c.doc_id, d.source, d.uri, d.path, d.title, c.heading_path, c.text, c.start, c.end"
)


def keyword_search(store: Store, query: str, filters: Filters, limit: int) -> list[Hit]:
    """FTS5 BM25 over the normalised passages; a heading or title match weighs double."""
    terms = fts_terms(query)
    if not terms:
        return []
    where, params = filters.sql()
    # Passages with every word first: BM25 over an OR of common words scores every
    # passage holding any of them (11k of 120k for "ferry ticket", 9 ms), while the AND
    # is cheap and, when it fills the page, holds what BM25 ranks on top nearly always.
    # The OR fills the rest of the page.
    if len(terms) > 1:
        best = _ranked(store, " AND ".join(terms), where, params, limit)
        if len(best) < limit:
            seen = {cid for cid, _ in best}
            more = _ranked(store, " OR ".join(terms), where, params, limit)
            best += [(cid, score) for cid, score in more if cid not in seen][: limit - len(best)]
    else:
        best = _ranked(store, terms[0], where, params, limit)
    return _hydrate(store, best)


def _ranked(
    store: Store, match: str, where: list[str], params: list[Any], limit: int
) -> list[tuple[int, float]]:
    """(chunk id, BM25 score) of the best ``limit`` passages matching ``match``.

    Ranked first, read after: joining every match to its passage text before the sort
    made SQLite carry all of it through the sorter (3x slower on common words). A
    filter is a cached set of the passages it allows, checked as the ranked rows come
    in: two joins per match cost twice the ranking itself."""
    ranked = """
        SELECT rowid, -bm25(chunks_fts, 1.0, 2.0) FROM chunks_fts
        WHERE chunks_fts MATCH ? ORDER BY bm25(chunks_fts, 1.0, 2.0)"""
    if not where:
        return store.conn.execute(ranked + " LIMIT ?", (match, limit)).fetchall()
    allowed = _allowed_chunks(store, where, params)
    cursor = store.conn.execute(ranked, (match,))
    best: list[tuple[int, float]] = []
    while len(best) < limit and (rows := cursor.fetchmany(256)):
        best += [row for row in rows if row[0] in allowed]
    cursor.close()
    return best[:limit]


def _hit(row: Any, score: float) -> Hit:
    """A hit from a row of ``_HIT_COLUMNS``."""
    cid, doc_id, source, uri, path, title, heading_path, text, start, end = row
    return Hit(cid, doc_id, source, uri, path, title, heading_path, text, start, end, score)


def _hydrate(store: Store, best: Sequence[tuple[int, float]]) -> list[Hit]:
    """Hits for ``(chunk id, score)`` pairs, in their order."""
    if not best:
        return []
    marks = ",".join("?" * len(best))
    rows = {
        row[0]: _hit(row, 0.0)
        for row in store.conn.execute(
            f"SELECT {_HIT_COLUMNS} FROM chunks c JOIN documents d ON d.id = c.doc_id"
            f" WHERE c.id IN ({marks})",
            [cid for cid, _ in best],
        )
    }
    return [replace(rows[cid], score=score) for cid, score in best if cid in rows]


def vector_search(
    store: Store,
    query: str,
    filters: Filters,
    limit: int,
    embedder: Embedder,
    *,
    qvec: np.ndarray | None = None,
) -> list[Hit]:
    """Cosine similarity between the query (or its vector ``qvec``, when the caller
    embedded it already) and every embedded passage (numpy)."""
    matrix = vector_matrix(store, embedder.name)
    if not matrix.hashes:
        return []
    if qvec is None:
        qvec = embedder.embed_query(query)
    return _hydrate(store, _vector_best(store, filters, limit, matrix, qvec))


def _vector_best(
    store: Store, filters: Filters, limit: int, matrix: VectorMatrix, qvec: np.ndarray
) -> list[tuple[int, float]]:
    """(chunk id, similarity) of the ``limit`` nearest passages the filters allow."""
    where, params = filters.sql()
    # A narrow filter scores only the passages it allows (a cached row mask); three
    # times the limit covers passages shared by notes the filter leaves out.
    mask = _allowed_rows(store, matrix, where, params) if filters.narrows else None
    return _vector_ranked(store, matrix.top(qvec, limit * 3, mask=mask), where, params)[:limit]


# (store) -> {(what, filter, change token, ...): value}
T = TypeVar("T")
_FILTER_CACHE: weakref.WeakKeyDictionary[Store, dict[tuple[Any, ...], Any]] = (
    weakref.WeakKeyDictionary()
)
_FILTER_CACHE_KEPT = 8
_FILTER_CACHE_LOCK = threading.Lock()


def _cached(store: Store, key: tuple[Any, ...], build: Callable[[], T]) -> T:
    """``build()``, kept until the database changes: ``data_version`` moves on other
    connections' commits, ``total_changes`` on this one's."""
    conn = store.conn
    key = (*key, conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
    with _FILTER_CACHE_LOCK:
        cache = _FILTER_CACHE.setdefault(store, {})
        if key in cache:
            cached: T = cache[key]
            return cached
    value = build()
    with _FILTER_CACHE_LOCK:
        while len(cache) >= _FILTER_CACHE_KEPT:
            cache.pop(next(iter(cache)))
        cache[key] = value
    return value


def _allowed_chunks(store: Store, where: list[str], params: list[Any]) -> frozenset[int]:
    """The ids of the passages the filters allow (cached)."""
    sql = (
        f"SELECT c.id FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE {' AND '.join(where)}"
    )
    return _cached(
        store,
        ("chunks", tuple(where), tuple(params)),
        lambda: frozenset(r[0] for r in store.conn.execute(sql, params)),
    )


def _allowed_rows(
    store: Store, matrix: VectorMatrix, where: list[str], params: list[Any]
) -> np.ndarray:
    """Which matrix rows belong to passages the filters allow (cached): a filtered
    search repeats no per-query SQL over the whole tag or folder."""

    def build() -> np.ndarray:
        mask = np.zeros(len(matrix.hashes), dtype=bool)
        rows = matrix.rows
        found = [
            rows[h]
            for (h,) in store.conn.execute(
                "SELECT DISTINCT c.text_hash FROM chunks c JOIN documents d ON d.id = c.doc_id"
                f" WHERE {' AND '.join(where)}",
                params,
            )
            if h in rows
        ]
        mask[found] = True
        return mask

    return _cached(store, ("rows", id(matrix), matrix.version, tuple(where), tuple(params)), build)


def _vector_ranked(
    store: Store, best: list[tuple[str, float]], where: list[str], params: list[Any]
) -> list[tuple[int, float]]:
    """(chunk id, similarity) of the passages with these texts that the filters allow."""
    if not best:
        return []
    scores = dict(best)
    marks = ",".join("?" * len(scores))
    # The hashes lead: a few hundred index lookups. Without the unary plus SQLite
    # carries a tag filter over to c.doc_id and walks every passage of every tagged note.
    join = " CROSS JOIN documents d ON d.id = +c.doc_id" if where else ""
    rows = store.conn.execute(
        f"SELECT c.id, c.text_hash FROM chunks c{join}"
        f" WHERE {' AND '.join([f'c.text_hash IN ({marks})', *where])}",
        (*scores, *params),
    ).fetchall()
    ranked = [(cid, scores[digest]) for cid, digest in rows]
    ranked.sort(key=lambda r: (-r[1], r[0]))
    return ranked


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


def search(
    store: Store,
    query: str,
    *,
    limit: int = 10,
    source: str | None = None,
    root: str | None = None,
    folder: str | None = None,
    tag: str | None = None,
    after: float | None = None,
    before: float | None = None,
    mode: str | None = None,
    embedder: Embedder | None = None,
) -> list[Hit]:
    """Ranked passages for ``query``.

    ``mode``: ``keyword`` (BM25), ``vector`` (cosine) or ``hybrid`` (both fused by
    reciprocal rank); by default hybrid when an ``embedder`` is given, else keyword. A
    failing embedder never fails the search: it falls back to keywords."""
    ops = parse_query(query)  # from:, to:, subject:, after:, before:
    query = ops.text
    after = ops.after if ops.after is not None else after
    before = ops.before if ops.before is not None else before
    filters = Filters(source, root, folder, tag, after, before, ops.conditions())
    if ops.any and not fts_query(query):
        return browse(store, *filters.sql(), limit)
    mode = mode or ("hybrid" if embedder is not None else "keyword")
    if mode not in MODES:
        raise ValueError(f"unknown search mode {mode!r}; use one of {', '.join(MODES)}")
    if mode == "keyword" or embedder is None:
        return keyword_search(store, query, filters, limit)
    depth = max(limit, _FUSE_DEPTH)
    if mode == "vector":
        try:
            return vector_search(store, query, filters, limit, embedder)
        except EngineError:
            return []
    if not vector_matrix(store, embedder.name).hashes:  # nothing embedded (yet)
        return keyword_search(store, query, filters, limit)
    # The query is embedded on a helper thread while FTS5 ranks: both release the GIL,
    # so on two cores hybrid costs about the slower of the two, not their sum.
    pending = _EMBED_POOL.submit(embedder.embed_query, query)
    found = keyword_search(store, query, filters, depth)
    try:
        matrix = vector_matrix(store, embedder.name)
        vector = _vector_best(store, filters, depth, matrix, pending.result())
    except EngineError:
        vector = []
    if not vector:
        return found[:limit]
    keyword = _enough_terms(query, found)
    # Fused by chunk id; only winners that keywords did not bring are read from the
    # database.
    fused = rrf([[h.chunk_id for h in keyword], [cid for cid, _ in vector]], limit)
    known = {h.chunk_id: h for h in keyword}
    read = {h.chunk_id: h for h in _hydrate(store, [(c, 0.0) for c, _ in fused if c not in known])}
    return [
        replace(known.get(c) or read[c], score=score)
        for c, score in fused
        if c in known or c in read
    ]


def _query_terms(query: str) -> list[str]:
    return [t.strip('"*') for t in fts_terms(query)]


def _enough_terms(query: str, hits: list[Hit]) -> list[Hit]:
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
    vectors = dict(conn.execute("SELECT model, count(*) FROM embeddings GROUP BY model").fetchall())
    return {
        "documents": docs,
        "chunks": chunks,
        "vectors": vectors,  # model -> passages embedded
        "roots": roots,
        "errors": errors,
        "bytes": store.size_bytes(),
    }
