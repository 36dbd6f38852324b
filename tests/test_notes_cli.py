"""`fanous index` and `fanous search` with the notes features: every format, embeddings,
hybrid by default, filters, Arabic queries, and live mode (`--watch`)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import write_notes

FANOUS = [sys.executable, "-m", "agent.cli"]


def run(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FANOUS_HOME": str(home)}
    return subprocess.run([*FANOUS, *args], capture_output=True, text=True, env=env, timeout=120)


def test_index_embeds_and_search_filters(tmp_path: Path) -> None:
    notes = write_notes(
        tmp_path / "notes",
        {
            "travel/ferry.md": "---\ntags: [travel]\ndate: 2024-05-03\n---\n# Ferry\n\n"
            "The ferry to Hydra leaves at 7:40 from pier 3.",
            "work/plan.md": "---\ntags: [work]\ndate: 2023-02-01\n---\n# Plan\n\n"
            "The launch plan is due Friday.",
            "ar.md": "# سفر\n\nموعدُ العَبّارةِ الساعة السابعة.",
        },
    )
    home = tmp_path / "home"
    first = run(["index", "--notes", str(notes), "--json"], home)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)[0]["added"] == 3

    hybrid = json.loads(run(["search", "when does the boat depart", "--json"], home).stdout)
    assert hybrid["results"][0]["path"].endswith("ferry.md"), "meaning, not only words"

    def paths(*args: str) -> list[str]:
        out = run(["search", *args, "--json"], home)
        assert out.returncode == 0, out.stderr
        return sorted(Path(r["path"]).name for r in json.loads(out.stdout)["results"])

    assert paths("plan ferry", "--mode", "keyword") == ["ferry.md", "plan.md"]
    assert paths("plan ferry", "--mode", "keyword", "--tag", "work") == ["plan.md"]
    assert paths("plan ferry", "--mode", "keyword", "--folder", "travel") == ["ferry.md"]
    assert paths("plan ferry", "--mode", "keyword", "--after", "2024-01-01") == ["ferry.md"]
    assert paths("plan ferry", "--mode", "keyword", "--before", "2023-02-01") == ["plan.md"]
    assert paths("العبارة", "--mode", "keyword") == ["ar.md"]
    bad = run(["search", "x", "--after", "yesterday"], home)
    assert bad.returncode == 1 and "YYYY-MM-DD" in bad.stderr


def test_index_watch_picks_up_an_edit(tmp_path: Path) -> None:
    notes = write_notes(tmp_path / "notes", {"a.md": "# A\n\nNothing yet."})
    home = tmp_path / "home"
    env = {**os.environ, "FANOUS_HOME": str(home), "PYTHONFAULTHANDLER": "1"}
    proc = subprocess.Popen(
        [*FANOUS, "index", "--notes", str(notes), "--watch", "--no-embed"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = ""
        deadline = time.monotonic() + 60
        while "Watching" not in line and time.monotonic() < deadline:
            line = proc.stderr.readline()
        assert "Watching" in line
        (notes / "b.md").write_text("# B\n\nThe zebra crossing is by the harbour.")
        for _ in range(100):
            found = json.loads(run(["search", "zebra", "--json"], home).stdout)["results"]
            if found:
                break
            time.sleep(0.1)
        assert found and found[0]["path"].endswith("b.md")
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _, rest = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGABRT)  # faulthandler prints every thread's stack
            _, rest = proc.communicate()
            pytest.fail(f"`index --watch` still ran 60 s after Ctrl-C; its stderr: {rest}")
    assert proc.returncode == 0, rest
