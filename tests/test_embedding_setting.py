"""The embedding model is a setting: an Ollama embedding model instead of the packaged
offline one, with search falling back to keywords when Ollama goes away."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.config import Paths
from agent.workspace import Workspace
from tests.fakes.engines import FakeEngine
from tests.fakes.ollama_server import FakeOllama


@pytest.fixture
def fake():
    with FakeOllama() as server:
        yield server


def test_ollama_embeddings_from_the_setting(
    fake: FakeOllama, paths: Paths, notes_dir: Path
) -> None:
    ws = Workspace(paths, engine=FakeEngine())
    ws.settings.ollama_host = fake.url
    ws.settings.embedding_model = "nomic-embed-text:latest"
    ws.save_settings()
    ws = Workspace(paths, engine=FakeEngine())  # the setting is read from the file
    assert ws.embedder.name == "ollama:nomic-embed-text:latest"

    ws.index_notes(str(notes_dir))
    assert ws.embed_pending() > 0
    assert fake.bodies("/api/embed")[0]["model"] == "nomic-embed-text:latest"
    models = {m for (m,) in ws.store.conn.execute("SELECT DISTINCT model FROM embeddings")}
    assert models == {"ollama:nomic-embed-text:latest"}
    assert ws.search("When does the ferry leave?")[0].path.endswith("ferry.md")

    fake.stop()  # Ollama gone: search still answers, from keywords
    hits = ws.search("When does the ferry leave?")
    assert hits and hits[0].path.endswith("ferry.md")
    ws.close()


def test_changing_the_setting_swaps_the_embedder(
    fake: FakeOllama, paths: Paths, notes_dir: Path
) -> None:
    ws = Workspace(paths, engine=FakeEngine())
    ws.settings.ollama_host = fake.url
    ws.index_notes(str(notes_dir))
    before = ws.embedder
    ws.settings.embedding_model = "nomic-embed-text:latest"
    ws.reset_engine()  # what the app does after Settings › Models
    assert ws.embedder is not before and ws.embedder.name == "ollama:nomic-embed-text:latest"
    assert ws.embed_pending() > 0  # everything is embedded again with the new model
    assert ws.search("ferry")[0].path.endswith("ferry.md")
    ws.close()
