"""What the user reads: the answers Fanous shows for the answer-quality set, per engine.

    .venv/bin/python tests/bench/answer_quality/run.py [--engines quote,default,smollm2]
        [--split test|dev|all] [--limit N] [--home DIR] [--out DIR] [NAME=PATH.gguf ...]

Engines: ``quote`` (extractive answers only: no generation), ``default`` (the default
install: the packaged model with ``answer_style = "auto"``), ``smollm2`` (the packaged
model phrasing every answer, each checked), ``openai`` (the same GGUF behind
llama-cpp-python's OpenAI-compatible server on loopback, reached through the cloud path:
minimised, pseudonymised, ledgered, checked), ``ollama`` (when an Ollama answers at
OLLAMA_HOST), and ``NAME=PATH.gguf`` for any other local model (phrasing, checked).

For each it prints: answerable questions answered with the fact (overall, English,
Arabic, paraphrased, mail), correct abstentions on the questions the notes don't answer,
wrong answers shown, generated answers whose numbers or names are not in their passages
(an audit independent of agent.grounding's check), and latencies (time to the first
visible feedback, to the first token, in total; the extractive step alone).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from common import Outcome, dataset, indexed_home, open_workspace, score
from dataset import fold

from agent.engines.embedded import EmbeddedEngine
from agent.engines.packaged import DEFAULT_MODEL, resolve_model_path

_DIGITS = re.compile(r"\d+")
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]{2,}\b")


def audit(text: str, passages: str, question: str) -> list[str]:
    """Numbers and mid-sentence capitalised words of a shown answer that appear neither
    in its passages nor in the question (plain text search, not agent.grounding)."""
    pool = fold(passages + "\n" + question)
    digits = set(_DIGITS.findall(pool))
    missing = [
        d for d in _DIGITS.findall(fold(text)) if d not in digits and d.lstrip("0") not in digits
    ]
    missing += [w for w in _CAPITALISED.findall(text) if w.lower() not in pool]
    return missing


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def openai_server(model_path: Path) -> Iterator[str]:
    """llama-cpp-python's OpenAI-compatible server on loopback, for the cloud path."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model_path), "--host",
         "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--api_key", "bench-key"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _configs(names: list[str], extra: list[str]) -> list[tuple[str, str, dict[str, Any]]]:
    """(label, engine kind, options) for each engine asked for."""
    out = []
    for name in names:
        if name == "quote":
            out.append(
                ("quote (extractive only)", "embedded", {"model": DEFAULT_MODEL, "style": "quote"})
            )
        elif name == "default":
            out.append((f"default install ({DEFAULT_MODEL}, auto)", "embedded",
                        {"model": DEFAULT_MODEL, "style": "auto"}))  # fmt: skip
        elif name == "smollm2":
            out.append((f"{DEFAULT_MODEL}, phrasing every answer", "embedded",
                        {"model": DEFAULT_MODEL, "style": "generate"}))  # fmt: skip
        elif name == "openai":
            out.append(("OpenAI-compatible path (llama_cpp.server, SmolLM2-135M)", "openai",
                        {"model": DEFAULT_MODEL, "style": "generate"}))  # fmt: skip
        elif name == "ollama":
            out.append(("Ollama", "ollama", {"style": "generate"}))
    for item in extra:
        label, _, path = item.partition("=")
        out.append(
            (f"{label}, phrasing every answer", "embedded", {"model": path, "style": "generate"})
        )
    return out


def _pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.0%})" if whole else "–"


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def run_config(label: str, kind: str, opts: dict[str, Any], paths: Any, questions: list[Any],
               out_dir: Path) -> dict[str, Any]:  # fmt: skip
    force = None
    cloud = None
    server = None
    if kind == "embedded":
        engine: Any = EmbeddedEngine(opts["model"])
        engine.warm_up()
    elif kind == "openai":
        from agent.engines.openai_compat import OpenAICompatEngine

        engine = EmbeddedEngine(opts["model"])  # the local side, never asked: forced cloud
        server = openai_server(resolve_model_path(opts["model"]))
        url = server.__enter__()
        cloud = OpenAICompatEngine(base_url=url, model=opts["model"], api_key="bench-key",
                                   provider="openai")  # fmt: skip
        force = "cloud"
    else:
        from agent.engines.ollama import OllamaEngine

        engine = OllamaEngine(os.environ.get("OLLAMA_HOST", "http://127.0.0.1:11434"))
    ws = open_workspace(paths, engine, style=opts["style"])
    if cloud is not None:
        ws.settings.cloud_escalation = True
        ws.settings.monthly_budget_usd = 1e9
    rows: list[dict[str, Any]] = []
    safe = re.sub(r"[^\w.-]+", "_", label)[:60]
    out_dir.mkdir(parents=True, exist_ok=True)
    partial = (out_dir / f"{safe}.jsonl").open("w", encoding="utf-8")  # row by row: a long
    try:  # run stopped midway keeps what it measured
        for n, q in enumerate(questions, 1):
            status_at: list[float] = []
            started = time.perf_counter()

            def on_status(
                _text: str, started: float = started, seen: list[float] = status_at
            ) -> None:
                seen.append(time.perf_counter() - started)

            answer = ws.ask(q.q, on_status=on_status, force=force, cloud=cloud)
            outcome: Outcome = score(q, answer)
            g = answer.grounding
            passages = "\n".join(s.hit.text for s in answer.sources)
            shown_generated = g is not None and g.shown == "answer"
            rows.append({
                "id": q.id, "lang": q.lang, "kind": q.kind, "source": q.source,
                "answerable": q.answerable, "q": q.q, "expect": q.expect, "answer": answer.text,
                "verdict": g.verdict if g else None, "shown": g.shown if g else None,
                "right": outcome.right, "abstained": outcome.abstained, "wrong": outcome.wrong,
                "audit": audit(answer.text, passages, q.q) if shown_generated else [],
                "generated": g.generated if g else None,
                "status_s": status_at[0] if status_at else None,
                "first_token_s": answer.first_token_seconds, "total_s": answer.seconds,
                "extract_s": answer.extract_seconds, "search_s": answer.search_seconds,
                "top_doc": answer.sources[0].hit.uri if answer.sources else None,
            })  # fmt: skip
            partial.write(json.dumps(rows[-1], ensure_ascii=False) + "\n")
            partial.flush()
            if n % 25 == 0:
                print(f"  {label}: {n}/{len(questions)}", file=sys.stderr)
    finally:
        partial.close()
        ws.close()
        if server is not None:
            server.__exit__(None, None, None)
    return summarise(label, rows)


def _seconds(rows: list[dict[str, Any]], key: str) -> list[float]:
    return [r[key] for r in rows if r[key] is not None]


def summarise(label: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    ans = [r for r in rows if r["answerable"]]
    unans = [r for r in rows if not r["answerable"]]

    def right(sel: list[dict[str, Any]]) -> str:
        return _pct(sum(r["right"] for r in sel), len(sel))

    return {
        "engine": label,
        "answered_with_fact": right(ans),
        "english": right([r for r in ans if r["lang"] == "en"]),
        "arabic": right([r for r in ans if r["lang"] == "ar"]),
        "mixed_cjk": right([r for r in ans if r["lang"] in ("mixed", "cjk")]),
        "paraphrased": right([r for r in ans if r["kind"] == "paraphrase"]),
        "mail": right([r for r in ans if r["source"] == "mail"]),
        "correct_abstentions": _pct(sum(r["abstained"] for r in unans), len(unans)),
        "wrong_shown": _pct(sum(r["wrong"] for r in rows), len(rows)),
        "unsupported_shown": sum(bool(r["audit"]) for r in rows),
        "generated_shown": sum(r["shown"] == "answer" for r in rows),
        "feedback_p95_s": round(_p(_seconds(rows, "status_s"), 0.95), 3),
        "first_token_p50_s": round(_p(_seconds(rows, "first_token_s"), 0.5), 3),
        "first_token_p95_s": round(_p(_seconds(rows, "first_token_s"), 0.95), 3),
        "total_p50_s": round(_p([r["total_s"] for r in rows], 0.5), 3),
        "total_p95_s": round(_p([r["total_s"] for r in rows], 0.95), 3),
        "extract_p95_s": round(_p([r["extract_s"] for r in rows], 0.95), 3),
        "extract_mean_s": round(statistics.fmean(r["extract_s"] for r in rows), 3),
    }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engines", default="quote,default,smollm2")
    ap.add_argument("--split", default="test", choices=("test", "dev", "all"))
    ap.add_argument("--limit", type=int, default=0, help="N questions spread evenly over the split")
    ap.add_argument("--home", type=Path, help="keep the indexed corpus here between runs")
    ap.add_argument("--out", type=Path, default=Path("tests/bench/out/answer_quality"))
    ap.add_argument("--json", action="store_true")
    ap.add_argument("models", nargs="*", help="NAME=PATH.gguf: other local models")
    args = ap.parse_args()
    data = dataset.load()
    questions = [q for q in data.questions if args.split == "all" or q.split == args.split]
    if args.limit and args.limit < len(questions):
        # Every k-th question, so a short run keeps the split's mix of languages and kinds.
        step = len(questions) / args.limit
        questions = [questions[int(i * step)] for i in range(args.limit)]
    with tempfile.TemporaryDirectory() as tmp:
        paths = indexed_home(args.home or Path(tmp) / "home")
        summaries = [
            run_config(label, kind, opts, paths, questions, args.out)
            for label, kind, opts in _configs(args.engines.split(","), args.models)
        ]
    if args.json:
        print(json.dumps(summaries, indent=2, ensure_ascii=False))
        return
    answerable = sum(q.answerable for q in questions)
    print(f"\n{len(questions)} questions ({args.split} split): {answerable} answerable, "
          f"{len(questions) - answerable} the notes don't answer\n")  # fmt: skip
    for s in summaries:
        print(s["engine"])
        for key, value in s.items():
            if key != "engine":
                print(f"  {key:22} {value}")


if __name__ == "__main__":
    main()
