"""The router against the labelled task set (tests/router_eval): never a private task
sent, and the published routers' bar — ~95 % of the large model's quality with 40 %+
fewer calls to it — met, beating random routing at the same share."""

from __future__ import annotations

from tests.router_eval.evaluate import report


def test_router_on_the_labelled_tasks() -> None:
    r = report()
    assert r["tasks"] >= 100 and r["arabic"] >= 40 and r["private"] >= 30
    for mode in ("question_only", "drafts_checked"):
        m = r[mode]
        assert m["privacy_violations"] == 0
        assert m["kept_of_always_cloud_except_never_send"] >= 0.95
        assert m["fewer_cloud_calls_than_it"] >= 0.40
        assert m["quality"] > m["random_at_same_share_quality"] + 0.1
        assert m["agreement_with_labels_public"] >= 0.9
        assert min(m["by_language"].values()) >= 0.85
    assert r["always_cloud"]["privacy_violations"] == r["private"]
