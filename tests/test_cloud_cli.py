"""`fanous keys`, `fanous cloud`, `fanous ledger` and `ask --cloud/--local` as a user runs
them: real processes, the real keyring (gnome-keyring in a D-Bus session), the Anthropic
double on loopback. The key is never printed and never lands in a file."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent import secrets
from tests.fakes.anthropic_server import FakeAnthropic
from tests.test_cli import run

KEY = "sk-ant-cli-test-0123456789"


@pytest.fixture
def anthropic_key() -> Iterator[str]:
    yield KEY
    secrets.delete_secret("anthropic")


def test_keys_set_list_replace_remove(tmp_path: Path, anthropic_key: str) -> None:
    home = tmp_path / "home"
    stored = run(["keys", "set", "anthropic"], home, input=f"{KEY}\n")
    assert stored.returncode == 0, stored.stderr
    assert KEY not in stored.stdout + stored.stderr
    assert secrets.get_secret("anthropic") == KEY  # in the real keyring
    listed = json.loads(run(["keys", "list", "--json"], home).stdout)
    assert {"provider": "anthropic", "key": True} in listed
    assert KEY not in json.dumps(listed)
    run(["keys", "set", "anthropic"], home, input="sk-ant-replaced\n")
    assert secrets.get_secret("anthropic") == "sk-ant-replaced"
    empty = run(["keys", "set", "anthropic"], home, input="\n")
    assert empty.returncode == 1 and secrets.get_secret("anthropic") == "sk-ant-replaced"
    assert "Removed" in run(["keys", "remove", "anthropic"], home).stdout
    assert secrets.get_secret("anthropic") is None
    assert "no Anthropic key" in run(["keys", "remove", "anthropic"], home).stdout
    bad = run(["keys", "set", "nosuch"], home, input="x\n")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


@pytest.mark.model
def test_cloud_switch_ask_and_ledger(tmp_path: Path, notes_dir: Path, anthropic_key) -> None:
    home = tmp_path / "home"
    off = json.loads(run(["cloud", "status", "--json"], home).stdout)
    assert off["escalation"] is False and off["key"] is False
    with FakeAnthropic(api_key=KEY, reply="Karim says: 7:40 from pier 3.") as fake:
        run(["keys", "set", "anthropic"], home, input=KEY)
        on = run(["cloud", "on", "--provider", "anthropic", "--base-url", fake.url,
                  "--budget", "2", "--threshold", "0.4", "--json"], home)  # fmt: skip
        status = json.loads(on.stdout)
        assert status["escalation"] and status["key"] is True and status["base_url"] == fake.url
        assert status["monthly_budget_usd"] == 2.0 and status["escalation_threshold"] == 0.4
        asked = run(["ask", "When does the ferry leave?", "--notes", str(notes_dir), "--cloud",
                     "--json"], home)  # fmt: skip
        assert asked.returncode == 0, asked.stderr
        answer = json.loads(asked.stdout)
        assert answer["route"]["kind"] == "cloud" and answer["route"]["engine"] == "anthropic"
        assert answer["answer"] == "Karim says: 7:40 from pier 3."
        assert fake.requests[-1]["headers"]["x-api-key"] == KEY
        local = json.loads(
            run(["ask", "When does the ferry leave?", "--local", "--json"], home).stdout
        )
        assert local["route"]["reason"] == "you asked to keep this question local"
        assert len(fake.requests) == 1
    rows = json.loads(run(["ledger", "--json"], home).stdout)
    assert len(rows) == 1 and rows[0]["provider"] == "anthropic" and rows[0]["status"] == "ok"
    assert rows[0]["bytes_sent"] > 0 and rows[0]["cost_usd"] > 0
    assert "anthropic/claude-3-5-haiku-latest → 127.0.0.1" in run(["ledger"], home).stdout
    export = run(["ledger", "--export", str(tmp_path / "out.csv")], home)
    assert "1 ledger rows" in export.stdout
    assert next(csv.DictReader((tmp_path / "out.csv").open()))["host"] == "127.0.0.1"
    assert "off" in run(["cloud", "off"], home).stdout
    # The key went nowhere but the keyring.
    for f in home.rglob("*"):
        if f.is_file():
            assert KEY.encode() not in f.read_bytes(), f
