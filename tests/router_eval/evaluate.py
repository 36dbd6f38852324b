"""Router evaluation on the labelled task set (tasks.jsonl: 100 tasks, English and Arabic,
easy/hard, private/public).

    .venv/bin/python -m tests.router_eval.evaluate

Quality is a proxy from the labels (no model is run): an easy task is answered well by
either model, a hard one only by the cloud; a private task (its passages sit in a
never-send folder) must never be sent. Two bounds for the local draft signal: "question
only" (a failing local draft is never noticed) and "drafts checked" (every local failure
on a hard task shows as a weak draft). Baselines: always-local, always-cloud (with and
without respecting never-send), and random routing at the router's own cloud share.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from agent.config import Settings
from agent.index.search import Hit
from agent.router import decide

TASKS = Path(__file__).with_name("tasks.jsonl")
PRIVATE_DIR = "/notes/private"
PASSAGE = "Notes about this: dates, places, amounts and names for the question."


@dataclass(frozen=True)
class Task:
    question: str
    lang: str
    hard: bool
    private: bool


def load() -> list[Task]:
    return [Task(**json.loads(line)) for line in TASKS.read_text("utf-8").splitlines() if line]


def route(task: Task, *, drafts_checked: bool) -> str:
    folder = PRIVATE_DIR if task.private else "/notes/public"
    hits = [Hit(1, 1, "notes", f"file://{folder}/a.md", f"{folder}/a.md", "a", "", PASSAGE,
                0, len(PASSAGE), 1.0)]  # fmt: skip
    s = Settings(cloud_escalation=True, never_send_sources=[PRIVATE_DIR])
    first = decide(s, question=task.question, hits=hits)
    if first.kind == "cloud" or not first.draft_first:
        return first.kind
    weak = drafts_checked and task.hard
    draft = "I don't know." if weak else "Notes about this: dates and places."
    return decide(s, question=task.question, hits=hits, draft=draft).kind


def quality(tasks: list[Task], routes: list[str]) -> float:
    return sum((not t.hard) or r == "cloud" for t, r in zip(tasks, routes, strict=True)) / len(
        tasks
    )


def report() -> dict[str, object]:
    tasks = load()
    n = len(tasks)
    public = [t for t in tasks if not t.private]
    out: dict[str, object] = {
        "tasks": n,
        "hard": sum(t.hard for t in tasks),
        "private": sum(t.private for t in tasks),
        "arabic": sum(t.lang == "ar" for t in tasks),
    }
    cloud_all = quality(tasks, ["cloud"] * n)
    respectful = quality(tasks, ["local" if t.private else "cloud" for t in tasks])
    out["always_local"] = {"quality": quality(tasks, ["local"] * n), "cloud_share": 0.0}
    out["always_cloud"] = {"quality": cloud_all, "cloud_share": 1.0,
                           "privacy_violations": out["private"]}  # fmt: skip
    out["always_cloud_except_never_send"] = {
        "quality": respectful,
        "cloud_share": len(public) / n,
    }
    for mode in ("question_only", "drafts_checked"):
        routes = [route(t, drafts_checked=mode == "drafts_checked") for t in tasks]
        sent = sum(r == "cloud" for r in routes)
        share_public = sent / len(public)
        easy = sum(not t.hard for t in tasks)
        hard_public = sum(t.hard and not t.private for t in tasks)
        random_q = (easy + hard_public * share_public) / n
        agree = sum((r == "cloud") == t.hard for t, r in zip(tasks, routes, strict=True)
                    if not t.private)  # fmt: skip
        out[mode] = {
            "quality": quality(tasks, routes),
            "cloud_share": sent / n,
            "kept_of_always_cloud_except_never_send": quality(tasks, routes) / respectful,
            "fewer_cloud_calls_than_it": 1 - sent / len(public),
            "random_at_same_share_quality": random_q,
            "agreement_with_labels_public": agree / len(public),
            "privacy_violations": sum(
                r == "cloud" and t.private for t, r in zip(tasks, routes, strict=True)
            ),
            "by_language": {
                lang: sum(
                    (r == "cloud") == t.hard
                    for t, r in zip(tasks, routes, strict=True)
                    if t.lang == lang and not t.private
                )
                / max(1, sum(t.lang == lang and not t.private for t in tasks))
                for lang in ("en", "ar")
            },
        }
    return out


if __name__ == "__main__":
    print(json.dumps(report(), indent=2, ensure_ascii=False))
