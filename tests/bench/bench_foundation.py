"""Foundation figures for the README: indexing, keyword search against ripgrep, and the
embedded engine's speed with the share of a turn our own code takes.

    .venv/bin/python tests/bench/bench_foundation.py [--notes 2000]

Not a timed test: it prints figures. Generated notes are deterministic (seeded).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from agent.config import Paths
from agent.engines.embedded import EmbeddedEngine
from agent.engines.packaged import DEFAULT_MODEL
from agent.index.search import search
from agent.workspace import Workspace

WORDS = (
    "ferry harbour ticket garden olive lemon meeting budget invoice recipe tahini "
    "chickpea train station museum library project deadline review dentist doctor "
    "insurance contract renewal apartment landlord plumber router password backup "
    "laptop battery charger flight airport passport visa hotel breakfast dinner"
).split()
QUERIES = [
    "ferry ticket",
    "olive garden",
    "contract renewal",
    "passport visa",
    "router password",
    "dentist",
    "project deadline review",
    "hotel breakfast",
    "invoice budget",
    "laptop battery",
]


def make_notes(root: Path, count: int, rng: random.Random) -> None:
    for n in range(count):
        folder = root / f"area-{n % 20}"
        folder.mkdir(parents=True, exist_ok=True)
        sections = []
        for s in range(rng.randint(1, 4)):
            para = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 160)))
            sections.append(f"## Section {s}\n\n{para.capitalize()}.")
        (folder / f"note-{n:05}.md").write_text(f"# Note {n}\n\n" + "\n\n".join(sections))


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def bench_index(count: int) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        notes = Path(tmp) / "notes"
        make_notes(notes, count, rng)
        ws = Workspace(Paths.resolve(Path(tmp) / "home"))
        first = ws.index_notes(str(notes))
        rescan = ws.index_notes(str(notes))
        chunks = ws.store.conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
        print(
            f"index: {count} notes ({chunks} passages) first run {first.seconds:.2f} s "
            f"= {count / first.seconds:.0f} notes/s; no-change re-scan "
            f"{rescan.seconds * 1000:.0f} ms"
        )
        ours = []
        for _ in range(5):
            for q in QUERIES:
                t = time.perf_counter()
                search(ws.store, q, limit=10)
                ours.append((time.perf_counter() - t) * 1000)
        print(f"keyword search (top 10): p50 {pct(ours, 50):.2f} ms, p95 {pct(ours, 95):.2f} ms")
        rg = shutil.which("rg")
        if rg:
            theirs = []
            for q in QUERIES:
                pattern = "|".join(q.split())
                t = time.perf_counter()
                subprocess.run([rg, "-i", "-l", pattern, str(notes)], capture_output=True)
                theirs.append((time.perf_counter() - t) * 1000)
            print(
                f"ripgrep (rg -il, same words): p50 {pct(theirs, 50):.2f} ms, "
                f"p95 {pct(theirs, 95):.2f} ms"
            )
        ws.close()


def bench_engine() -> None:
    engine = EmbeddedEngine(DEFAULT_MODEL)
    load = engine.warm_up()
    with tempfile.TemporaryDirectory() as tmp:
        notes = Path(tmp) / "notes"
        notes.mkdir()
        (notes / "ferry.md").write_text(
            "# Ferry\n\nThe ferry to Hydra leaves at 7:40 from "
            "pier 3. Tickets cost 12 euros at the kiosk.\n"
        )
        ws = Workspace(Paths.resolve(Path(tmp) / "home"), engine=engine)
        ws.index_notes(str(notes))
        ttft, speed, share = [], [], []
        questions = [
            "When does the ferry leave?",
            "Where does the ferry leave from?",
            "How much is a ferry ticket?",
            "Where do I buy ferry tickets?",
            "Which island does the ferry go to?",
        ]
        for question in questions:  # distinct, so no answer reuses a cached prompt
            model_time = 0.0
            original = engine.chat

            def timed(*a, _orig=original, **kw):
                nonlocal model_time
                t = time.perf_counter()
                for chunk in _orig(*a, **kw):
                    model_time += time.perf_counter() - t
                    yield chunk
                    t = time.perf_counter()

            engine.chat = timed  # type: ignore[method-assign]
            answer = ws.ask(question)
            engine.chat = original  # type: ignore[method-assign]
            ttft.append(answer.first_token_seconds or 0)
            speed.append(answer.tokens_per_second or 0)
            share.append(1 - model_time / answer.seconds)
        ws.close()
    print(
        f"embedded {DEFAULT_MODEL}: load {load:.2f} s, time to first token "
        f"{statistics.median(ttft) * 1000:.0f} ms, {statistics.median(speed):.0f} tokens/s, "
        f"our code's share of a turn {statistics.median(share) * 100:.1f} %"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=2000)
    args = parser.parse_args()
    bench_index(args.notes)
    bench_engine()
