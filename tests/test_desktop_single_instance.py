"""One window per Fanous home: a second launch shows the first window and quits."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from desktop.qt import QLocalServer, QLocalSocket
from desktop.single_instance import SingleInstance, server_name
from tests.conftest import WAIT_MS


def test_the_second_instance_shows_the_first_and_steps_aside(qtbot: Any, tmp_path: Path) -> None:
    db = str(tmp_path / "fanous.db")
    first = SingleInstance(db)
    assert first.claim()
    second = SingleInstance(db)
    with qtbot.waitSignal(first.activated, timeout=WAIT_MS):
        assert not second.claim()
    other = SingleInstance(str(tmp_path / "other.db"))
    assert other.claim()  # another home: its own


def test_a_socket_left_by_a_crashed_instance_is_taken_over(qtbot: Any, tmp_path: Path) -> None:
    db = str(tmp_path / "fanous.db")
    probe = QLocalServer()
    assert probe.listen(server_name(db))
    path = probe.fullServerName()
    probe.close()  # the file goes with a clean close; a crash leaves it:
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(path)  # bound, never listening: connecting is refused
    stale.close()
    assert Path(path).exists()
    instance = SingleInstance(db)
    assert instance.claim()
    client = QLocalSocket()
    client.connectToServer(server_name(db))
    assert client.waitForConnected(1000)


def test_launching_the_app_twice_keeps_one_window(tmp_path: Path) -> None:
    env = {**os.environ, "FANOUS_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}
    app = [sys.executable, "-m", "desktop.launcher"]
    with tempfile.TemporaryFile() as log:
        first = subprocess.Popen(app, env=env, stdout=log, stderr=log)
        try:
            name = server_name(str(tmp_path / "home" / "data" / "fanous.db"))
            deadline = time.monotonic() + 60
            while not _answers(name):
                assert first.poll() is None, "the first instance quit"
                assert time.monotonic() < deadline, "the first instance never listened"
                time.sleep(0.2)
            second = subprocess.run(app, env=env, capture_output=True, text=True, timeout=60)
            assert second.returncode == 0, second.stderr
            assert first.poll() is None  # the first one is still there
        finally:
            first.terminate()
            first.wait(10)


def _answers(name: str) -> bool:
    client = QLocalSocket()
    client.connectToServer(name)
    ok = client.waitForConnected(200)
    client.abort()
    return ok
