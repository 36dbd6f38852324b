"""OLLAMA_HOST, as Ollama's own CLI and Python client read it: `fanous models` and
`doctor` find an Ollama serving on a non-default port, and an explicit setting wins."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import tomli_w
from ollama._client import _parse_host

from agent.config import Paths, Settings, load_settings, save_settings
from agent.engines.ollama import ollama_address, parse_ollama_env
from tests.fakes.ollama_server import FakeOllama
from tests.test_models_cli import free_port

# The forms Ollama's documentation and its client's own doctests use.
FORMS = [
    "1.2.3.4", ":56789", "1.2.3.4:56789", "http://1.2.3.4", "https://1.2.3.4",
    "https://1.2.3.4:56789", "example.com", "example.com:56789", "http://example.com",
    "https://example.com", "example.com/", "example.com:56789/path/",
    "https://example.com:56789/path", "[0001:002:003:0004::1]",
    "[0001:002:003:0004::1]:56789", "http://[0001:002:003:0004::1]", "  127.0.0.1:9  ",
]  # fmt: skip


@pytest.mark.parametrize("value", FORMS)
def test_read_as_ollamas_own_client_reads_it(value: str) -> None:
    assert parse_ollama_env(value) == _parse_host(value.strip())


def test_quotes_bind_all_and_precedence() -> None:
    assert parse_ollama_env('"127.0.0.1:7000"') == "http://127.0.0.1:7000"
    assert parse_ollama_env("0.0.0.0:7000") == "http://127.0.0.1:7000"  # a server's bind
    env = {"OLLAMA_HOST": "127.0.0.1:7000"}
    assert ollama_address("", env).url == "http://127.0.0.1:7000"
    assert ollama_address("", env).origin == "OLLAMA_HOST"
    chosen = ollama_address("box:8000", env)
    assert (chosen.url, chosen.origin) == ("http://box:8000", "setting")
    assert ollama_address("", {}).url == "http://127.0.0.1:11434"
    assert ollama_address("", {"OLLAMA_HOST": " '' "}).origin == "default"


def test_the_old_default_in_a_settings_file_is_not_a_choice(tmp_path: Path) -> None:
    paths = Paths.resolve(tmp_path)
    paths.config_dir.mkdir(parents=True)
    paths.settings_file.write_text(tomli_w.dumps({"ollama_host": "http://127.0.0.1:11434"}))
    assert load_settings(paths).ollama_host == ""
    save_settings(paths, Settings(ollama_host="http://127.0.0.1:7000"))
    assert load_settings(paths).ollama_host == "http://127.0.0.1:7000"


def _fanous(args: list[str], home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "OLLAMA_HOST"}
    environ.update(FANOUS_HOME=str(home), PATH="/usr/bin:/bin", **env)  # no `ollama` here
    return subprocess.run([sys.executable, "-m", "agent.cli", *args], capture_output=True,
                          text=True, env=environ, timeout=120)  # fmt: skip


def _check(doctor: subprocess.CompletedProcess[str], name: str) -> dict[str, str]:
    return next(c for c in json.loads(doctor.stdout)["checks"] if c["name"] == name)


@pytest.mark.parametrize("form", ["127.0.0.1:{port}", "http://127.0.0.1:{port}", ":{port}"])
def test_models_and_doctor_follow_ollama_host(tmp_path: Path, form: str) -> None:
    with FakeOllama() as fake:
        assert fake.port != 11434
        value = form.format(port=fake.port)
        listed = _fanous(["models", "--json"], tmp_path, OLLAMA_HOST=value)
        assert listed.returncode == 0, listed.stderr
        assert json.loads(listed.stdout)["active"]["engine"] == "ollama"
        assert any(r.path == "/api/tags" for r in fake.requests)
        if not form.startswith("127"):
            return  # doctor (slow: it probes everything) once is enough
        doctor = _fanous(["doctor", "--json"], tmp_path, OLLAMA_HOST=value)
        ollama = _check(doctor, "ollama")
        assert ollama["verdict"] == "ok" and fake.url in ollama["detail"]
        assert _check(doctor, "ollama address")["detail"] == f"{fake.url} (from OLLAMA_HOST)"


def test_an_explicit_setting_wins_over_ollama_host(tmp_path: Path) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.toml").write_text(tomli_w.dumps({"ollama_host": nowhere}))
    with FakeOllama() as fake:
        listed = _fanous(["models", "--json"], tmp_path, OLLAMA_HOST=fake.url)
        assert listed.returncode == 0, listed.stderr
        assert json.loads(listed.stdout)["active"]["engine"] == "embedded"
        assert not fake.requests  # the setting names another address: OLLAMA_HOST unused
        doctor = _fanous(["doctor", "--json"], tmp_path, OLLAMA_HOST=fake.url)
        detail = _check(doctor, "ollama address")["detail"]
        assert detail.startswith(f"{nowhere} (the ollama_host setting)")
        assert f"OLLAMA_HOST={fake.url} is set, but the setting wins" in detail
