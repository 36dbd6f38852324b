"""The update gate: two versions of an Ollama model served by the double (the new one
worse: said, with the rollback), two GGUF files on the embedded engine, and two
embedding models on a copy of the index; the sign test that decides "beyond noise"."""

from __future__ import annotations

import ctypes
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomli_w

from agent.cli import main
from agent.engines.embedded import EmbeddedEngine, file_digest
from agent.engines.ollama_manager import OllamaManager
from agent.engines.packaged import resolve_model_path
from agent.index.vectors import EngineEmbedder
from agent.model_digests import StoreDigests
from agent.monitor import feedback
from agent.monitor.update_gate import compare_embedders, compare_versions, worse
from agent.workspace import Workspace
from tests.fakes.engines import FakeEngine
from tests.fakes.ollama_server import FakeOllama

CHAT = "llama3.2:1b"
RATED = {  # question -> the right answer (the notes of tests/conftest.py)
    "When does the ferry to Hydra leave?": "7:40",
    "How much does a ferry ticket cost?": "12 euros",
    "When is the dentist appointment?": "Tuesday",
    "Where is the team standup?": "Cedar",
    "What time is the standup?": "9:15",
    "Where is the wifi password?": "fridge",
}


def test_worse_means_beyond_noise() -> None:
    # Lost minus gained must reach 2 and two standard deviations of a fair coin.
    assert not worse(0, 0) and not worse(2, 0) and not worse(3, 0) and not worse(4, 2)
    assert worse(4, 0) and worse(7, 1) and worse(9, 2) and not worse(5, 1)


def rate(ws: Workspace) -> None:
    """The user's rated questions: asked once, each given its right answer."""
    for question, right in RATED.items():
        answer = ws.ask(question)
        assert answer.turn_id is not None
        feedback.give(ws.store, answer.turn_id, rating="down", correction=right)


@pytest.fixture
def fake() -> Iterator[FakeOllama]:
    with FakeOllama() as f:
        yield f


@pytest.fixture
def ws(paths, notes_dir: Path) -> Iterator[Workspace]:
    w = Workspace(paths, engine=FakeEngine(), embedder=EngineEmbedder(FakeEngine()))
    w.index_notes(str(notes_dir))
    rate(w)
    yield w
    w.close()


def test_an_ollama_update_that_answers_worse_is_caught(ws, fake: FakeOllama) -> None:
    manager = OllamaManager(fake.url, digests=StoreDigests(ws.store), executable="")
    fake.publish_update(CHAT)
    update = manager.pull(CHAT)
    assert update.status == "updated" and update.pinned
    fake.replies[fake.registry_digest(CHAT)] = "I could not find that."  # the new version
    gate = compare_versions(ws, manager.engine(update.pinned), manager.engine(CHAT),
                            undo=f"`fanous models rollback {CHAT}`", shipped=0)  # fmt: skip
    # The old version repeats its prompt, passages and all: it holds every fact.
    assert (gate.questions, gate.previous_right, gate.current_right) == (6, 6, 0)
    assert gate.worse and gate.message().endswith(f"`fanous models rollback {CHAT}`")
    assert gate.previous.endswith("-fanous-" + update.previous_digest.removeprefix("sha256:")[:12])

    fake.replies.clear()  # a new version as good as the old one passes
    same = compare_versions(ws, manager.engine(update.pinned), manager.engine(CHAT),
                            undo="-", shipped=0)  # fmt: skip
    assert not same.worse and same.lost == 0 and "no worse beyond noise" in same.message()


def test_models_pull_checks_an_update(ws, fake: FakeOllama, paths, capsys, monkeypatch) -> None:
    (paths.config_dir / "settings.toml").write_text(tomli_w.dumps({"ollama_host": fake.url}))
    ws.close()
    monkeypatch.setenv("FANOUS_HOME", str(paths.data_dir.parent))
    monkeypatch.setenv("PATH", "/nonexistent")  # never an `ollama` binary of this machine
    assert main(["models", "pull", CHAT, "--json"]) == 0  # up to date: nothing to check
    assert json.loads(capsys.readouterr().out)["gate"] is None
    fake.publish_update(CHAT)
    fake.replies[fake.registry_digest(CHAT)] = "No idea."
    assert main(["models", "pull", CHAT, "--json"]) == 0
    gate = json.loads(capsys.readouterr().out)["gate"]
    assert gate["worse"] and gate["lost"] >= 6 and "fanous models rollback" in gate["undo"]
    fake.publish_update(CHAT)
    assert main(["models", "pull", CHAT, "--no-gate"]) == 0
    out = capsys.readouterr().out
    assert "updated" in out and "worse" not in out
    # Any two versions, by name: the one kept for the rollback against the current one.
    pinned = next(m for m in fake.models if "-fanous-" in m)
    assert main(["models", "compare", pinned, CHAT, "--shipped", "0", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["questions"] == len(RATED) and data["current"] == f"ollama/{CHAT}"


@pytest.fixture(scope="module")
def requantised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second GGUF file of the packaged model: llama.cpp's own quantiser, Q4_1 -> Q4_0."""
    import llama_cpp

    path = tmp_path_factory.mktemp("gguf") / "smollm2-135m-q4_0.gguf"
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = llama_cpp.LLAMA_FTYPE_MOSTLY_Q4_0
    params.allow_requantize = True
    params.nthread = 1
    src = str(resolve_model_path("smollm2-135m")).encode()
    assert llama_cpp.llama_model_quantize(src, str(path).encode(), ctypes.byref(params)) == 0
    return path


@pytest.mark.model
def test_two_gguf_files_on_the_embedded_engine(ws, requantised: Path) -> None:
    packaged = resolve_model_path("smollm2-135m")
    assert file_digest(packaged) != file_digest(requantised)
    gate = compare_versions(ws, EmbeddedEngine("smollm2-135m"), EmbeddedEngine(str(requantised)),
                            undo="set embedded_model back to smollm2-135m", shipped=0)  # fmt: skip
    assert (gate.previous, gate.current) == ("embedded/smollm2-135m", f"embedded/{requantised}")
    assert gate.questions == len(RATED) and gate.lost + gate.gained <= len(RATED)
    assert gate.worse == worse(gate.lost, gate.gained)
    print(f"\nQ4_1 {gate.previous_right}/{gate.questions}, Q4_0 {gate.current_right}")


def test_an_embedding_change_is_measured_on_a_copy(ws) -> None:
    before = ws.store.conn.execute("SELECT count(*) FROM embeddings").fetchone()[0]
    other = EngineEmbedder(FakeEngine(model="other-embedder"))
    gate = compare_embedders(ws, ws.embedder, other, undo="keep embedding_model = ''")
    assert gate.what == "retrieval recall@5" and gate.questions == len(RATED)
    assert (gate.previous, gate.current) == ("fake:fake-model", "fake:other-embedder")
    assert gate.previous_right == gate.current_right == len(RATED)  # 4 notes: all in the top 5
    assert ws.store.conn.execute("SELECT count(*) FROM embeddings").fetchone()[0] == before
