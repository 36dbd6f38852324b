"""agent.index.vectors: the search matrix read while the background embedder writes."""

from __future__ import annotations

import sqlite3
import threading
import time
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
        assert matrix.shape == (len(expected), 8)
        for h, row in zip(hashes, matrix, strict=True):
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

        def read(*args: Any) -> Any:
            # The stale matrix has left the cache (peak memory: one matrix, not two),
            # and the other searches wait for this read instead of making their own.
            assert vectors._CACHE.get(store, {}).get(MODEL) is None
            reads.append(args)
            time.sleep(0.2)
            return real(*args)

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
