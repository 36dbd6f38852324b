"""Router evaluation on the labelled task set (tasks.jsonl: 100 tasks, English and Arabic,
easy/hard, private/public), as a curve of quality against the share sent to the cloud.

    .venv/bin/python -m tests.router_eval.evaluate          # table and plot
    .venv/bin/python -m tests.router_eval.evaluate --json   # everything, as JSON

Quality is a proxy from the labels (no model is run): an easy task is answered well by
either model, a hard one only by the cloud; a private task (its passages sit in a
never-send folder) must never be sent. Two bounds for the local draft signal: "question
only" (a failing local draft is never noticed) and "drafts checked" (every local failure
on a hard task shows as a weak draft). The curve sweeps ``escalation_threshold``; beside
each point: random routing at the same share (the same number of tasks, drawn from those
never-send allows, averaged over seeds), and the anchors always-local, always-cloud (which
sends the private tasks too) and always-cloud-except-never-send (the best any router that
keeps the never-send rule can do).
"""

from __future__ import annotations

import json
import random
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

from agent.config import Settings
from agent.index.search import Hit
from agent.router import DEFAULT_THRESHOLD, decide

TASKS = Path(__file__).with_name("tasks.jsonl")
PRIVATE_DIR = "/notes/private"
PASSAGE = "Notes about this: dates, places, amounts and names for the question."
THRESHOLDS = tuple(round(i * 0.05, 2) for i in range(21))  # 0.00, 0.05 … 1.00
SEEDS = 1000
MODES = ("question_only", "drafts_checked")


@dataclass(frozen=True)
class Task:
    question: str
    lang: str
    hard: bool
    private: bool


def load() -> list[Task]:
    return [Task(**json.loads(line)) for line in TASKS.read_text("utf-8").splitlines() if line]


def route(task: Task, *, drafts_checked: bool, threshold: float = DEFAULT_THRESHOLD) -> str:
    folder = PRIVATE_DIR if task.private else "/notes/public"
    hits = [Hit(1, 1, "notes", f"file://{folder}/a.md", f"{folder}/a.md", "a", "", PASSAGE,
                0, len(PASSAGE), 1.0)]  # fmt: skip
    s = Settings(
        cloud_escalation=True, never_send_sources=[PRIVATE_DIR], escalation_threshold=threshold
    )
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


def random_quality(tasks: list[Task], sent: int) -> tuple[float, float]:
    """Mean and standard deviation over seeds of sending ``sent`` tasks drawn at random
    from those never-send allows (a random router keeps the hard rules too)."""
    allowed = [i for i, t in enumerate(tasks) if not t.private]
    scores = []
    for seed in range(SEEDS):
        chosen = set(random.Random(seed).sample(allowed, sent))
        scores.append(quality(tasks, ["cloud" if i in chosen else "local"
                                      for i in range(len(tasks))]))  # fmt: skip
    return statistics.fmean(scores), statistics.pstdev(scores)


def point(tasks: list[Task], routes: list[str], best_allowed: float) -> dict[str, object]:
    n = len(tasks)
    public = [t for t in tasks if not t.private]
    sent = sum(r == "cloud" for r in routes)
    q = quality(tasks, routes)
    rand, rand_sd = random_quality(tasks, sent)
    pairs = list(zip(tasks, routes, strict=True))
    return {
        "quality": q,
        "cloud_share": sent / n,
        "random_at_same_share_quality": rand,
        "random_at_same_share_sd": rand_sd,
        "kept_of_always_cloud": q / 1.0,  # always-cloud answers every task well
        "kept_of_always_cloud_except_never_send": q / best_allowed,
        "fewer_cloud_calls_than_always_cloud": 1 - sent / n,
        "fewer_cloud_calls_than_it": 1 - sent / len(public),
        "agreement_with_labels_public": sum(
            (r == "cloud") == t.hard for t, r in pairs if not t.private
        )
        / len(public),
        "privacy_violations": sum(r == "cloud" and t.private for t, r in pairs),
        "by_language": {
            lang: sum(
                (r == "cloud") == t.hard for t, r in pairs if t.lang == lang and not t.private
            )
            / max(1, sum(t.lang == lang and not t.private for t in tasks))
            for lang in ("en", "ar")
        },
    }


def report() -> dict[str, object]:
    tasks = load()
    n = len(tasks)
    out: dict[str, object] = {
        "tasks": n,
        "hard": sum(t.hard for t in tasks),
        "private": sum(t.private for t in tasks),
        "arabic": sum(t.lang == "ar" for t in tasks),
        "default_threshold": DEFAULT_THRESHOLD,
    }
    best_allowed = quality(tasks, ["local" if t.private else "cloud" for t in tasks])
    out["always_local"] = {"quality": quality(tasks, ["local"] * n), "cloud_share": 0.0}
    out["always_cloud"] = {"quality": quality(tasks, ["cloud"] * n), "cloud_share": 1.0,
                           "privacy_violations": out["private"]}  # fmt: skip
    out["always_cloud_except_never_send"] = {
        "quality": best_allowed,
        "cloud_share": sum(not t.private for t in tasks) / n,
    }
    curves: dict[str, list[dict[str, object]]] = {}
    for mode in MODES:
        checked = mode == "drafts_checked"
        curves[mode] = []
        for threshold in THRESHOLDS:
            routes = [route(t, drafts_checked=checked, threshold=threshold) for t in tasks]
            curves[mode].append({"threshold": threshold, **point(tasks, routes, best_allowed)})
        routes = [route(t, drafts_checked=checked) for t in tasks]
        out[mode] = point(tasks, routes, best_allowed)  # at the default threshold
    out["curve"] = curves
    return out


def _ranges(curve: list[dict[str, object]]) -> list[tuple[str, dict[str, object]]]:
    """Merge neighbouring thresholds that route every task the same way."""
    rows: list[tuple[float, float, dict[str, object]]] = []
    for p in curve:
        t = float(p["threshold"])  # type: ignore[arg-type]
        if rows and (rows[-1][2]["cloud_share"], rows[-1][2]["quality"]) == (
            p["cloud_share"],
            p["quality"],
        ):
            rows[-1] = (rows[-1][0], t, rows[-1][2])
        else:
            rows.append((t, t, p))
    return [(f"{a:.2f}" if a == b else f"{a:.2f}–{b:.2f}", p) for a, b, p in rows]


HEADER = (
    "threshold", "sent to cloud", "quality", "random, same share", "kept of always-cloud",
    "kept of always-cloud-except-never-send", "calls saved vs always-cloud", "vs it",
)  # fmt: skip


def table(r: dict[str, object], mode: str) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for span, p in _ranges(r["curve"][mode]):  # type: ignore[index]
        low, high = (float(x) for x in (span.split("–")[0], span.split("–")[-1]))
        cells = [
            span + (" (default)" if low <= DEFAULT_THRESHOLD <= high else ""),
            f"{p['cloud_share']:.0%}",
            f"{p['quality']:.2f}",
            f"{p['random_at_same_share_quality']:.2f} ± {p['random_at_same_share_sd']:.2f}",
            f"{p['kept_of_always_cloud']:.0%}",
            f"{p['kept_of_always_cloud_except_never_send']:.0%}",
            f"{p['fewer_cloud_calls_than_always_cloud']:.0%}",
            f"{p['fewer_cloud_calls_than_it']:.0%}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    local, cloud, allowed = (r[k] for k in ("always_local", "always_cloud",
                                             "always_cloud_except_never_send"))  # fmt: skip
    lines.append(f"| always-local | 0% | {local['quality']:.2f} | | | | | |")  # type: ignore[index]
    lines.append(
        f"| always-cloud-except-never-send | {allowed['cloud_share']:.0%} | "  # type: ignore[index]
        f"{allowed['quality']:.2f} | | | 100% | | 0% |"  # type: ignore[index]
    )
    lines.append(
        f"| always-cloud ({cloud['privacy_violations']} private tasks sent) | 100% | "  # type: ignore[index]
        f"{cloud['quality']:.2f} | | 100% | | 0% | |"  # type: ignore[index]
    )
    return "\n".join(lines)


def plot(r: dict[str, object], mode: str, width: int = 51, height: int = 11) -> str:
    """Quality (0.5–1.0) against share sent: R router, r random at the same share, L
    always-local, A always-cloud-except-never-send, C always-cloud (anchors over R)."""
    grid = [[" "] * width for _ in range(height)]

    def put(share: float, q: float, ch: str) -> None:
        x = round(share * (width - 1))
        y = height - 1 - round((q - 0.5) / 0.5 * (height - 1))
        if grid[y][x] in (" ", "r") or ch in "LAC":  # anchors drawn last, on top
            grid[y][x] = ch

    for p in r["curve"][mode]:  # type: ignore[index]
        put(p["cloud_share"], p["random_at_same_share_quality"], "r")
    for p in r["curve"][mode]:  # type: ignore[index]
        put(p["cloud_share"], p["quality"], "R")
    put(0.0, r["always_local"]["quality"], "L")  # type: ignore[index]
    allowed = r["always_cloud_except_never_send"]
    put(allowed["cloud_share"], allowed["quality"], "A")  # type: ignore[index]
    put(1.0, r["always_cloud"]["quality"], "C")  # type: ignore[index]
    rows = [f"{1.0 - i * 0.5 / (height - 1):.2f} |" + "".join(g) for i, g in enumerate(grid)]
    axis = "     +" + "-" * width
    ticks = "      0%" + " " * (width // 2 - 6) + "50%" + " " * (width // 2 - 4) + "100%"
    return "\n".join([*rows, axis, ticks, "      share of tasks sent to the cloud"])


def main(argv: list[str]) -> int:
    r = report()
    if "--json" in argv:
        print(json.dumps(r, indent=2, ensure_ascii=False))
        return 0
    print(f"{r['tasks']} tasks: {r['hard']} hard, {r['private']} private (never-send), "
          f"{r['arabic']} Arabic; quality is a proxy from the labels, no model is run; "
          f"random: mean ± sd over {SEEDS} seeds.")  # fmt: skip
    for mode in MODES:
        print(f"\n{mode.replace('_', ' ')}:\n")
        print(table(r, mode))
        print()
        print(plot(r, mode))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
