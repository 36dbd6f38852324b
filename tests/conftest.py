"""Shared fixtures: a throw-away Fanous home, a small notes folder, workspaces."""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest

from agent.config import Paths
from agent.workspace import Workspace
from tests.fakes.engines import FakeEngine

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# A suite started in the background by a shell (`scripts/test &`, nohup) inherits SIGINT
# ignored, and so would every `fanous` the tests start: their Ctrl-C tests would see a
# process that cannot be interrupted. Caught here, it is back to the default after exec.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _own_keyring_per_worker() -> None:
    """Under pytest-xdist (scripts/test runs a worker per core, and one more) each gets its own
    D-Bus session and unlocked gnome-keyring, the real one as scripts/test starts it:
    workers sharing one keyring would race on the same entries (one test sets a key that
    another, at the same moment, asserts absent)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return  # a serial run, or none of scripts/test's keyring: keep what there is
    home = Path(tempfile.mkdtemp(prefix=f"fanous-tests-{worker}-"))
    # Removed at exit, after the bus below is stopped (atexit runs last-registered first).
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    env = {**os.environ, "HOME": str(home), "XDG_RUNTIME_DIR": str(home)}
    bus = subprocess.run(
        ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    address, pid = bus.stdout.split()
    env["DBUS_SESSION_BUS_ADDRESS"] = address
    # The daemon leaves with its bus: killing the bus at exit ends both.
    atexit.register(os.kill, int(pid), signal.SIGTERM)
    keyring = subprocess.run(
        ["gnome-keyring-daemon", "--unlock", "--components=secrets", "--daemonize"],
        input="fanous-test-keyring",  # an empty password would create no login keyring
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    for line in keyring.stdout.splitlines():  # GNOME_KEYRING_CONTROL=…, where printed
        name, _, value = line.partition("=")
        if name and value:
            env[name] = value
    os.environ.update(env)


_own_keyring_per_worker()

# How long a UI test waits for what it expects (a dialog, an answer, a finished index)
# before it fails. A wait ends as soon as the condition holds, so a generous bound costs
# nothing on an idle machine and keeps a loaded one (CI beside other jobs) from failing a
# test that only ran slow: timing is the benchmarks' business, not the tests'.
WAIT_MS = 30_000

NOTES = {
    "travel/ferry.md": "# Travel\n\n## Ferry\n\nThe ferry to Hydra leaves at 7:40 from pier 3. "
    "Tickets cost 12 euros at the kiosk.\n",
    "health/dentist.txt": "Dentist appointment with Dr. Karim on Tuesday at 10:00.\n",
    "home/wifi.md": "---\ntags: [home]\n---\n# Home\n\nThe wifi password is on the fridge, "
    "the router is in the hallway cupboard.\n",
    "work/standup.md": "# Work\n\n## Standup\n\nThe team standup is every weekday at 9:15 "
    "in room Cedar.\n",
}


def write_notes(root: Path, notes: dict[str, str] = NOTES) -> Path:
    for rel, text in notes.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def notes_dir(tmp_path: Path) -> Path:
    return write_notes(tmp_path / "notes")


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths.resolve(tmp_path / "home").ensure()


@pytest.fixture
def fake_workspace(paths: Paths) -> Workspace:
    ws = Workspace(paths, engine=FakeEngine())
    yield ws
    ws.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files with a test marked ``runs_long`` first, in their order: with a worker per
    core (scripts/test) each starts at once beside the rest instead of ending the run."""
    long_files = {item.path for item in items if item.get_closest_marker("runs_long")}
    items.sort(key=lambda item: item.path not in long_files)  # stable: the rest keep order


# A test that skips because its extra or service is missing would vanish from the count
# silently; scripts/test (and so CI) runs the whole suite, where every test must run.
# Set FANOUS_ALLOW_SKIPS=1 to run part of the suite on a machine that lacks something.
def _fail_a_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    if os.environ.get("FANOUS_ALLOW_SKIPS", "0") == "1":
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
    report.outcome = "failed"
    report.longrepr = (
        f"skipped in a full run: {reason}\n(scripts/test runs every test: install what it "
        "needs, or set FANOUS_ALLOW_SKIPS=1 for a partial run)"
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    outcome = yield
    _fail_a_skip(outcome.get_result())
    return outcome


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> object:
    outcome = yield
    _fail_a_skip(outcome.get_result())  # a module that skips itself whole
    return outcome
