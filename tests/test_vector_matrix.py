"""agent.index.vectors: the search matrix read while the background embedder writes."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from agent.index import vectors
from agent.store import Store

MODEL = "test-model"


def _vecs(n: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((n, 8)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _insert(conn: sqlite3.Connection, start: int, rows: np.ndarray) -> None:
    conn.executemany(
        "INSERT INTO embeddings (model, text_hash, vec) VALUES (?, ?, ?)",
        [(MODEL, f"h{start + i:05d}", v.tobytes()) for i, v in enumerate(rows)],
    )
    conn.commit()


class _WriterAfterCount:
    """The store's connection, with another connection committing ``rows`` (and
    deleting ``delete``) right after the reader counted: the background embedder's race."""

    def __init__(self, store: Store, rows: np.ndarray, start: int, delete: int = 0) -> None:
        self.store, self.rows, self.start, self.delete = store, rows, start, delete

    @property
    def conn(self) -> Any:
        outer = self

        class Conn:
            def execute(self, sql: str, params: Any = ()) -> Any:
                cursor = outer.store.conn.execute(sql, params)
                if sql.lstrip().startswith("SELECT count(*)"):
                    result = cursor.fetchone()
                    with sqlite3.connect(outer.store.path) as writer:
                        writer.execute(
                            "DELETE FROM embeddings WHERE text_hash IN "
                            "(SELECT text_hash FROM embeddings ORDER BY text_hash LIMIT ?)",
                            (outer.delete,),
                        )
                        _insert(writer, outer.start, outer.rows)
                    return _Fetched(result)
                return cursor

        return Conn()


class _Fetched:
    def __init__(self, row: Any) -> None:
        self.row = row

    def fetchone(self) -> Any:
        return self.row


@pytest.mark.parametrize(
    ("before", "after", "deleted"),
    [(0, 5, 0), (3, 4, 0), (3, 0, 2), (6000, 5000, 10)],
    ids=["first-rows-after-an-empty-count", "more-after-the-count", "deleted", "many-blocks"],
)
def test_rows_committed_or_deleted_after_the_count_are_read_right(
    tmp_path: Path, before: int, after: int, deleted: int
) -> None:
    store = Store(tmp_path / "index.db")
    try:
        old, new = _vecs(before, 1), _vecs(after, 2)
        _insert(store.conn, 0, old)
        racing = _WriterAfterCount(store, new, before, deleted)
        names, matrix = vectors._read_vectors(racing, MODEL, np.float16)
        hashes = [h.decode() for h in names]
        expected = dict(
            zip([f"h{i:05d}" for i in range(before + after)], [*old, *new], strict=True)
        )
        for gone in sorted(expected)[:deleted]:
            expected.pop(gone)
        assert sorted(hashes) == sorted(expected)
        # Rows past the hashes' (where deleted rows were counted) are room, unused.
        assert matrix.shape[1] == 8 and len(matrix) >= len(expected)
        for h, row in zip(hashes, matrix[: len(hashes)], strict=True):
            np.testing.assert_allclose(row.astype(np.float32), expected[h], atol=1e-3)
    finally:
        store.close()


def test_rows_are_found_by_their_text_hash() -> None:
    names = [f"{n:032x}" for n in (7, 3, 11, 5)]
    vecs = _vecs(4, 3)
    matrix = vectors.VectorMatrix(1, vectors.hash_array(names), vecs, 0.0)
    wanted = [names[2], "f" * 32, names[0], "not-a-hash-of-this-length", names[2]]
    assert matrix.rows_of(wanted).tolist() == [2, 0, 2]  # their order; absent ones left out
    assert matrix.rows_of([]).size == 0
    other = vectors.VectorMatrix(1, vectors.hash_array([names[1], "e" * 32]), vecs[:2], 0.0)
    assert matrix.holds([other]).tolist() == [False, True, False, False]
    assert not matrix.holds([]).any()
    best = matrix.top(vecs[3], 2, among=[names[3], names[1]])
    assert best[0] == (names[3], pytest.approx(1.0, abs=1e-5))
    assert {h for h, _ in best} == {names[3], names[1]}


def _bump(conn: sqlite3.Connection) -> None:
    """What the embedder does after a batch: the vectors' version moves on."""
    conn.execute(
        "INSERT INTO index_state (key, value) VALUES (?, 1) ON CONFLICT(key) "
        "DO UPDATE SET value = value + 1",
        (f"embeddings:{MODEL}",),
    )
    conn.commit()


def test_a_changed_matrix_is_read_once_and_never_beside_the_stale_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "index.db")
    try:
        _insert(store.conn, 0, _vecs(5, 1))
        _bump(store.conn)
        first = vectors.vector_matrix(store, MODEL)
        _insert(store.conn, 5, _vecs(3, 2))
        _bump(store.conn)
        reads: list[object] = []
        real = vectors._read_vectors

        def read(*args: Any, **kwargs: Any) -> Any:
            # The stale matrix has left the cache (peak memory: one matrix, not two),
            # and the other searches wait for this read instead of making their own.
            assert vectors._CACHE.get(store, {}).get(MODEL) is None
            reads.append(args)
            time.sleep(0.2)
            return real(*args, **kwargs)

        monkeypatch.setattr(vectors, "_read_vectors", read)
        found: list[vectors.VectorMatrix] = []
        threads = [
            threading.Thread(target=lambda: found.append(vectors.vector_matrix(store, MODEL)))
            for _ in range(3)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(reads) == 1
        assert len(first) == 5 and [len(m) for m in found] == [8, 8, 8]
        assert found[0] is found[1] is found[2]
    finally:
        store.close()


class _Random:
    """An embedder whose vector of a text is random but fixed by the text."""

    name = MODEL

    def embed_passages(self, texts: Any) -> np.ndarray:
        return np.stack([_vecs(1, int(t.split()[-1]))[0] for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return _vecs(1, int(text.split()[-1]))[0]


def _batch(store: Store, numbers: range | list[int], seed: int = 0) -> None:
    """One batch of the embedder's: text hashes h<number>, vectors by number + seed."""
    vectors.embed_texts(store, _Random(), {f"h{n:05d}": f"text {n + seed}" for n in numbers})


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    reads: list[Any] = []
    real = vectors._read_vectors

    def read(*args: Any, **kwargs: Any) -> Any:
        reads.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(vectors, "_read_vectors", read)
    return reads


_READ = vectors._read_vectors  # the test's own reads, not counted


def _as_read_now(store: Store) -> dict[str, np.ndarray]:
    names, matrix = _READ(store, MODEL, np.float32)
    return {h.decode(): row for h, row in zip(names, matrix, strict=False)}


def test_vectors_written_since_are_read_alone_and_rank_as_a_full_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The background embedder commits a batch every second or so for hours: search
    reads those vectors alone (the embedding log), not the whole matrix again, and
    ranks as it would after reading everything."""
    store = Store(tmp_path / "index.db")
    try:
        _batch(store, range(50))
        reads = _count_reads(monkeypatch)
        first = vectors.vector_matrix(store, MODEL)
        assert len(first) == 50 and len(reads) == 1
        first.rows_of(["h00003"])  # sorted once: later matrices merge new rows into it
        steps: list[Callable[[], None]] = [
            lambda: _batch(store, range(50, 57)),
            lambda: _batch(store, [3, 60, 9], seed=1000),  # two written again, one new
            lambda: (_batch(store, range(61, 64)), _batch(store, range(64, 70))),
            lambda: _batch(store, [61], seed=2000),
        ]
        queries = _vecs(5, 99)
        for step in steps:
            step()
            matrix = vectors.vector_matrix(store, MODEL)
            now = _as_read_now(store)
            assert matrix.lineage == first.lineage and len(matrix) == len(now)
            for h, row in zip(matrix.hashes, matrix.matrix, strict=True):
                np.testing.assert_allclose(row.astype(np.float32), now[h.decode()], atol=1e-3)
            assert matrix._order is not None
            np.testing.assert_array_equal(matrix._order, np.argsort(matrix.hashes, kind="stable"))
            names = sorted(now)
            assert [matrix.hashes[r].decode() for r in matrix.rows_of(names)] == names
            for q in queries:
                exact = sorted(now, key=lambda h: -float(now[h] @ q))[:5]
                assert [h for h, _ in matrix.top(q, 5)] == exact
        assert len(reads) == 1, "no full read after the first"
        assert first.version == 1 and len(first) == 50, "a matrix a search holds is unchanged"
    finally:
        store.close()


def _writer_without_log(store: Store) -> None:
    with store.atomic() as conn:
        _insert(conn, 900, _vecs(2, 5))
        vectors._bump(store, MODEL)


def _removed_without_a_version(store: Store) -> None:
    _batch(store, [80])
    store.conn.execute("DELETE FROM embeddings WHERE text_hash = 'h00080'")
    store.conn.commit()
    _batch(store, [81])


def _log_trimmed(store: Store) -> None:
    for n in range(80, 84):
        _batch(store, [n])


def _no_room(store: Store) -> None:
    _batch(store, range(80, 90))


@pytest.mark.parametrize(
    "change", [_writer_without_log, _removed_without_a_version, _log_trimmed, _no_room]
)
def test_what_the_log_cannot_explain_is_read_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: Callable[[Store], None]
) -> None:
    monkeypatch.setattr(vectors, "_LOG_KEPT", 2)
    monkeypatch.setattr(vectors, "_LOG_TRIM_EVERY", 1)
    monkeypatch.setattr(vectors, "_room_for", lambda rows: 4)
    store = Store(tmp_path / "index.db")
    try:
        _batch(store, range(10))
        reads = _count_reads(monkeypatch)
        vectors.vector_matrix(store, MODEL)
        change(store)
        matrix = vectors.vector_matrix(store, MODEL)
        assert len(reads) == 2
        now = _as_read_now(store)
        assert sorted(h.decode() for h in matrix.hashes) == sorted(now)
        assert matrix.version == vectors._version(store, MODEL)
    finally:
        store.close()


def test_the_log_is_trimmed_and_goes_with_its_model(tmp_path: Path) -> None:
    store = Store(tmp_path / "index.db")
    try:
        for n in range(vectors._LOG_KEPT + vectors._LOG_TRIM_EVERY):
            _batch(store, [n % 7])
        kept = store.conn.execute("SELECT min(version), count(*) FROM embedding_log").fetchone()
        assert kept[0] > 1 and kept[1] <= vectors._LOG_KEPT + vectors._LOG_TRIM_EVERY
        with store.atomic() as conn:  # a passage of another model's: pruned with its log
            conn.execute("INSERT INTO embeddings VALUES ('other', 'h00001', x'00000000')")
            conn.execute("INSERT INTO embedding_log VALUES ('other', 1, 'h00001', 0)")
        vectors.prune_embeddings(store, MODEL)  # no chunks: every vector goes
        assert store.conn.execute("SELECT count(*) FROM embedding_log").fetchone()[0] > 0
        assert store.conn.execute(
            "SELECT count(*) FROM embedding_log WHERE model = 'other'"
        ).fetchone() == (0,)
    finally:
        store.close()
