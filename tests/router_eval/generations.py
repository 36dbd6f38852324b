"""The router measured with models actually run: each question of the shipped
answer-quality set is answered by the local model and by a "cloud" model behind any
OpenAI-compatible (or Anthropic) endpoint, both through the real turn; with each
question's router score (the local answer as its draft) the escalation threshold is
swept into a curve of share escalated against answer accuracy.

    # a stronger model served on loopback (any provider works the same way)
    .venv/bin/python -m llama_cpp.server --model MODEL.gguf --host 127.0.0.1 --port 8011 \\
        --api_key sk-local --model_alias stronger --n_ctx 4096
    FANOUS_EVAL_KEY=sk-local .venv/bin/python -m tests.router_eval.generations \\
        --base-url http://127.0.0.1:8011/v1 --model stronger --questions 24

It is ``fanous eval --cloud`` run in a throw-away home: the same candidates, benches,
turns, scoring (``agent.monitor.answer_set.holds``) and calibration
(``agent.monitor.calibration``); nothing here knows which endpoint answers. Both sides
*generate* every answer (``answer_style = "generate"``, as every evaluation does): with
the default ``auto`` a small local model quotes the best passage instead, and a quote
against a generation would measure retrieval, not the models. The key comes from the
environment variable named by ``--key-env`` (never the command line), else the keyring.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.config import Paths
from agent.engines import create_cloud_engine
from agent.engines.embedded import EmbeddedEngine
from agent.monitor.calibration import Calibration
from agent.monitor.eval_run import compare
from agent.monitor.evaluation import Candidate, EvalReport, Outcome
from agent.router import DEFAULT_THRESHOLD
from agent.workspace import Workspace

__all__ = ["Point", "agreement", "curve", "main", "run"]


@dataclass(frozen=True, slots=True)
class Point:
    label: str  # a threshold range, or an anchor's name
    share: float  # of the questions, escalated
    accuracy: float
    random: float | None = None  # random routing escalating as many: expected accuracy
    random_sd: float | None = None


def _random_at(k: int, local: list[bool], cloud: list[bool]) -> tuple[float, float]:
    """Accuracy of sending ``k`` questions drawn at random (exact mean and standard
    deviation of sampling without replacement: no seeds to average)."""
    n = len(local)
    gain = [int(c) - int(lo) for lo, c in zip(local, cloud, strict=True)]
    mean_gain = sum(gain) / n
    var = sum((g - mean_gain) ** 2 for g in gain) / n
    spread = k * var * (n - k) / (n - 1) if n > 1 else 0.0
    return (sum(local) + k * mean_gain) / n, math.sqrt(spread) / n


def agreement(report: EvalReport) -> tuple[list[bool], list[bool]]:
    """Per question the local answer answered (as calibration pairs them): right locally,
    right in the cloud."""
    local_label = next(c.label for c in report.candidates if c.current)
    cloud_label = next(c.label for c in report.candidates if c.cloud)
    by = {(o.candidate, o.origin, o.question): o for o in report.outcomes}
    pairs: list[tuple[Outcome, Outcome]] = [
        (o, by[(cloud_label, o.origin, o.question)])
        for o in report.outcomes
        if o.candidate == local_label and o.failure is None
        and (cloud_label, o.origin, o.question) in by
    ]  # fmt: skip
    return [lo.correct for lo, _ in pairs], [c.correct for _, c in pairs]


def curve(report: EvalReport) -> tuple[list[Point], Calibration]:
    """The threshold sweep (neighbouring thresholds that route alike merged), each with
    random routing at the same share, then always-local and always-cloud."""
    cal = report.calibration
    if cal is None:
        raise SystemExit("no question was answered by both sides: nothing to draw")
    local, cloud = agreement(report)
    n = len(local)
    points: list[Point] = []
    merged: list[tuple[float, float, float]] = []  # lowest threshold, share, accuracy
    for t, share, acc in cal.curve:
        if not merged or (merged[-1][1], merged[-1][2]) != (share, acc):
            merged.append((t, share, acc))
    d = _digits([t for t, _, _ in merged])
    for i, (low, share, acc) in enumerate(merged):
        # A threshold range runs up to just below the next distinct score.
        span = f"{low:.{d}f}" if i + 1 == len(merged) else f"{low:.{d}f}–{merged[i + 1][0]:.{d}f}"
        mean, sd = _random_at(round(share * n), local, cloud)
        points.append(Point(span, share, acc, mean, sd))
    points.append(Point("always-local", 0.0, sum(local) / n))
    points.append(Point("always-cloud", 1.0, sum(cloud) / n))
    return points, cal


def _digits(thresholds: list[float]) -> int:
    """As many decimals as tell the thresholds apart (router scores that differ only by
    the context's share of the window sit a few thousandths apart)."""
    return next(
        (d for d in (2, 3, 4) if len({f"{t:.{d}f}" for t in thresholds}) == len(thresholds)), 6
    )


def table(points: list[Point], cal: Calibration) -> str:
    lines = [
        "| escalation_threshold (from – below) | escalated | accuracy | random, same share |",
        "|---|---|---|---|",
    ]
    for p in points:
        mark = []
        if p.random is not None and _covers(p.label, DEFAULT_THRESHOLD):
            mark.append("default")
        if p.random is not None and _covers(p.label, cal.threshold):
            mark.append("calibrated")
        label = p.label + (f" ({', '.join(mark)})" if mark else "")
        rand = "" if p.random is None else f"{p.random:.2f} ± {p.random_sd or 0:.2f}"
        lines.append(f"| {label} | {p.share:.0%} | {p.accuracy:.2f} | {rand} |")
    return "\n".join(lines)


def _covers(span: str, t: float) -> bool:
    low, _, high = span.partition("–")
    return float(low) <= t < float(high) if high else abs(float(low) - t) < 1e-9


def run(
    home: Path,
    *,
    local: str,
    provider: str,
    base_url: str,
    model: str,
    key: str | None,
    questions: int,
    embed: bool,
    max_tokens: int,
    progress: bool = True,
) -> EvalReport:
    """The local packaged model (or .gguf) and the endpoint on ``questions`` shipped
    questions, in a Fanous home at ``home`` with escalation to that endpoint on."""
    ws = Workspace(Paths.resolve(home), engine=EmbeddedEngine(local))
    try:
        s = ws.settings
        s.cloud_escalation, s.cloud_provider = True, provider
        s.cloud_base_url, s.cloud_model, s.max_answer_tokens = base_url, model, max_tokens
        ws.save_settings()  # the egress policy allows the endpoint's host, as in the app
        cloud = create_cloud_engine(s, key=key) if key else ws.cloud_engine()
        engine = ws.engine
        candidates = [
            Candidate(f"{engine.name}/{engine.model}", engine, current=True),
            Candidate(f"{cloud.name}/{cloud.model} (cloud)", engine, cloud=cloud),
        ]

        def show(done: int, total: int, what: str) -> None:
            if progress:
                print(f"[{done}/{total}] {what}", file=sys.stderr, flush=True)

        return compare(ws, candidates, shipped=questions, embed_shipped=embed, progress=show)
    finally:
        ws.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.router_eval.generations")
    p.add_argument("--base-url", required=True, help="the endpoint, e.g. http://127.0.0.1:8011/v1")
    p.add_argument("--model", required=True, help="the model name the endpoint serves")
    p.add_argument("--provider", default="custom", help="a cloud provider name (default custom)")
    p.add_argument("--key-env", default="FANOUS_EVAL_KEY",
                   help="environment variable holding the API key (else the keyring)")  # fmt: skip
    p.add_argument("--local", default="smollm2-135m", help="packaged model name or .gguf")
    p.add_argument("--questions", type=int, default=24, help="shipped questions (spread)")
    p.add_argument("--max-tokens", type=int, default=256, help="max_answer_tokens for both")
    p.add_argument("--no-embed", action="store_true", help="keyword search on the shipped set")
    p.add_argument("--json", metavar="FILE", help="also write every outcome as JSON")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="fanous-router-eval-") as home:
        report = run(
            Path(home), local=args.local, provider=args.provider, base_url=args.base_url,
            model=args.model, key=os.environ.get(args.key_env), questions=args.questions,
            embed=not args.no_embed, max_tokens=args.max_tokens,
        )  # fmt: skip
    points, cal = curve(report)
    for c in report.candidates:
        side = "cloud" if c.cloud else "local"
        secs = "-" if c.seconds_median is None else f"{c.seconds_median:.1f} s"
        print(f"{side}: {c.label}: {c.correct}/{c.questions} right, median answer {secs}, "
              f"{c.failures} failed")  # fmt: skip
    local, cloud = agreement(report)
    print(
        f"paired: both right {sum(a and b for a, b in zip(local, cloud, strict=True))}, "
        f"only local {sum(a and not b for a, b in zip(local, cloud, strict=True))}, "
        f"only cloud {sum(b and not a for a, b in zip(local, cloud, strict=True))}, "
        f"neither {sum(not (a or b) for a, b in zip(local, cloud, strict=True))}\n"
    )
    print(table(points, cal))
    print(
        f"\ncalibrated: escalation_threshold {cal.threshold:.2f} sends {cal.escalated_share:.0%}"
        f" at accuracy {cal.accuracy:.2f} (≥ 95 % of always-cloud's {cal.cloud_accuracy:.2f})"
    )
    if args.json:
        data: dict[str, Any] = {
            **report.to_json(),
            "outcomes": [dataclasses.asdict(o) for o in report.outcomes],
            "points": [dataclasses.asdict(p) for p in points],
        }
        Path(args.json).write_text(json.dumps(data, indent=2, ensure_ascii=False), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
