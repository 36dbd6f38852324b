"""Secrets against the real OS keyring (gnome-keyring's Secret Service in a D-Bus session,
started by scripts/test): they land there and nowhere else."""

from __future__ import annotations

import uuid
from pathlib import Path

import keyring
import pytest

from agent import secrets
from agent.config import Paths
from agent.workspace import Workspace, setup_logging
from contracts.errors import KeyringUnavailable
from tests.fakes.engines import FakeEngine


def test_the_real_secret_service_is_in_use() -> None:
    # A silent fall-back to a plaintext or null backend must fail loudly.
    assert type(keyring.get_keyring()).__name__ == "Keyring"
    assert secrets.check_backend() == "SecretService.Keyring"


def test_set_get_replace_delete() -> None:
    name = f"test-{uuid.uuid4().hex}"
    secrets.set_secret(name, "first")
    secrets.set_secret(name, "second")
    assert secrets.get_secret(name) == "second"
    assert secrets.delete_secret(name) is True
    assert secrets.get_secret(name) is None
    assert secrets.delete_secret(name) is False


def test_secret_is_written_nowhere_but_the_keyring(paths: Paths, notes_dir: Path) -> None:
    secret = f"sk-test-{uuid.uuid4().hex}"
    setup_logging(paths)
    ws = Workspace(paths, engine=FakeEngine("The ferry leaves at 7:40."))
    secrets.set_secret("openai", secret)
    try:
        ws.settings.cloud_escalation = True
        ws.save_settings()
        ws.index_notes(str(notes_dir))
        ws.ask("When does the ferry leave?")
        ws.close()
        for handler in __import__("logging").getLogger("agent").handlers:
            handler.flush()
        scanned = 0
        for folder in (paths.config_dir, paths.data_dir, paths.log_dir):
            for f in folder.rglob("*"):
                if f.is_file():
                    scanned += 1
                    assert secret.encode() not in f.read_bytes(), f"secret leaked into {f}"
        assert scanned >= 3  # settings, database, log
        assert secrets.get_secret("openai") == secret
    finally:
        secrets.delete_secret("openai")


def test_unsafe_backend_is_refused_with_a_fix() -> None:
    from keyring.backends.fail import Keyring as FailKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        with pytest.raises(KeyringUnavailable) as info:
            secrets.set_secret("x", "y")
        assert "gnome-keyring" in info.value.fix
    finally:
        keyring.set_keyring(previous)
