"""The turn log: every turn writes one row (answered, failed, escalated), `fanous stats`
sums it up, and `fanous ledger --export` writes it beside the ledger."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from agent import turn_log
from agent.cli import main
from agent.engines.embedded import file_digest
from agent.monitor.stats import quantile, summarise
from agent.workspace import Workspace
from contracts.errors import EngineError
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.engines import FakeEngine


def test_an_answered_turn_is_logged_without_its_text(paths, notes_dir: Path) -> None:
    ws = Workspace(paths, engine=FakeEngine("The ferry leaves at 7:40 from pier 3."))
    ws.index_notes(str(notes_dir))
    answer = ws.ask("When does the ferry leave?")
    (row,) = turn_log.rows(ws.store)
    assert answer.turn_id == row.id and answer.to_json()["turn_id"] == row.id
    assert (row.route, row.engine, row.model, row.task) == ("local", "fake", "fake-model", "")
    assert row.reason == "cloud escalation is off" and row.signal == answer.route.signal
    assert row.completion_tokens == 8 and row.finish_reason == "stop"
    assert row.first_token_seconds is not None and row.seconds >= row.first_token_seconds
    assert row.saved and not row.failed and row.retries == 0 and row.cost_usd == 0
    assert row.conversation_id == answer.conversation_id
    assert row.verdict == answer.grounding.verdict  # agent.grounding's, as the answer has it
    dumped = json.dumps(row.to_json())
    assert "ferry" not in dumped.lower() and "7:40" not in dumped
    ws.close()


def test_a_failed_turn_is_logged_with_its_error(paths, notes_dir: Path) -> None:
    engine = FakeEngine()
    engine.fail_with = EngineError("Ollama ran out of memory", fix="choose a smaller model")
    ws = Workspace(paths, engine=engine)
    ws.index_notes(str(notes_dir))
    with pytest.raises(EngineError):
        ws.ask("When does the ferry leave?")
    (row,) = turn_log.rows(ws.store)
    assert row.failed and row.failure == "Ollama ran out of memory"
    assert row.finish_reason == "error" and not row.saved  # nothing was streamed
    summary = summarise([row])
    assert (summary.failures, summary.models[0].failures, summary.models[0].seconds_median) == (
        1, 1, None,
    )  # fmt: skip
    ws.close()


def test_an_escalated_turn_logs_the_cloud_and_its_cost(paths, notes_dir: Path) -> None:
    from agent.engines.anthropic import AnthropicEngine

    ws = Workspace(paths, engine=FakeEngine("local draft"))
    ws.settings.cloud_escalation = True
    ws.index_notes(str(notes_dir))
    with FakeAnthropic(api_key="sk-ant-test") as fake:
        fake.fail_next(529)  # overloaded once: the engine retries
        cloud = AnthropicEngine(base_url=fake.url, model="claude-3-5-haiku-latest",
                                api_key="sk-ant-test", backoff=0.0)  # fmt: skip
        answer = ws.ask("Plan a trip on the ferry and compare it with the standup", cloud=cloud)
    (row,) = turn_log.rows(ws.store)
    assert (row.route, row.engine, row.model) == ("cloud", "anthropic", "claude-3-5-haiku-latest")
    assert row.digest is None and row.cost_usd == answer.cost_usd > 0 and row.retries == 1
    assert row.score is not None and row.task == answer.route.task
    ws.close()


def test_stats_cli_sums_up_the_log(paths, notes_dir: Path, capsys, monkeypatch) -> None:
    ws = Workspace(paths, engine=FakeEngine("The ferry leaves at 7:40.", "At 9:15 in Cedar."))
    ws.index_notes(str(notes_dir))
    ws.ask("When does the ferry leave?")
    ws.ask("When is the standup?")
    ws.close()
    monkeypatch.setenv("FANOUS_HOME", str(paths.data_dir.parent))
    assert main(["stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["turns"], data["local"], data["cloud"], data["local_share"]) == (2, 2, 0, 1.0)
    (model,) = data["models"]
    assert (model["engine"], model["model"], model["turns"]) == ("fake", "fake-model", 2)
    assert model["completion_tokens"] == 5 + 4 and data["monthly_budget_usd"] == 5.0
    assert main(["stats"]) == 0
    text = capsys.readouterr().out
    assert "2 turns: 2 local, 0 cloud (100% local)" in text and "fake / fake-model" in text
    assert main(["stats", "--since", "2999-01-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["turns"] == 0
    assert main(["stats", "--since", "last tuesday"]) == 1
    err = capsys.readouterr().err
    assert "'last tuesday' is not a date" in err and "fix: write dates as YYYY-MM-DD" in err


def test_the_ledger_export_carries_the_turn_log(paths, notes_dir, tmp_path, capsys, monkeypatch):
    ws = Workspace(paths, engine=FakeEngine("The ferry leaves at 7:40."))
    ws.index_notes(str(notes_dir))
    ws.ask("When does the ferry leave?")
    ws.close()
    monkeypatch.setenv("FANOUS_HOME", str(paths.data_dir.parent))
    assert main(["ledger", "--export", str(tmp_path / "out.csv")]) == 0
    assert "Wrote 1 turn log rows to" in capsys.readouterr().out
    (row,) = list(csv.DictReader((tmp_path / "out.turns.csv").open(encoding="utf-8")))
    assert (row["route"], row["engine"], row["saved"]) == ("local", "fake", "True")
    assert main(["ledger", "--export", str(tmp_path / "out.json")]) == 0
    (turn,) = json.loads((tmp_path / "out.turns.json").read_text(encoding="utf-8"))
    assert turn["model"] == "fake-model" and turn["time"].endswith("+00:00")


def test_a_gguf_file_has_a_digest_of_its_own(tmp_path: Path) -> None:
    a, b = tmp_path / "a.gguf", tmp_path / "b.gguf"
    a.write_bytes(b"GGUF" + bytes(3 << 20))
    b.write_bytes(b"GGUF" + bytes(3 << 20) + b"\x01")
    assert file_digest(a).startswith("gguf:") and file_digest(a) != file_digest(b)
    assert file_digest(a) == file_digest(tmp_path / "a.gguf")


def test_quantile_is_nearest_rank() -> None:
    assert quantile([], 0.5) is None
    assert quantile([3.0, 1.0, 2.0], 0.5) == 2.0 and quantile([1.0, 2.0, 3.0, 4.0], 0.9) == 4.0
