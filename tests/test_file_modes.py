"""What Fanous keeps is readable by this user alone: its folders 0700, its files 0600 —
the database and its -wal/-shm, the log, the settings, the price table — and an older
version's 0644 files in 0755 folders (as the adversarial run found them) are fixed on
start."""

from __future__ import annotations

import logging
import os
import stat
import sys
from pathlib import Path

import pytest

from agent.config import Paths
from agent.engines.cloud import load_prices
from agent.workspace import LOGGED_PACKAGES, Workspace, setup_logging
from tests.conftest import write_notes
from tests.fakes.engines import FakeEngine

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")


def modes(paths: Paths) -> dict[str, int]:
    out = {}
    for folder in (paths.config_dir, paths.data_dir, paths.log_dir):
        out[str(folder)] = stat.S_IMODE(folder.stat().st_mode)
        for entry in folder.iterdir():
            out[str(entry)] = stat.S_IMODE(entry.lstat().st_mode)
    return out


def _detach_log_files() -> None:
    for name in LOGGED_PACKAGES:
        for handler in list(logging.getLogger(name).handlers):
            logging.getLogger(name).removeHandler(handler)
            handler.close()


def use(paths: Paths, tmp_path: Path) -> None:
    """Everything that writes a file: index (database, WAL), log, settings, prices."""
    ws = Workspace(paths, engine=FakeEngine())
    # A command run earlier in this process (fanous eval, models…) may have set up its own
    # log file; setup_logging keeps the first one, so this test's would never be written.
    _detach_log_files()
    setup_logging(paths)
    try:
        ws.add_notes_folder(str(write_notes(tmp_path / "notes", {"a.md": "ferry"})))
        ws.index_all()
        load_prices(paths.config_dir)
        logging.getLogger("agent.test").info("a line")
        names = {p.name for p in paths.data_dir.iterdir()}
        assert {"fanous.db", "fanous.db-wal", "fanous.db-shm"} <= names
        assert modes(paths)[str(paths.data_dir / "fanous.db-wal")] == 0o600
    finally:
        ws.close()
        _detach_log_files()  # the next test gets its own log file


def test_everything_fanous_writes_is_private(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask: files 0644 unless we say otherwise
    try:
        paths = Paths.resolve(tmp_path / "home").ensure()
        use(paths, tmp_path)
    finally:
        os.umask(old)
    found = modes(paths)
    assert {
        "settings.toml", "prices.toml", "fanous.db", "fanous.log"
    } <= {Path(p).name for p in found}  # fmt: skip
    assert {p: m for p, m in found.items() if m not in (0o600, 0o700)} == {}
    for folder in (paths.config_dir, paths.data_dir, paths.log_dir):
        assert found[str(folder)] == 0o700


def test_an_older_install_is_fixed_on_start(tmp_path: Path) -> None:
    paths = Paths.resolve(tmp_path / "home").ensure()
    use(paths, tmp_path)
    # As an older version left them: every folder 0755, every file 0644.
    for path, mode in modes(paths).items():
        os.chmod(path, 0o755 if mode == 0o700 else 0o644)
    Path(f"{paths.log_file}.1").write_text("rotated\n")
    Path(f"{paths.log_file}.1").chmod(0o644)
    assert set(modes(paths).values()) == {0o644, 0o755}
    Workspace(paths, engine=FakeEngine()).close()
    assert {p: oct(m) for p, m in modes(paths).items() if m not in (0o600, 0o700)} == {}
