"""`fanous models …` as a real process, with a fake `ollama` program on PATH that the
command starts as its child (and stops again when it exits)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import tomli_w

from tests.fakes.loopback import free_port
from tests.fakes.ollama_server import write_ollama_executable


@pytest.fixture
def home(tmp_path: Path) -> tuple[Path, dict[str, str], str]:
    """A Fanous home whose settings point at a free port, and PATH with the fake ollama."""
    home, folder = tmp_path / "home", tmp_path / "bin"
    (home / "config").mkdir(parents=True)
    folder.mkdir()
    write_ollama_executable(folder)
    host = f"http://127.0.0.1:{free_port()}"
    (home / "config" / "settings.toml").write_text(tomli_w.dumps({"ollama_host": host}))
    env = {**os.environ, "FANOUS_HOME": str(home),
           "PATH": f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"}  # fmt: skip
    return home, env, host


def fanous(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agent.cli", *args], capture_output=True,
                          text=True, env=env, timeout=120)  # fmt: skip


def down(host: str) -> bool:
    try:
        httpx.get(f"{host}/api/version", timeout=0.5)
    except httpx.HTTPError:
        return True
    return False


def test_pull_list_rollback_recommend(home: tuple[Path, dict[str, str], str]) -> None:
    _, env, host = home
    pulled = fanous(["models", "pull", "qwen2.5:0.5b", "--json"], env)
    assert pulled.returncode == 0, pulled.stderr
    result = json.loads(pulled.stdout)
    assert result["status"] == "installed" and result["name"] == "qwen2.5:0.5b"
    assert down(host)  # the `ollama serve` it started is stopped when it exits

    listed = fanous(["models", "--json"], env)
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    assert data["active"] == {"engine": "ollama", "model": "llama3.2:1b"}
    assert {"embedded", "ollama"} <= {m["engine"] for m in data["models"]}
    assert isinstance(data["loaded"], list)

    plain = fanous(["models"], env)
    assert plain.returncode == 0 and "Answering with: ollama / llama3.2:1b" in plain.stdout

    rollback = fanous(["models", "rollback", "llama3.2:1b"], env)
    assert rollback.returncode == 1 and "no earlier version" in rollback.stderr
    assert "fix:" in rollback.stderr and "Traceback" not in rollback.stderr

    rec = fanous(["models", "recommend", "--json"], env)
    assert rec.returncode == 0, rec.stderr
    data = json.loads(rec.stdout)
    assert data["recommendation"]["chat"]["name"] and data["hardware"]["cpu_cores"] >= 1
    assert down(host)


def test_remove_and_missing_model(home: tuple[Path, dict[str, str], str]) -> None:
    _, env, _ = home
    removed = fanous(["models", "remove", "llama3.2:1b", "--json"], env)
    assert removed.returncode == 0, removed.stderr
    assert json.loads(removed.stdout) == {"removed": ["llama3.2:1b"]}
    missing = fanous(["models", "remove", "nothing:here"], env)
    assert missing.returncode == 1 and "has no model 'nothing:here'" in missing.stderr


def test_doctor_shows_hardware_recommendation_and_residency(
    home: tuple[Path, dict[str, str], str],
) -> None:
    _, env, host = home
    result = fanous(["doctor", "--json"], env)
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert "CPU cores" in checks["hardware"]["detail"]
    assert checks["recommended models"]["detail"].startswith("chat ")
    assert "embeddings" in checks["recommended models"]["detail"]
    assert "layers" in checks["llama.cpp build"]["detail"]
    assert checks["answering engine"]["detail"] == "ollama with llama3.2:1b"
    assert checks["gpu residency"]["verdict"] == "ok"
    assert down(host)
