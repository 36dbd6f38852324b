"""Search by meaning at vault scale: how fast each tier covers the passages, what a
question over a folder without vectors costs (first use), and what a huge query costs.

    .venv/bin/python tests/bench/bench_meaning.py [--notes 2000] [--e5-sample 64]

Not a timed test: it prints figures, each beside its reference from the same run (the
full model, E5-small, on the same passages; a short query beside a 127,600-character
one). The corpus is bench_notes.py's generated notes. Quality per tier is measured by
tests/bench/retrieval_quality/evaluate.py --tiers.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from bench_foundation import QUERIES, pct  # noqa: E402
from bench_notes import make_notes  # noqa: E402

from agent.index.first_use import embed_for_question  # noqa: E402
from agent.index.indexer import index_source  # noqa: E402
from agent.index.search import search  # noqa: E402
from agent.index.static_vectors import static_embedder  # noqa: E402
from agent.index.vectors import E5Embedder, TieredEmbedder, embed_pending  # noqa: E402
from agent.store import Store  # noqa: E402
from connectors.notes import NotesFolder  # noqa: E402

LONG_CHARS = 127_600
VAULT = 120_000  # passages of a 20,000-note vault (bench_notes: 120,856)


def timed(fn, rounds: int = 3) -> list[float]:
    out = []
    for _ in range(rounds):
        for q in QUERIES:
            t = time.perf_counter()
            fn(q)
            out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=2000)
    ap.add_argument("--e5-sample", type=int, default=64, help="passages E5 embeds for its rate")
    args = ap.parse_args()
    static = static_embedder()
    e5 = E5Embedder(threads=2)
    with tempfile.TemporaryDirectory() as tmp:
        notes = Path(tmp) / "notes"
        make_notes(notes, args.notes)
        store = Store(Path(tmp) / "bench.db")
        t = time.perf_counter()
        report = index_source(store, NotesFolder(notes))
        print(f"indexed {report.scanned} notes in {time.perf_counter() - t:.1f} s")
        passages = store.conn.execute("SELECT count(DISTINCT text_hash) FROM chunks").fetchone()[0]

        t = time.perf_counter()
        embed_pending(store, static, batch=static.batch)
        static_s = time.perf_counter() - t
        sample = [
            r[0]
            for r in store.conn.execute(
                "SELECT text FROM chunks ORDER BY id LIMIT ?", (args.e5_sample,)
            )
        ]
        e5.embed_passages(sample[:2])  # load the model first
        t = time.perf_counter()
        e5.embed_passages(sample)
        e5_s = time.perf_counter() - t
        static_rate, e5_rate = passages / static_s, len(sample) / e5_s
        print(
            f"first tier (static vectors): {passages:,} passages in {static_s:.1f} s = "
            f"{static_rate:,.0f}/s -> {VAULT:,} passages in {VAULT / static_rate / 60:.1f} min\n"
            f"full model (E5-small, 2 threads), same passages: {len(sample)} in {e5_s:.1f} s = "
            f"{e5_rate:.1f}/s -> {VAULT:,} passages in {VAULT / e5_rate / 3600:.1f} h "
            f"(ratio {static_rate / e5_rate:,.0f}x)"
        )

        # Search latency with only the first tier (the state minutes after indexing).
        tiered = TieredEmbedder(e5, static)
        for label, fn in (
            ("keyword", lambda q: search(store, q, mode="keyword")),
            ("hybrid, first tier only", lambda q: search(store, q, embedder=tiered)),
        ):
            ms = timed(fn)
            print(f"  {label:<34} p50 {pct(ms, 50):7.2f} ms   p95 {pct(ms, 95):7.2f} ms")

        # A huge query: cut to the model's window, keyword terms capped.
        long_query = (" ".join(QUERIES) + " ") * (LONG_CHARS // len(" ".join(QUERIES)) + 1)
        long_query = long_query[:LONG_CHARS]
        for mode in ("keyword", "vector", "hybrid"):
            short = timed(lambda q, m=mode: search(store, q, mode=m, embedder=tiered), 2)
            huge = []
            for _ in range(5):
                t = time.perf_counter()
                search(store, long_query, mode=mode, embedder=tiered)
                huge.append((time.perf_counter() - t) * 1000)
            print(
                f"  {mode:<8} short query p50 {statistics.median(short):7.2f} ms; "
                f"{LONG_CHARS:,}-character query median {statistics.median(huge):7.2f} ms, "
                f"max {max(huge):7.2f} ms"
            )

        # First use: a question over the folder, no full-model vectors yet.
        question = "when does the boat to the island leave"
        marks: dict[str, tuple[float, int]] = {}
        t = time.perf_counter()
        got = embed_for_question(
            store,
            question,
            tiered,
            progress=lambda stage, done, total: marks.__setitem__(
                stage, (time.perf_counter() - t, done)
            ),
        )
        cand_s, cand_n = marks.get("candidates", (0.0, 0))
        print(
            f"first use: the question's {cand_n} candidate passages embedded with E5 "
            f"{cand_s:.1f} s after the question; then {got.embedded_now - cand_n} more until "
            f"the {got.seconds:.0f} s budget; coverage {got.embedded:,}/{got.passages:,}"
        )
        store.close()


if __name__ == "__main__":
    main()
