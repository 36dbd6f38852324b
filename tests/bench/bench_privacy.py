"""Privacy-layer figures for the README: PII pseudonymisation and restoration throughput,
the cost of preparing one cloud request, and the cost of one routing decision.

    .venv/bin/python tests/bench/bench_privacy.py [--passages 2000]

Not a timed test: it prints figures. Generated text is deterministic (seeded).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from agent.config import Settings
from agent.index.search import Hit
from agent.privacy import Pseudonymiser, prepare
from agent.router import decide

WORDS = (
    "ferry harbour ticket garden olive meeting budget invoice recipe train station museum "
    "project deadline review dentist insurance contract apartment landlord flight hotel"
).split()
NAMES = ["Karim Haddad", "Layla Nasser", "Omar Saleh", "Dana Levi", "Sami Khoury"]
PII = [
    "karim.haddad@example.org",
    "+44 20 7946 0958",
    "4111 1111 1111 1111",
    "GB82 WEST 1234 5698 7654 32",
    "221B Baker Street",
    "Layla Nasser",
    "شارع الحمراء 12",
]
QUESTIONS = [
    "When does the ferry leave?",
    "Summarise my notes on the renovation",
    "Plan my week around the dentist and the standup",
    "Rewrite the reply to the landlord to sound formal",
    "Write a Python script that parses my invoices",
    "لخص ملاحظاتي عن السفر",
]


def passage(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(60, 140))]
    for _ in range(rng.randint(1, 4)):
        words.insert(rng.randrange(len(words)), rng.choice(PII))
    return " ".join(words) + "."


def hit(text: str, n: int) -> Hit:
    return Hit(n, n, "notes", f"file:///n/{n}.md", f"/n/{n}.md", "t", "", text, 0, 0, 1.0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--passages", type=int, default=2000)
    args = ap.parse_args()
    rng = random.Random(7)
    texts = [passage(rng) for _ in range(args.passages)]
    size = sum(len(t.encode()) for t in texts)

    p = Pseudonymiser(names=NAMES)
    t0 = time.perf_counter()
    masked = [p.pseudonymise(t) for t in texts]
    t_mask = time.perf_counter() - t0
    t0 = time.perf_counter()
    restored = [p.restore(m) for m in masked]
    t_restore = time.perf_counter() - t0
    assert restored == texts, "round trip failed"
    print(f"passages: {len(texts)} ({size / 1e6:.2f} MB), distinct values {p.redactions}")
    print(f"pseudonymise: {size / 1e6 / t_mask:.1f} MB/s, {len(texts) / t_mask:,.0f} passages/s")
    print(f"restore:      {size / 1e6 / t_restore:.1f} MB/s")

    hits = [hit(t, n) for n, t in enumerate(texts[:3])]
    runs = []
    for _ in range(300):
        t0 = time.perf_counter()
        prepare("Plan a trip with Karim Haddad", hits, names=NAMES)
        runs.append(time.perf_counter() - t0)
    print(f"prepare one cloud request (3 passages): p50 {statistics.median(runs) * 1e3:.2f} ms")

    s = Settings(cloud_escalation=True)
    runs = []
    for i in range(3000):
        q = QUESTIONS[i % len(QUESTIONS)]
        t0 = time.perf_counter()
        decide(s, question=q, hits=hits, draft="the ferry leaves at 7:40", spent_usd=0.1)
        runs.append(time.perf_counter() - t0)
    runs.sort()
    p50, p95 = runs[len(runs) // 2], runs[int(len(runs) * 0.95)]
    print(
        f"router decision (3 passages, with draft): p50 {p50 * 1e6:.0f} µs, p95 {p95 * 1e6:.0f} µs"
    )


if __name__ == "__main__":
    main()
