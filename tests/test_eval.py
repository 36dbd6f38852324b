"""`fanous eval`: your feedback and the shipped set asked of each model through the real
turn, on copies (your history untouched), the cloud only when asked for the run (its
ledger rows kept), and the router calibrated from the results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.cli import main
from agent.engines.anthropic import AnthropicEngine
from agent.index.vectors import EngineEmbedder
from agent.monitor import eval_run, feedback
from agent.monitor.answer_set import (
    EvalQuestion,
    key_facts,
    shipped_dir,
    shipped_questions,
    your_questions,
)
from agent.monitor.calibration import calibrate
from agent.monitor.evaluation import Candidate, evaluate, report, scratch, your_bench
from agent.privacy import entries
from agent.turn_log import rows
from agent.workspace import Workspace
from contracts.errors import ConfigError
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.engines import FakeEngine


def test_calibration_keeps_95_percent_of_the_cloud_with_fewest_escalations() -> None:
    # (router score, local right, cloud right): the local model fails the hard ones.
    items = [(0.1, True, True)] * 6 + [(0.3, True, True)] * 2 + [(0.6, False, True)] * 2
    cal = calibrate(items)
    assert cal is not None
    assert (cal.cloud_accuracy, cal.local_accuracy) == (1.0, 0.8)
    assert (cal.threshold, cal.escalated_share, cal.accuracy) == (0.6, 0.2, 1.0)
    # Asking for less keeps more local: nothing need go.
    loose = calibrate(items, keep=0.8)
    assert loose is not None and loose.escalated_share == 0.0 and loose.threshold == 1.0
    assert [t for t, _, _ in cal.curve] == [0.0, 0.1, 0.3, 0.6, 1.0]
    assert calibrate([]) is None


def test_feedback_becomes_questions_with_facts() -> None:
    assert key_facts("The ferry leaves at 7:40 from Piraeus. It costs 12 euros.") == (
        "7:40", "Piraeus", "12",
    )  # fmt: skip
    q = EvalQuestion("x", "?", ("7:40", "Piraeus", "12"), "yours", share=0.5)
    assert q.correct("At 7:40 from piraeus") and not q.correct("At 7:40")
    f = feedback.Feedback
    items = [
        f(1, 0, None, "7:40", "When?", "8:00", "fake", "m", "local"),
        f(2, 0, "up", None, "Where?", "From Piraeus at 7:40.", "fake", "m", "local"),
        f(3, 0, "down", None, "Who?", "Omar", "fake", "m", "local"),  # no right answer
        f(4, 0, "up", None, "", "gone", "fake", "m", "local"),  # its chat was deleted
    ]
    questions, skipped = your_questions(items)
    assert [(q.id, q.facts, q.share) for q in questions] == [
        ("turn-1", ("7:40",), None), ("turn-2", ("Piraeus", "7:40"), 0.5),
    ]  # fmt: skip
    assert skipped == 2


def test_the_shipped_set_is_found_and_spread_over_languages() -> None:
    folder = shipped_dir()
    assert folder is not None and (folder / "corpus" / "mail" / "inbox.mbox").is_file()
    some = shipped_questions(folder, limit=24)
    assert len(some) == 24 and len({q.lang for q in some}) >= 3
    assert all(q.facts and q.origin == "shipped" for q in some)


@pytest.fixture
def ws(paths, notes_dir: Path):
    fake = FakeEngine()
    w = Workspace(paths, engine=FakeEngine("The ferry leaves at 8:15."),
                  embedder=EngineEmbedder(fake))  # fmt: skip
    w.index_notes(str(notes_dir))
    yield w
    w.close()


def test_eval_asks_on_copies_and_scores_your_feedback(ws, capsys, monkeypatch, paths) -> None:
    wrong = ws.ask("When does the ferry leave?")
    assert wrong.turn_id is not None
    feedback.give(ws.store, wrong.turn_id, rating="down", correction="7:40")
    history = ws.store.conn.execute("SELECT count(*) FROM messages").fetchone()[0]
    engine = ws.engine
    assert isinstance(engine, FakeEngine)
    engine.replies = ["At 7:40 from pier 3.", "I do not know.", "It leaves at 7:40."]
    seen: list[str] = []
    result = eval_run.run(ws, shipped=2, progress=lambda n, t, what: seen.append(what))
    (model,) = result.candidates
    assert (model.label, model.current, model.questions) == ("fake/fake-model", True, 3)
    assert model.by_origin["yours"] == [1, 1] and model.by_origin["shipped"][1] == 2
    assert model.seconds_median is not None and result.calibration is None
    assert any("yours turn-" in s for s in seen) and seen[-1] == "done"
    # Nothing of the evaluation reached the history or the turn log.
    assert ws.store.conn.execute("SELECT count(*) FROM messages").fetchone()[0] == history
    assert len(rows(ws.store)) == 1

    with pytest.raises(ConfigError, match="Cloud escalation is off"):
        eval_run.run(ws, cloud=True)


def test_the_cloud_side_calibrates_the_router_and_its_requests_are_ledgered(ws) -> None:
    # Local answers nothing right; the cloud double repeats its prompt, passages and all.
    qs = [
        EvalQuestion("a", "When does the ferry leave?", ("7:40",), "yours"),
        EvalQuestion(
            "b", "Compare the ferry and the standup and plan my Tuesday", ("9:15",), "yours"
        ),
    ]
    ws.settings.cloud_escalation = True
    local = Candidate("fake/fake-model", ws.engine, current=True)
    with FakeAnthropic(api_key="sk-ant-test") as fake, scratch() as tmp:
        cloud = AnthropicEngine(base_url=fake.url, model="claude-3-5-haiku-latest",
                                api_key="sk-ant-test")  # fmt: skip
        bench = your_bench(ws, qs, Path(tmp))
        candidates = [local, Candidate("anthropic (cloud)", ws.engine, cloud=cloud)]
        outcomes, cancelled = evaluate(candidates, [bench])
        from agent.monitor.evaluation import copy_ledger

        assert copy_ledger(bench.store, ws.store) == 2
        bench.store.close()
    result = report(candidates, outcomes, not_scored=0, cancelled=cancelled)
    by = {c.label: c for c in result.candidates}
    assert by["fake/fake-model"].accuracy == 0.0 and by["anthropic (cloud)"].accuracy == 1.0
    assert by["anthropic (cloud)"].cost_usd > 0
    cal = result.calibration
    assert cal is not None and cal.cloud_accuracy == 1.0 and cal.escalated_share == 1.0
    assert [e.provider for e in entries(ws.store)] == ["anthropic", "anthropic"]
    assert json.loads(json.dumps(result.to_json()))["calibration"]["questions"] == 2


@pytest.mark.model
def test_eval_from_the_command_line(ws, paths, capsys, monkeypatch) -> None:
    # The command opens the home as the user would: the real packaged model answers.
    monkeypatch.setenv("FANOUS_HOME", str(paths.data_dir.parent))
    assert main(["eval", "--shipped", "0"]) == 1
    assert "There is nothing to evaluate yet" in capsys.readouterr().err
    answer = ws.ask("When does the ferry leave?")
    assert answer.turn_id is not None
    feedback.give(ws.store, answer.turn_id, correction="7:40")
    ws.close()
    assert main(["eval", "--shipped", "0", "--current-only", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (model,) = data["models"]
    assert (model["model"], model["current"], model["failures"]) == (
        "embedded/smollm2-135m", True, 0,
    )  # fmt: skip
    assert model["by_set"]["yours"]["questions"] == 1 and model["seconds_median"] > 0
    assert main(["eval", "--shipped", "0", "--current-only"]) == 0
    out = capsys.readouterr().out
    assert "(now)" in out and "Router calibration needs the cloud" in out
