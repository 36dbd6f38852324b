"""The router harness with models actually run (tests/router_eval/generations.py), end to
end on two shipped questions: the packaged SmolLM2 embedded as the local side and, as the
"cloud", the same model behind llama-cpp-python's OpenAI-compatible server with an API
key — the path any real provider takes. The figures of a real run are in the README."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agent.monitor.calibration import calibrate
from tests import test_cloud_engines as cloud
from tests.router_eval import generations

llama_server = cloud.llama_server  # the server fixture (module-scoped)


@pytest.mark.model
@pytest.mark.runs_long
@pytest.mark.timeout(900)  # four real generations and a shipped set indexed: a busy CI box
def test_the_harness_answers_on_both_sides_and_draws_the_curve(
    llama_server: str, tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("FANOUS_EVAL_KEY", cloud.SERVER_KEY)
    out_file = tmp_path / "router.json"
    argv = ["--base-url", llama_server, "--model", "smollm2", "--questions", "2",
            "--no-embed", "--max-tokens", "24", "--json", str(out_file)]  # fmt: skip
    assert generations.main(argv) == 0
    printed = capsys.readouterr().out
    data = json.loads(out_file.read_text("utf-8"))
    outcomes = data["outcomes"]
    assert len(outcomes) == 4  # two questions, each answered by both sides
    sides = {o["candidate"] for o in outcomes}
    assert sides == {"embedded/smollm2-135m", "custom/smollm2 (cloud)"}
    # Every cloud answer really went to the endpoint (not kept local by a rule).
    assert all(o["failure"] is None for o in outcomes)
    assert {o["question"] for o in outcomes} == {o["question"] for o in outcomes[:2]}

    # The curve is calibration's own, with random routing and the two anchors beside it.
    local = [o for o in outcomes if o["candidate"].startswith("embedded/")]
    remote = {o["question"]: o["correct"] for o in outcomes if "(cloud)" in o["candidate"]}
    expected = calibrate([(o["score"], o["correct"], remote[o["question"]]) for o in local])
    assert expected is not None and data["calibration"]["threshold"] == round(expected.threshold, 3)
    points = {p["label"]: p for p in data["points"]}
    assert points["always-local"]["accuracy"] == expected.local_accuracy
    assert points["always-cloud"]["accuracy"] == expected.cloud_accuracy
    first = data["points"][0]
    assert first["share"] == 1.0 and first["random"] == pytest.approx(first["accuracy"])
    assert "| always-cloud | 100% |" in printed and "(calibrated)" in printed
    assert "paired: both right" in printed
