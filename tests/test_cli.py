"""The `fanous` command as scripts use it: a real process, real model, JSON out."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

FANOUS = [sys.executable, "-m", "desktop.launcher"]  # the `fanous` entry point


def run(args: list[str], home: Path, **kw) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FANOUS_HOME": str(home)}
    return subprocess.run(
        [*FANOUS, *args], capture_output=True, text=True, env=env, timeout=120, **kw
    )


@pytest.mark.model
def test_ask_answers_offline_from_a_notes_folder(tmp_path: Path, notes_dir: Path) -> None:
    result = run(
        ["ask", "When does the ferry leave?", "--notes", str(notes_dir), "--json"],
        tmp_path / "home",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert "7:40" in data["answer"]
    assert data["route"] == {
        "kind": "local",
        "reason": "cloud escalation is off",
        "engine": "embedded",
        "model": "smollm2-135m",
    }
    top = data["sources"][0]
    assert top["path"] == str(notes_dir / "travel" / "ferry.md")
    start, end = top["span"]
    assert "7:40" in (notes_dir / "travel" / "ferry.md").read_text()[start:end]


@pytest.mark.model
def test_ask_streams_text_and_lists_sources(tmp_path: Path, notes_dir: Path) -> None:
    result = run(["ask", "When is the team standup?", "--notes", str(notes_dir)], tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert "9:15" in result.stdout
    assert "Sources:" in result.stdout and "standup.md" in result.stdout


def test_search_json_and_incremental_index(tmp_path: Path, notes_dir: Path) -> None:
    home = tmp_path / "home"
    first = run(["index", "--notes", str(notes_dir), "--json"], home)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)[0]["added"] == 4
    again = run(["index", "--json"], home)  # re-indexes the remembered folder
    assert json.loads(again.stdout)[0]["unchanged"] == 4
    found = run(["search", "wifi password", "--json"], home)
    data = json.loads(found.stdout)
    assert data["results"][0]["path"].endswith("wifi.md")
    assert {"uri", "path", "span", "score", "text", "heading_path"} <= set(data["results"][0])
    plain = run(["search", "wifi password"], home)
    assert "wifi.md" in plain.stdout


def test_index_counts_passages_not_vectors(tmp_path: Path, notes_dir: Path) -> None:
    """Each passage gets a vector from the first pass, then one from the full model
    (which replaces it); the summary counts passages, and says what each model did."""
    result = run(["index", "--notes", str(notes_dir)], tmp_path / "home")
    assert result.returncode == 0, result.stderr
    db = sqlite3.connect(tmp_path / "home" / "data" / "fanous.db")
    passages = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
    (full,) = db.execute("SELECT DISTINCT model FROM embeddings").fetchone()
    db.close()
    assert passages > 1 and not full.startswith("static:")
    assert (
        f"embedded {passages} passages for hybrid search (the first pass {passages}, "
        f"{full} {passages})"
    ) in result.stderr


def test_doctor_reports_the_real_state(tmp_path: Path) -> None:
    result = run(["doctor", "--json"], tmp_path / "home")
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["keyring"]["verdict"] == "ok"
    assert "SecretService" in checks["keyring"]["detail"]
    assert checks["embedded engine"]["verdict"] == "ok"
    assert checks["ollama"]["verdict"] == "warn" and "ollama serve" in checks["ollama"]["fix"]
    assert checks["answering engine"]["detail"] == "embedded with smollm2-135m"
    assert checks["cloud escalation"]["detail"].startswith("off")
    assert checks["index"]["verdict"] == "warn" and "fanous index" in checks["index"]["fix"]
    assert result.returncode == 0, result.stdout


def test_errors_are_messages_not_tracebacks(tmp_path: Path) -> None:
    result = run(["ask", "anything", "--notes", str(tmp_path / "missing")], tmp_path / "home")
    assert result.returncode == 1
    assert "does not exist" in result.stderr and "fix:" in result.stderr
    assert "Traceback" not in result.stderr


def test_models_lists_the_packaged_default(tmp_path: Path) -> None:
    result = run(["models", "--json"], tmp_path / "home")
    data = json.loads(result.stdout)
    assert data["active"] == {"engine": "embedded", "model": "smollm2-135m"}
    assert any(m["name"] == "smollm2-135m" for m in data["models"])


def test_no_display_is_a_clear_error(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env["FANOUS_HOME"] = str(tmp_path / "home")
    result = subprocess.run(FANOUS, capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert "no graphical display" in result.stderr and "fix:" in result.stderr
