"""A change of the embedding model goes through the gate, from the command line
(`fanous models embedding NAME`) and from Settings › Models in the window: the packaged
E5 (the model in use) against an Ollama embedding model served by the double (a hashed
bag of words: it misses paraphrases), on retrieval recall of the user's rated questions.
Worse beyond noise: said, and the previous model kept unless the user says otherwise;
no rated answers: said, and switched."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from agent.cli import main
from agent.config import Paths, load_settings
from agent.monitor import feedback
from agent.monitor.update_gate import gate_embedding_change
from agent.workspace import Workspace
from tests import test_desktop as base
from tests.conftest import write_notes
from tests.fakes.engines import FakeEngine
from tests.fakes.ollama_server import FakeOllama

open_window = base.open_window  # the window fixture
NEW = "nomic-embed-text:latest"
NOTES = {
    "travel/ferry.md": "# Ferry\n\nThe ferry to Hydra leaves Piraeus at 7:40 from pier 3.\n",
    "health/dentist.md": "# Dentist\n\nDr. Karim sees me on Tuesday at 10:00 for a check-up.\n",
    "home/wifi.md": "# Home\n\nThe wifi password is written on the fridge door.\n",
    "work/standup.md": "# Work\n\nOur team meets every weekday at 9:15 in room Cedar.\n",
    "car/service.md": "# Car\n\nThe garage changes the oil every 15000 km; next visit in March.\n",
    "pets/vet.md": "# Pets\n\nLuna gets her rabies vaccine at the clinic on Friday.\n",
}
TOPICS = (
    "gardening tomatoes compost", "book club novel chapter", "budget groceries receipt",
    "guitar chords practice", "recipe lentil soup onion", "running shoes marathon pace",
    "tax form deadline accountant", "birthday party cake balloons", "printer toner cartridge",
    "bicycle tyre puncture repair", "museum tickets exhibition", "yoga class stretching mat",
    "phone contract roaming data", "insurance claim broken window", "plant watering cactus",
)  # fmt: skip
for _i, _topic in enumerate(TOPICS * 2):  # notes that share only everyday words
    NOTES[f"misc/n{_i}.md"] = (
        f"# Note {_i}\n\nThe {_topic} is on the list for the week; the plan is to sort it "
        "out with the family.\n"
    )
RATED = {  # paraphrases: no word of the passage that answers them
    "What time does the boat to the island depart?": "7:40",
    "Which day is my appointment about my teeth?": "Tuesday",
    "Where can I find the code for the wireless internet?": "fridge",
    "In which room do colleagues gather each morning?": "Cedar",
    "When is the vehicle due at the mechanic?": "March",
    "When does the dog get her jab?": "Friday",
}


@pytest.fixture
def fake() -> Iterator[FakeOllama]:
    with FakeOllama() as f:
        yield f


def make_home(home: Path, notes: Path, fake: FakeOllama, *, rated: bool) -> None:
    """A Fanous home on the packaged E5 with the notes indexed and embedded, and (with
    ``rated``) the rated questions given their right answers."""
    ws = Workspace(Paths.resolve(home), engine=FakeEngine())
    ws.settings.ollama_host = fake.url
    ws.add_notes_folder(str(notes))
    ws.save_settings()
    ws.index_notes(str(notes))
    ws.embed_pending()
    if rated:
        for question, right in RATED.items():
            answer = ws.ask(question)
            assert answer.turn_id is not None
            feedback.give(ws.store, answer.turn_id, rating="down", correction=right)
    ws.close()


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return write_notes(tmp_path / "notes", NOTES)


def test_without_rated_answers_there_is_nothing_to_compare(fake_workspace: Workspace) -> None:
    assert gate_embedding_change(fake_workspace, NEW) is None


def test_the_cli_keeps_the_previous_model_when_the_new_one_finds_less(
    tmp_path: Path, notes: Path, fake: FakeOllama, capsys: Any, monkeypatch: Any
) -> None:
    home = tmp_path / "home"
    make_home(home, notes, fake, rated=True)
    monkeypatch.setenv("FANOUS_HOME", str(home))
    assert main(["models", "embedding", NEW]) == 1  # not a terminal: nobody to ask
    out = capsys.readouterr()
    assert "6 before" in out.out and "worse beyond noise" in out.out
    assert "Kept the offline one" in out.err and "--no-gate" in out.err
    assert load_settings(Paths.resolve(home)).embedding_model == ""
    assert not fake.bodies("/api/embed") or all(
        b["model"] == NEW for b in fake.bodies("/api/embed")
    )  # the new model embedded a copy; the user's index only has E5's vectors
    ws = Workspace(Paths.resolve(home), engine=FakeEngine())
    models = {m for (m,) in ws.store.conn.execute("SELECT DISTINCT model FROM embeddings")}
    ws.close()
    assert not any(NEW in m for m in models)

    assert main(["models", "embedding", NEW, "--no-gate"]) == 0
    assert load_settings(Paths.resolve(home)).embedding_model == NEW
    assert main(["models", "embedding", "--json"]) == 0
    assert f'"embedding_model": "{NEW}"' in capsys.readouterr().out


def test_the_cli_switches_without_a_check_when_nothing_is_rated(
    tmp_path: Path, notes: Path, fake: FakeOllama, capsys: Any, monkeypatch: Any
) -> None:
    home = tmp_path / "home"
    make_home(home, notes, fake, rated=False)
    monkeypatch.setenv("FANOUS_HOME", str(home))
    assert main(["models", "embedding", NEW]) == 0
    out = capsys.readouterr()
    assert "needs rated answers" in out.err and "switching without a check" in out.err
    assert load_settings(Paths.resolve(home)).embedding_model == NEW


def settled(window: Any) -> bool:
    """Nothing left on the window's workers (the engine chosen again, its status probed)."""
    return not window.ops.busy and not window.probes.busy


def choose_embedding(window: Any, name: str) -> None:
    dialog = window.open_settings("Models")
    dialog.models.embedding_model.setText(name)
    dialog.accept()


def test_the_window_checks_a_new_embedding_model_and_offers_to_keep_the_old(
    qtbot: Any,
    open_window: Any,
    tmp_path: Path,
    notes: Path,
    fake: FakeOllama,
) -> None:
    make_home(tmp_path / "home", notes, fake, rated=True)
    window = open_window()
    gate = window.embedding_gate
    asked: list[str] = []
    gate._ask_keep = lambda _parent, message: asked.append(message) or True

    choose_embedding(window, NEW)
    assert gate.progress is not None and gate.progress.isVisible()  # while it measures
    assert window.workspace.settings.embedding_model == ""  # not before the check
    qtbot.waitUntil(lambda: gate.op is None, timeout=180_000)
    assert gate.last is not None and gate.last.worse and gate.progress is None
    assert len(asked) == 1 and "worse beyond noise" in asked[0]
    assert window.workspace.settings.embedding_model == ""
    assert load_settings(window.workspace.paths).embedding_model == ""
    assert "Kept the previous" in window.statusBar().currentMessage()

    # "Use the new one anyway": switched, saved, and the embedder follows.
    gate._ask_keep = lambda _parent, message: asked.append(message) and False
    choose_embedding(window, NEW)
    qtbot.waitUntil(lambda: gate.op is None, timeout=180_000)
    assert len(asked) == 2 and load_settings(window.workspace.paths).embedding_model == NEW
    qtbot.waitUntil(lambda: settled(window), timeout=60_000)
    assert window.workspace.embedder is not None and NEW in window.workspace.embedder.name


def test_the_window_switches_and_says_why_when_nothing_is_rated(
    qtbot: Any,
    open_window: Any,
    tmp_path: Path,
    notes: Path,
    fake: FakeOllama,
) -> None:
    home = tmp_path / "home"
    Paths.resolve(home).ensure().settings_file.write_text(tomli_w.dumps({"ollama_host": fake.url}))
    window = open_window(folders=[notes])
    gate = window.embedding_gate
    gate._ask_keep = lambda *_a: pytest.fail("nothing to ask without rated answers")
    choose_embedding(window, NEW)
    qtbot.waitUntil(lambda: gate.op is None, timeout=60_000)
    assert gate.last is None and "needs rated answers" in window.statusBar().currentMessage()
    assert load_settings(window.workspace.paths).embedding_model == NEW
    qtbot.waitUntil(lambda: settled(window), timeout=60_000)
