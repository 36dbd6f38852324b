"""The router against the labelled task set (tests/router_eval): never a private task
sent, and the published routers' bar — ~95 % of the large model's quality with 40 %+
fewer calls to it — met, beating random routing at the same share; and, swept over
``escalation_threshold``, a curve of quality against the share sent that is monotone."""

from __future__ import annotations

import pytest

from agent.router import DEFAULT_THRESHOLD
from tests.router_eval.evaluate import MODES, main, report


@pytest.fixture(scope="module")
def r() -> dict:
    return report()


def test_router_on_the_labelled_tasks(r: dict) -> None:
    assert r["tasks"] >= 100 and r["arabic"] >= 40 and r["private"] >= 30
    for mode in MODES:
        m = r[mode]
        assert m["privacy_violations"] == 0
        assert m["kept_of_always_cloud_except_never_send"] >= 0.95
        assert m["fewer_cloud_calls_than_it"] >= 0.40
        assert m["quality"] > m["random_at_same_share_quality"] + 0.1
        assert m["agreement_with_labels_public"] >= 0.9
        assert min(m["by_language"].values()) >= 0.85
    assert r["always_cloud"]["privacy_violations"] == r["private"]


@pytest.mark.parametrize("mode", MODES)
def test_the_threshold_sweep_is_a_monotone_curve(r: dict, mode: str) -> None:
    curve = r["curve"][mode]
    thresholds = [p["threshold"] for p in curve]
    assert thresholds == sorted(thresholds) and thresholds[0] == 0.0 and thresholds[-1] == 1.0
    shares = [p["cloud_share"] for p in curve]
    # A higher threshold never sends more; more sent never answers worse.
    assert shares == sorted(shares, reverse=True)
    by_share = sorted(curve, key=lambda p: (p["cloud_share"], p["quality"]))
    qualities = [p["quality"] for p in by_share]
    assert qualities == sorted(qualities)
    for p in curve:
        assert p["privacy_violations"] == 0  # at every eagerness, never-send holds
        assert p["quality"] >= p["random_at_same_share_quality"] - 1e-9
    # Threshold 0 sends everything never-send allows, and matches its quality.
    allowed = r["always_cloud_except_never_send"]
    assert (curve[0]["cloud_share"], curve[0]["quality"]) == (
        allowed["cloud_share"],
        allowed["quality"],
    )
    assert len({p["cloud_share"] for p in curve}) >= 4  # a curve, not a point
    default = next(p for p in curve if p["threshold"] == DEFAULT_THRESHOLD)
    assert default["cloud_share"] == r[mode]["cloud_share"]
    assert default["quality"] > default["random_at_same_share_quality"] + 0.1
    assert default["quality"] > r["always_local"]["quality"]


def test_the_evaluator_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "(default) | 28% | 0.86 |" in out and "always-local" in out
