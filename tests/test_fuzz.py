"""The fuzz suite, in CI with a bounded budget (a deterministic seed; about two minutes
on two cores): 10,000 mutants of the mail corpus and 2,000 hostile notes, with good items
among them, through the real indexer and its worker processes (tests/fuzz/run.py).

Every item is bounded by the workers' limits of time and memory, not by a clock here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.runs_long
def test_fuzzed_mail_and_hostile_notes() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tests.fuzz.run", "--mail", "10000", "--notes", "2000", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,  # a busy machine's wait, not a speed test
    )
    assert proc.stdout, proc.stderr
    stats = json.loads(proc.stdout.splitlines()[-1])
    print(json.dumps(stats, indent=1, ensure_ascii=False))
    assert stats["mail"]["mutants"] >= 10_000 and stats["notes"]["hostile"] >= 2_000
    assert stats["crashes"] == [], "an item failed for an unforeseen reason"
    assert stats["lost"] == [], "a good item is missing from the index"
    warnings = proc.stderr[-3000:]
    assert not stats["parsed_in_the_indexer"], f"workers did not start, no limits: {warnings}"
    memory = stats["peak_rss_mb"]
    # The indexer and every worker at their peaks at once: an upper bound on the total.
    assert memory["indexer"] + stats["workers"] * memory["worker"] < 500, (memory, warnings)
