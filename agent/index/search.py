"""Retrieval over the chunk index: keywords (SQLite FTS5, BM25), vectors (cosine over
the passages' embeddings) or both fused by reciprocal rank (``agent.index.fusion``);
the words come from ``agent.index.query``; every hit cites its exact span."""

from __future__ import annotations

import itertools
import os
import sqlite3
import threading
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import numpy as np

from agent.index.fusion import rrf
from agent.index.hits import Hit, hydrate, with_mail_headers
from agent.index.query import enough_terms, fts_query, fts_terms, parse_query
from agent.index.vectors import (
    Embedder,
    VectorMatrix,
    VectorScan,
    hash_array,
    tiers,
    vector_matrix,
)
from agent.store import DOCUMENTS_GENERATION, Store
from contracts.errors import EngineError

__all__ = [
    "MODES",
    "Filters",
    "Hit",
    "browse",
    "index_stats",
    "keyword_search",
    "search",
    "vector_search",
    "with_mail_headers",
]

MODES = ("keyword", "vector", "hybrid")
_FUSE_DEPTH = 50  # candidates each retriever brings to the fusion
# The first tier's (static vectors') weight in the fusion, against 1 for keywords and
# the full model: measured on the quality set (tests/bench/retrieval_quality).
FIRST_TIER_WEIGHT = 0.5
_EMBED_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fanous-query-embed")


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
            more = _ranked(store, " OR ".join(_rarest(store, terms)), where, params, limit)
            best += [(cid, score) for cid, score in more if cid not in seen][: limit - len(best)]
    else:
        best = _ranked(store, terms[0], where, params, limit)
    return hydrate(store, best)


# Terms the OR may have. Its cost is the passages it ranks: 20 terms of a pasted page
# matched 31,000 of 120,856 passages (100 ms, busy machine), its 12 rarest 27 ms.
# Questions have fewer (the answer-quality set's 626: 10 at most, 4 above 8).
_OR_TERMS = 12


def _rarest(store: Store, terms: list[str]) -> list[str]:
    """The ``_OR_TERMS`` terms found in the fewest passages (all of them when there
    are no more), in their query order; a prefix term counts every word it covers."""
    if len(terms) <= _OR_TERMS:
        return terms
    conn = store.conn
    try:
        # A view of the FTS index's term list (no storage), one per connection.
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunks_vocab "
            "USING fts5vocab(main, 'chunks_fts', 'row')"
        )
        counts: dict[str, int] = {}
        args: tuple[str, ...]
        for term in terms:
            word = term.strip('"*')  # a CJK phrase matches no one term: counted rare
            if term.endswith("*"):
                where, args = "term >= ? AND term < ?", (word, word + "\U0010ffff")
            else:
                where, args = "term = ?", (word,)
            counts[term] = conn.execute(
                f"SELECT coalesce(sum(doc), 0) FROM temp.chunks_vocab WHERE {where}", args
            ).fetchone()[0]
    except sqlite3.Error:  # no FTS5 vocabulary here: the first terms will do
        return terms[:_OR_TERMS]
    keep = set(sorted(terms, key=lambda t: counts[t])[:_OR_TERMS])
    return [t for t in terms if t in keep]


def _ranked(
    store: Store, match: str, where: list[str], params: list[Any], limit: int
) -> list[tuple[int, float]]:
    """(chunk id, BM25 score) of the best ``limit`` passages matching ``match``.

    Ranked first, read after: joining every match to its passage text before the sort
    made SQLite carry all of it through the sorter (3x slower on common words). A
    filter is a set of passage ids tested as FTS5 hands over each match, before BM25
    scores it: with a tag a fifth of the notes carry, the OR of two common words ranks
    in 2.2 ms instead of 5.9 (checked in Python after ranking every match) or twice the
    ranking (joining each match to its note)."""
    ranked = "SELECT rowid, -bm25(chunks_fts, 1.0, 2.0) FROM chunks_fts WHERE chunks_fts MATCH ?"
    args: tuple[Any, ...] = (match,)
    if where:
        ids, id_args = _allowed_ids(store, where, params)
        # "+rowid": as a plain rowid constraint FTS5 would run the MATCH once per id.
        ranked += f" AND +rowid IN {ids}"
        args += id_args
    ranked += " ORDER BY bm25(chunks_fts, 1.0, 2.0) LIMIT ?"
    return store.conn.execute(ranked, (*args, limit)).fetchall()


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
    if not len(matrix):
        return []
    if qvec is None:
        qvec = embedder.embed_query(query)
    return hydrate(store, _vector_best(store, filters, limit, matrix, qvec))


def _vector_best(
    store: Store,
    filters: Filters,
    limit: int,
    matrix: VectorMatrix,
    qvec: np.ndarray,
    covered: Sequence[VectorMatrix] = (),
    among: Sequence[str] | None = None,
    scan: VectorScan | None = None,
) -> list[tuple[int, float]]:
    """(chunk id, similarity) of the ``limit`` nearest passages the filters allow:
    of all, of the text hashes ``among``, or of those no ``covered`` matrix (a better
    tier) holds; from ``scan`` (``_vector_scan``) when the caller has it already."""
    where, params = filters.sql()
    if among is not None:
        return _vector_ranked(store, matrix.top(qvec, limit * 3, among), where, params)[:limit]
    scan = scan or _vector_scan(store, filters, matrix, qvec)
    within = _uncovered_rows(store, matrix, covered) if covered else None
    # One row more than the page is enough when the rows give a page of passages the
    # filters allow and its last one scores above every row left out: nearly always.
    # Else three times as many: rows with no passage (a vector not pruned yet, where no
    # filter's mask left it out), or a tie at the edge of the page.
    best = scan.best(limit + 1, within)
    ranked = _vector_ranked(store, best, where, params)
    if len(best) > limit and (len(ranked) < limit or ranked[limit - 1][1] <= best[-1][1]):
        ranked = _vector_ranked(store, scan.best(limit * 3, within), where, params)
    return ranked[:limit]


def _vector_scan(
    store: Store, filters: Filters, matrix: VectorMatrix, qvec: np.ndarray
) -> VectorScan:
    """The query's int8 scan of the passages the filters allow: any filter scores only
    its own rows (a cached row mask; a narrow one's kept in one block). A source too:
    scanning every row and dropping the others after, a vault whose notes were nearer
    every question found no message by meaning."""
    where, params = filters.sql()
    mask = _allowed_rows(store, matrix, where, params) if where else None
    return matrix.scan(qvec, mask, steady=mask is not None)


def _uncovered_rows(store: Store, matrix: VectorMatrix, covered: Sequence[VectorMatrix]) -> Any:
    """Which rows of ``matrix`` no ``covered`` matrix has: cached, and brought up to
    date with the rows the matrices gained since (the background embedder's batches),
    not worked out again (``np.isin`` over all: ~80 ms at 100,000 rows)."""

    def build() -> _Uncovered:
        return _Uncovered(~matrix.holds(covered), [len(m) for m in covered], len(matrix))

    # The matrices' rows alone decide it: a note written leaves it as it is.
    key = ("uncovered", matrix.lineage, *(m.lineage for m in covered))
    return _cached(store, key, build, follows_documents=False).rows(matrix, covered)


class _Uncovered:
    """The rows of one matrix no covering matrix has, as of a length of each."""

    def __init__(self, mask: np.ndarray, lengths: list[int], length: int) -> None:
        self.mask, self.lengths, self.length = mask, lengths, length
        self.lock = threading.Lock()

    def rows(self, matrix: VectorMatrix, covered: Sequence[VectorMatrix]) -> np.ndarray:
        with self.lock:
            if len(matrix) < self.length or any(
                len(m) < seen for m, seen in zip(covered, self.lengths, strict=True)
            ):  # a search still holding older matrices: work it out for them
                return ~matrix.holds(covered)
            mask = self.mask
            if len(matrix) > self.length:  # its new rows
                keys = matrix.hashes[self.length :]
                held = np.zeros(keys.size, dtype=bool)
                for m in covered:
                    held |= m.find(keys)[1]
                mask = np.concatenate([mask, ~held])
            for m, seen in zip(covered, self.lengths, strict=True):
                rows, found = matrix.find(m.hashes[seen:])  # what the others gained
                if found.any():
                    mask = mask.copy() if mask is self.mask else mask  # others may hold it
                    mask[rows[found]] = False
            self.mask, self.lengths, self.length = mask, [len(m) for m in covered], len(matrix)
            return mask


# (store) -> {(what, filter, change token, ...): value}
T = TypeVar("T")
_FILTER_CACHE: weakref.WeakKeyDictionary[Store, dict[tuple[Any, ...], Any]] = (
    weakref.WeakKeyDictionary()
)
_FILTER_CACHE_KEPT = 12  # a filter: its ids, passage texts, and rows of each matrix
_FILTER_CACHE_LOCK = threading.Lock()


def _cached(
    store: Store,
    key: tuple[Any, ...],
    build: Callable[[], T],
    release: Callable[[Store, T], None] | None = None,
    *,
    follows_documents: bool = True,
) -> T:
    """``build()``, kept until what filters select by changes (``_selection_state``),
    or, where the value does not depend on documents (``follows_documents`` False),
    until its key changes. ``release(store, value)`` is called on a value the cache
    lets go of (a module function: a closure over the store would keep the store, the
    cache's weak key, alive). None is not kept: it is built again next time."""
    key = (*key, _selection_state(store) if follows_documents else None)
    with _FILTER_CACHE_LOCK:
        cache = _FILTER_CACHE.setdefault(store, {})
        if key in cache:
            cached: T = cache[key][0]
            return cached
    value = build()
    if value is None:
        return value
    with _FILTER_CACHE_LOCK:
        if key in cache:  # another thread built it meanwhile: one is kept
            gone, value = [(value, release)], cache[key][0]
        else:
            # The same thing for an older state of the database is never asked again.
            gone = [cache.pop(k) for k in [k for k in cache if k[:-1] == key[:-1]]]
            while len(cache) >= _FILTER_CACHE_KEPT:
                gone.append(cache.pop(next(iter(cache))))
            cache[key] = (value, release)
    for old, let_go in gone:
        if let_go is not None:
            let_go(store, old)
    return value


def _selection_state(store: Store) -> tuple[int, ...]:
    """What a filter's passages depend on: the count of transactions that wrote
    documents, tags or message headers (``Store.documents_changed``, whichever process
    writes), so the background embedder's commits leave the cached sets alone; in a
    database no writer has counted in yet, every commit (``data_version`` moves on
    other connections' commits, ``total_changes`` on this one's)."""
    count = store.counter(DOCUMENTS_GENERATION)
    if count is not None:
        return (count,)
    conn = store.conn
    return (-1, conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)


_TEMP_NAMES = itertools.count(1)


def _allowed_ids(store: Store, where: list[str], params: list[Any]) -> tuple[str, tuple[Any, ...]]:
    """SQL for the set of passage ids the filters allow, after ``IN``, and its
    arguments: a temporary table of them (indexed; cached until a document changes),
    or, where none can be made now, the query that finds them."""
    select = (
        "SELECT c.id AS id FROM chunks c JOIN documents d ON d.id = c.doc_id"
        f" WHERE {' AND '.join(where)}"
    )

    def build() -> str | None:
        name = f"fanous_allowed_{next(_TEMP_NAMES)}"
        return name if store.temp_ids(name, select, params) else None

    # None (no table could be made now: another thread was making one, or held a
    # transaction) is not cached: the next search tries again.
    table = _cached(store, ("ids", tuple(where), tuple(params)), build, _drop_table)
    return (f"temp.{table}", ()) if table else (f"({select})", tuple(params))


def _drop_table(store: Store, name: str | None) -> None:
    if name is not None:
        store.drop_temp(name)


def _allowed_rows(
    store: Store, matrix: VectorMatrix, where: list[str], params: list[Any]
) -> np.ndarray:
    """Which matrix rows belong to passages the filters allow (cached): a filtered
    search repeats no per-query SQL over the whole tag or folder."""

    def allowed(keys: np.ndarray) -> np.ndarray:
        """Which of the text hashes ``keys`` (a matrix's new rows) the filters allow:
        looked up in the filter's sorted passage texts, which the mask was built from."""
        texts = _allowed_texts(store, where, params)
        if not texts.size:
            return np.zeros(keys.size, dtype=bool)
        at = np.minimum(np.searchsorted(texts, keys), texts.size - 1)
        found: np.ndarray = texts[at] == keys
        return found

    def build() -> _Allowed:
        mask = np.zeros(len(matrix), dtype=bool)
        rows, found = matrix.find(_allowed_texts(store, where, params))
        mask[rows[found]] = True
        return _Allowed(mask)

    key = ("rows", matrix.lineage, tuple(where), tuple(params))
    return _cached(store, key, build).rows(matrix, allowed)


def _allowed_texts(store: Store, where: list[str], params: list[Any]) -> np.ndarray:
    """The text hashes of the passages the filters allow, sorted (``hash_array``):
    cached, so the first tier's rows and the full model's are found from one read.
    From the index of passage texts by document alone, as one string (no row or
    Python string each: 9 ms against 19 for 23,600); no DISTINCT (a text shared by
    passages is found twice, which costs less than SQLite sorting them out); sorted,
    they are found in a matrix's hash order (4.8 ms against 7.8)."""

    def build() -> np.ndarray:
        found = f"FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE {' AND '.join(where)}"
        joined, shortest, longest = store.conn.execute(
            f"SELECT group_concat(c.text_hash, ''), min(length(c.text_hash)),"
            f" max(length(c.text_hash)) {found}",
            params,
        ).fetchone()
        if joined is None:
            return hash_array([])
        if shortest == longest and shortest:  # one width: the string cuts into them
            texts = np.frombuffer(joined.encode("ascii"), dtype=f"S{longest}").copy()
        else:
            texts = hash_array(
                h for (h,) in store.conn.execute(f"SELECT c.text_hash {found}", params)
            )
        texts.sort()
        return texts

    return _cached(store, ("texts", tuple(where), tuple(params)), build)


class _Allowed:
    """A filter's rows of one matrix lineage, extended by the rows it gained since."""

    def __init__(self, mask: np.ndarray) -> None:
        self.mask = mask
        self.lock = threading.Lock()

    def rows(self, matrix: VectorMatrix, allowed: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        with self.lock:
            mask = self.mask
            if len(mask) < len(matrix):
                mask = self.mask = np.concatenate([mask, allowed(matrix.hashes[len(mask) :])])
        # The same object while the matrix stays (``top``'s steady narrow block).
        return mask if len(mask) == len(matrix) else mask[: len(matrix)]


def _vector_ranked(
    store: Store, best: list[tuple[str, float]], where: list[str], params: list[Any]
) -> list[tuple[int, float]]:
    """(chunk id, similarity) of the passages with these texts that the filters allow."""
    if not best:
        return []
    scores = dict(best)
    marks = ",".join("?" * len(scores))
    sql = f"SELECT id, text_hash FROM chunks WHERE text_hash IN ({marks})"
    args: tuple[Any, ...] = tuple(scores)
    if where:
        # The filter's set of passages, as the keyword side tests it: in the query, a
        # tag filter cost 3 ms a search (the tag's notes gathered each time). "+id":
        # else SQLite looks up every pair of a hash and an allowed id (20 ms).
        ids, id_args = _allowed_ids(store, where, params)
        sql += f" AND +id IN {ids}"
        args += id_args
    rows = store.conn.execute(sql, args).fetchall()
    ranked = [(cid, scores[digest]) for cid, digest in rows]
    ranked.sort(key=lambda r: (-r[1], r[0]))
    return ranked


def browse(store: Store, where: list[str], params: list[Any], limit: int) -> list[Any]:
    """Documents matching filters alone, newest first, each as its first passage."""
    sql = f"""
        SELECT c.id, c.doc_id, d.source, d.uri, d.path, d.title, c.heading_path, c.text,
               c.start, c.end, 0.0
        FROM documents d
        JOIN chunks c ON c.doc_id = d.id AND c.ordinal = 0
        WHERE {" AND ".join(where) or "1"}
        ORDER BY d.doc_date DESC, d.id DESC
        LIMIT ?"""
    return [Hit(*row) for row in store.conn.execute(sql, (*params, limit))]


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
    full, first = _tier_matrices(store, embedder)
    if full is None and first is None:  # nothing embedded (yet)
        return [] if mode == "vector" else keyword_search(store, query, filters, limit)
    alone = mode == "vector" and first is None  # one ranking: nothing to fuse
    depth = limit if alone else max(limit, _FUSE_DEPTH)
    pending = None
    if full is not None:
        pending = _start(full[0].embed_query, query, overlap=not alone and _core_free())
    if alone and full is not None and pending is not None:
        try:
            return hydrate(store, _vector_best(store, filters, limit, full[1], pending.result()))
        except EngineError:
            return []
    found = []
    if mode == "hybrid" or first is not None:
        found = keyword_search(store, query, filters, depth)
    rankings: list[tuple[list[int], float]] = []  # (chunk ids, weight in the fusion)
    among = None
    if first is not None:
        try:
            qfirst = first[0].embed_query(query)
            scan = _vector_scan(store, filters, first[1], qfirst)  # one scan for both
            if full is None:
                nearest = _vector_best(store, filters, depth, first[1], qfirst, scan=scan)
            else:
                # While the full model has not embedded everything, it ranks the
                # candidates keywords and the first tier bring, where it has their
                # vectors; over the whole of a partial set it would rank whatever
                # happened to be embedded first (measured: worse than the first tier).
                among = _candidate_hashes(store, found, scan)
                nearest = _vector_best(
                    store, filters, depth, first[1], qfirst, [full[1]], scan=scan
                )
            rankings.append(([cid for cid, _ in nearest], FIRST_TIER_WEIGHT))
        except EngineError:
            pass
    if full is not None and pending is not None:
        try:
            best = _vector_best(store, filters, depth, full[1], pending.result(), among=among)
            rankings.insert(0, ([cid for cid, _ in best], 1.0))
        except EngineError:
            pass
    kept = [(r, w) for r, w in rankings if r]
    if mode == "vector":
        return _fused(store, kept, [], limit)
    if not kept:
        return found[:limit]
    keyword = enough_terms(query, found)
    return _fused(store, [([h.chunk_id for h in keyword], 1.0), *kept], keyword, limit)


def _start(fn: Callable[[str], T], arg: str, *, overlap: bool) -> Future[T]:
    """``fn(arg)`` on the helper thread (``overlap``), else here and now."""
    if overlap:
        return _EMBED_POOL.submit(fn, arg)
    done: Future[T] = Future()
    try:
        done.set_result(fn(arg))
    except Exception as e:  # raised where the result is read, as from the helper
        done.set_exception(e)
    return done


def _core_free() -> bool:
    """Whether fewer tasks are running than there are cores, this one included
    (Linux's count of runnable tasks, read in microseconds; True where there is none).

    The query's embedding overlaps the keyword ranking only then: both release the
    GIL, so with a free core hybrid costs about the slower of the two; without one the
    overlap saves nothing and the hand-over between threads waits for the scheduler.
    Measured on 2 cores, tag-filtered hybrid at 99,216 vectors beside one busy process:
    p95 22.2 / 17.5 ms on the helper against 16.4 / 16.3 ms here; idle, p50 12.3 / 11.8
    ms on the helper against 14.4 / 14.8 ms here."""
    try:
        with open("/proc/loadavg", "rb") as f:
            running = int(f.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return True
    return running < (os.cpu_count() or 1)


# Passages each cheap ranking lends the full model while it covers only part of them.
_CANDIDATES = 24


def _tier_matrices(
    store: Store, embedder: Embedder
) -> tuple[tuple[Embedder, VectorMatrix] | None, tuple[Embedder, VectorMatrix] | None]:
    """(full model, its vectors) and (first tier, its vectors), each None when it has
    no vectors; the first tier is None too once the full model covers all it does."""
    chain = tiers(embedder)
    full = (chain[0], vector_matrix(store, chain[0].name))
    first = None
    if len(chain) > 1:
        first = (chain[1], vector_matrix(store, chain[1].name))
        if not len(first[1]) or (
            len(full[1]) and not _uncovered_rows(store, first[1], [full[1]]).any()
        ):
            first = None
    return (full if len(full[1]) else None), first


def _candidate_hashes(store: Store, found: list[Hit], scan: VectorScan) -> list[str]:
    """Text hashes of the best keyword hits and of the first tier's nearest passages:
    its scan's best rows, which are text hashes already, of rows the filters allow
    (``_vector_scan``), so they need no passage ids and no SQL (0.7–0.9 ms)."""
    ids = [h.chunk_id for h in found[:_CANDIDATES]]
    marks = ",".join("?" * len(ids))
    rows = store.conn.execute(f"SELECT text_hash FROM chunks WHERE id IN ({marks})", ids)
    nearest = [digest for digest, _ in scan.best(_CANDIDATES)]
    return list(dict.fromkeys([*(h for (h,) in rows), *nearest]))


def _fused(
    store: Store, rankings: list[tuple[list[int], float]], known: list[Hit], limit: int
) -> list[Hit]:
    """Weighted RRF over (ranking of chunk ids, weight) pairs; only winners not among
    the ``known`` hits are read from the database."""
    fused = rrf([r for r, _ in rankings], limit, weights=[w for _, w in rankings])
    have = {h.chunk_id: h for h in known}
    read = {h.chunk_id: h for h in hydrate(store, [(c, 0.0) for c, _ in fused if c not in have])}
    return [
        replace(have.get(c) or read[c], score=score) for c, score in fused if c in have or c in read
    ]


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
