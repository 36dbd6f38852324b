"""Local engine figures for the README: the embedded engine's time to first token and
tokens/s on this machine (short and long prompts), where its layers run, our code's share
of a whole turn (reusing bench_foundation's measurement), and what OllamaEngine adds over
the bare ``ollama`` client per streamed answer (against the API double, so only our code
is measured).

    .venv/bin/python tests/bench/bench_engines.py [--runs 5]
    python tests/bench/bench_engines.py --embedded-only --gpu-layers 0   # CPU on a GPU box

``--embedded-only`` needs only the engine (llama-cpp-python and the model package), so it
also runs where the rest of the app is not installed, e.g. on a GPU machine.

Not a timed test: it prints figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # for tests.fakes

from agent.engines.catalog import recommend
from agent.engines.embedded import EmbeddedEngine
from agent.engines.packaged import DEFAULT_MODEL
from agent.hardware import detect

LONG = " ".join(["The ferry to Hydra leaves at 7:40 from pier 3."] * 60)


def time_stream(chunks) -> tuple[float, float, int]:
    """(seconds to the first text, seconds in all, text chunks) of one streamed answer."""
    start, first, count = time.perf_counter(), None, 0
    for chunk in chunks:
        if chunk.text:
            count += 1
            first = first or time.perf_counter() - start
    return first or 0.0, time.perf_counter() - start, count


def bench_embedded(runs: int, threads: int | None, gpu_layers: int | None) -> None:
    engine = EmbeddedEngine(DEFAULT_MODEL, n_threads=threads, gpu_layers=gpu_layers)
    load = engine.warm_up()
    print(f"embedded {DEFAULT_MODEL}, {engine.n_threads} threads: load {load:.2f} s; "
          f"{engine.offload()}")  # fmt: skip
    prompts = {"short prompt": "Say hello in five words.",
               "long prompt (~700 tokens)": LONG + "\nWhen does the ferry leave?"}  # fmt: skip
    for label, prompt in prompts.items():
        ttft, speed = [], []
        for n in range(runs):
            # The run number leads, so no run reuses the previous prompt from the KV cache.
            msgs = [{"role": "user", "content": f"({n}) {prompt}"}]
            first, total, count = time_stream(engine.chat(msgs, options={"max_tokens": 64}))
            ttft.append(first)
            speed.append((count - 1) / (total - first) if count > 1 and total > first else 0)
        print(f"  {label}: time to first token {statistics.median(ttft) * 1000:.0f} ms, "
              f"{statistics.median(speed):.0f} tokens/s (median of {runs})")  # fmt: skip


def bench_ollama_overhead(runs: int) -> None:
    import ollama

    from agent.engines.ollama import OllamaEngine
    from tests.fakes.ollama_server import FakeOllama

    words = " ".join(f"w{i}" for i in range(200))  # a 201-chunk answer from the double
    msgs = [{"role": "user", "content": words}]
    with FakeOllama() as fake, ollama.Client(host=fake.url, trust_env=False) as client:
        engine = OllamaEngine(fake.url, "llama3.2:1b")
        bare, ours = [], []
        for _ in range(runs * 10):  # alternated, so load on the machine hits both alike
            t = time.perf_counter()
            parts = client.chat("llama3.2:1b", msgs, stream=True,
                                options=engine.chat_options(msgs))  # fmt: skip
            for part in parts:
                if part.done:  # stop where OllamaEngine stops, not at the chunked trailer
                    break
            parts.close()
            bare.append(time.perf_counter() - t)
            t = time.perf_counter()
            for _chunk in engine.chat(msgs):
                pass
            ours.append(time.perf_counter() - t)
        engine.close()
        bare, ours = bare[runs:], ours[runs:]  # the first runs warm up connections
    extra = (statistics.median(ours) - statistics.median(bare)) * 1000
    print(f"OllamaEngine vs the bare ollama client, 201-chunk stream from the double: "
          f"{statistics.median(bare) * 1000:.1f} ms vs {statistics.median(ours) * 1000:.1f} ms "
          f"({extra:+.1f} ms a turn)")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, help="llama.cpp threads (default: half the cores)")
    parser.add_argument("--gpu-layers", type=int, help="layers on the GPU (default: all)")
    parser.add_argument("--embedded-only", action="store_true", help="only the embedded engine")
    args = parser.parse_args()
    profile = detect()
    print(f"hardware: {profile.describe()}; load average {os.getloadavg()[0]:.1f}")
    print(f"recommended for Ollama: {recommend(profile).describe()}")
    bench_embedded(args.runs, args.threads, args.gpu_layers)
    if not args.embedded_only:
        from bench_foundation import bench_engine  # the per-turn share, reused

        bench_engine()  # a whole turn: retrieval + prompt + stream handling vs the model
        bench_ollama_overhead(args.runs)
