"""Ollama managed end to end, against the API double: in-process, and as an ``ollama``
program on PATH that ``OllamaManager`` starts as its child."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.config import Settings
from agent.engines import create_engine
from agent.engines.base import CancelToken, ChatChunk, Message
from agent.engines.ollama import OllamaEngine
from agent.engines.ollama_manager import OllamaManager, shared_manager
from agent.engines.ollama_models import PullProgress, pin_tag
from agent.engines.ollama_residency import Residency
from agent.model_digests import StoreDigests, digest_history
from agent.store import Store
from contracts.errors import EngineError, EngineUnavailable, ModelNotFound
from tests.fakes.loopback import free_port
from tests.fakes.ollama_server import FakeOllama, write_ollama_executable

CHAT = "llama3.2:1b"


def ask(text: str) -> list[Message]:
    return [{"role": "user", "content": text}]


def answer(chunks: list[ChatChunk]) -> str:
    return "".join(c.text for c in chunks)


@pytest.fixture
def fake() -> Iterator[FakeOllama]:
    with FakeOllama() as server:
        yield server


@pytest.fixture
def store() -> Iterator[Store]:
    s = Store(":memory:")
    yield s
    s.close()


@pytest.fixture
def manager(fake: FakeOllama, store: Store) -> Iterator[OllamaManager]:
    m = OllamaManager(fake.url, digests=StoreDigests(store), executable="")
    yield m
    m.close()


@pytest.fixture
def program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake ``ollama`` program, alone on PATH (and a Fanous home for its log)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}/usr/bin{os.pathsep}/bin")
    monkeypatch.setenv("FANOUS_HOME", str(tmp_path / "home"))
    return write_ollama_executable(folder)


# -- finding, starting, stopping ------------------------------------------------------------
def test_find_running_installed_absent(
    fake: FakeOllama, program: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = OllamaManager(fake.url).find()
    assert running.state == "running" and running.version == "0.12.3"
    assert not running.started_by_us
    stopped = OllamaManager(f"http://127.0.0.1:{free_port()}").find()
    assert stopped.state == "installed" and stopped.executable == str(program)
    monkeypatch.setenv("PATH", "/nonexistent")
    absent = OllamaManager(f"http://127.0.0.1:{free_port()}").find()
    assert absent.state == "absent" and absent.install_url
    assert "ollama.com/download" in absent.install_url and "built-in model" in (absent.fix or "")
    with pytest.raises(EngineUnavailable) as err:
        OllamaManager(f"http://127.0.0.1:{free_port()}").ensure_running()
    assert "not installed" in err.value.message


def test_installed_but_stopped_is_started_as_a_child_and_stopped(program: Path) -> None:
    host = f"http://127.0.0.1:{free_port()}"
    manager = OllamaManager(host)
    status = manager.ensure_running()
    assert status.state == "running" and status.started_by_us
    child = manager._child
    assert child is not None
    assert CHAT in manager.installed()
    manager.stop()
    assert child.process.poll() is not None  # our child is gone
    assert manager.find().state == "installed"


def test_the_started_server_logs_into_fanous_log_folder_one_file_per_port(
    program: Path, tmp_path: Path
) -> None:
    """Not a temporary file per start, left behind whenever Fanous was killed: one log
    per port in Fanous's own folder, readable by the user alone, kept after a stop (it
    says why a server failed) and begun anew at the next start."""
    port = free_port()
    log = tmp_path / "home" / "logs" / f"ollama-serve-{port}.log"
    for _ in range(2):
        manager = OllamaManager(f"http://127.0.0.1:{port}")
        manager.ensure_running()
        manager.stop()
        assert log.read_text().count(f"Listening on 127.0.0.1:{port}") == 1
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert [p.name for p in log.parent.iterdir()] == [log.name]


def test_a_server_that_fails_to_start_says_why_and_where_its_log_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "bin"
    folder.mkdir()
    broken = folder / "ollama"
    broken.write_text("#!/bin/sh\necho 'Error: could not create directory /models'\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}/usr/bin{os.pathsep}/bin")
    monkeypatch.setenv("FANOUS_HOME", str(tmp_path / "home"))
    port = free_port()
    with pytest.raises(EngineUnavailable) as err:
        OllamaManager(f"http://127.0.0.1:{port}", start_timeout=10).ensure_running()
    log = tmp_path / "home" / "logs" / f"ollama-serve-{port}.log"
    assert "could not create directory /models" in err.value.message
    assert str(log) in (err.value.fix or "")
    assert "could not create directory /models" in log.read_text()


def test_a_server_the_user_runs_is_left_alone(manager: OllamaManager, fake: FakeOllama) -> None:
    assert manager.ensure_running().state == "running"
    manager.stop()
    assert manager.find().state == "running"


def test_port_taken_by_another_program(program: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        manager = OllamaManager(f"http://127.0.0.1:{port}", start_timeout=5)
        with pytest.raises(EngineUnavailable) as err:
            manager.ensure_running()
    assert f"Port {port} is taken" in err.value.message
    assert f"127.0.0.1:{port + 1}" in (err.value.fix or "")
    assert manager._child is None


def test_create_engine_starts_ollama_or_falls_back(
    program: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = f"http://127.0.0.1:{free_port()}"
    engine = create_engine(Settings(ollama_host=host))
    try:
        assert engine.name == "ollama" and engine.model == CHAT
        assert shared_manager(host).started_by_us
        assert answer(list(engine.chat(ask("hello lantern")))) == "Echo: hello lantern"
    finally:
        shared_manager(host).stop()
    monkeypatch.setenv("PATH", "/nonexistent")
    fallback = create_engine(Settings(ollama_host=f"http://127.0.0.1:{free_port()}"))
    assert fallback.name == "embedded"


def test_our_ollama_goes_when_fanous_is_killed_outright(program: Path) -> None:
    """SIGKILL skips atexit: the lifeline pipe still stops the server we started."""
    port = free_port()
    script = (
        "import sys; from agent.engines.ollama_manager import OllamaManager\n"
        f"OllamaManager('http://127.0.0.1:{port}').ensure_running()\n"
        "print('ready', flush=True); sys.stdin.read()\n"
    )
    root = Path(__file__).resolve().parents[1]
    fanous = subprocess.Popen([sys.executable, "-c", script], cwd=root, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert fanous.stdout is not None and fanous.stdout.readline() == "ready\n"
        assert OllamaManager(f"http://127.0.0.1:{port}").find().state == "running"
        fanous.send_signal(signal.SIGKILL)
        fanous.wait(timeout=5)
        deadline = time.monotonic() + 10
        while OllamaManager(f"http://127.0.0.1:{port}").find().state == "running":
            assert time.monotonic() < deadline, "ollama serve outlived a killed Fanous"
            time.sleep(0.1)
    finally:
        fanous.kill()


# -- crashes mid-answer: recover and retry once ---------------------------------------------
def test_child_that_crashes_mid_answer_is_restarted_and_the_answer_completes(
    program: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_OLLAMA_DIE_AFTER", "2")
    monkeypatch.setenv("FAKE_OLLAMA_MARKER", str(tmp_path / "died"))
    manager = OllamaManager(f"http://127.0.0.1:{free_port()}")
    try:
        manager.ensure_running()
        first = manager._child.process.pid  # type: ignore[union-attr]
        with manager.engine(CHAT, timeout=5) as engine:
            got = list(engine.chat(ask("one two three four")))
        assert (tmp_path / "died").exists()  # it did crash after two chunks
        assert answer(got) == "Echo: one two three four"  # nothing lost, nothing repeated
        assert got[-1].done and got[-1].finish_reason == "stop"
        assert manager._child is not None and manager._child.process.pid != first
    finally:
        manager.stop()


def test_server_that_dies_mid_answer_is_recovered_once(fake: FakeOllama) -> None:
    restarts, can_restart = [], [True]

    def recover() -> bool:
        restarts.append(1)
        if can_restart[0]:
            fake.start()
        return can_restart[0]

    embed = "nomic-embed-text:latest"
    with OllamaEngine(fake.url, CHAT, timeout=5, recover=recover, embed_model=embed) as engine:
        fake.die_mid_stream(after=2)
        got = list(engine.chat(ask("alpha beta gamma")))
        assert answer(got) == "Echo: alpha beta gamma" and len(restarts) == 1
        assert [c.text for c in got[:2]] == ["Echo:", " alpha"]
        fake.stop()
        can_restart[0] = False  # down for good: one recovery attempt, then the error
        with pytest.raises(EngineUnavailable):
            list(engine.chat(ask("again")))
        with pytest.raises(EngineUnavailable):
            engine.embed(["x"])
        assert len(restarts) == 3


def test_retry_that_answers_differently_says_so(fake: FakeOllama) -> None:
    def recover() -> bool:
        fake.reply = "Something else entirely"
        fake.start()
        return True

    with OllamaEngine(fake.url, CHAT, timeout=5, recover=recover) as engine:
        fake.die_mid_stream(after=2)
        got: list[ChatChunk] = []
        with pytest.raises(EngineError) as err:
            got.extend(engine.chat(ask("alpha beta gamma")))
    assert "began a different one" in err.value.message
    assert err.value.partial_text == answer(got) == "Echo: alpha"  # type: ignore[attr-defined]


def test_model_missing_and_out_of_memory_are_actionable(fake: FakeOllama) -> None:
    with OllamaEngine(fake.url, "mistral:7b") as engine, pytest.raises(ModelNotFound) as err:
        list(engine.chat(ask("hi")))
    assert err.value.model == "mistral:7b"  # type: ignore[attr-defined]  # UI offers a pull
    fake.models["llama3.1:8b"] = fake.models[CHAT].__class__("llama3.1:8b")
    fake.fail_next(500, "model requires more system memory (9.0 GiB) than is available")
    with OllamaEngine(fake.url, "llama3.1:8b") as engine, pytest.raises(EngineError) as err:
        list(engine.chat(ask("hi")))
    assert "out of memory" in err.value.message
    assert "smaller model such as" in (err.value.fix or "")


# -- pull, cancel, resume, update, rollback, remove -----------------------------------------
def test_pull_reports_progress_and_records_the_digest(
    manager: OllamaManager, fake: FakeOllama, store: Store
) -> None:
    seen: list[PullProgress] = []
    result = manager.pull("qwen2.5:0.5b", progress=seen.append)
    assert result.status == "installed" and result.pinned is None
    assert result.digest == fake.registry_digest("qwen2.5:0.5b")
    statuses = [p.status for p in seen]
    assert statuses[0] == "pulling manifest" and statuses[-1] == "success"
    done = [p.completed for p in seen]
    assert done == sorted(done) and seen[-1].fraction == 1.0 and seen[-1].total > 10**9
    (row,) = digest_history(store, "qwen2.5:0.5b")
    assert row["digest"] == result.digest and row["event"] == "pulled"


def test_cancelled_pull_resumes_where_it_stopped(manager: OllamaManager, fake: FakeOllama) -> None:
    fake.pull_steps, fake.chunk_delay = 20, 0.01
    cancel = CancelToken()

    def progress(p: PullProgress) -> None:
        if (p.fraction or 0) > 0.2:
            cancel.cancel()

    cancelled = manager.pull("gemma3:12b", progress=progress, cancel=cancel)
    assert cancelled.status == "cancelled" and "gemma3:12b" not in manager.installed()
    assert fake.partial  # part of a layer is on disk
    fake.chunk_delay = 0
    seen: list[PullProgress] = []
    resumed = manager.pull("gemma3:12b", progress=seen.append)
    assert resumed.status == "installed" and resumed.resumed_bytes > 0
    first = next(p for p in seen if p.total)
    assert first.completed > 0 and first.resumed_bytes == first.completed
    assert not fake.partial


def test_update_then_rollback_then_undo(
    manager: OllamaManager, fake: FakeOllama, store: Store
) -> None:
    old = manager.installed()[CHAT]
    same = manager.pull(CHAT)
    assert same.status == "unchanged" and same.digest == old
    assert not [m for m in fake.models if "-fanous-" in m]  # no pin kept for nothing
    fake.publish_update(CHAT)
    update = manager.pull(CHAT)
    assert update.status == "updated" and update.previous_digest == old
    assert update.pinned == pin_tag(CHAT, old) and update.pinned in fake.models
    new = manager.installed()[CHAT]
    assert new == fake.registry_digest(CHAT) != old
    assert update.pinned not in manager.installed()  # pins are not listed as models
    back = manager.rollback(CHAT)
    assert back.digest == old and manager.installed()[CHAT] == old
    events = [r["event"] for r in digest_history(store, CHAT)]
    assert events[:2] == ["rolled_back", "pinned"] and "updated" in events
    undo = manager.rollback(CHAT)  # the version we left was kept too
    assert undo.digest == new and manager.installed()[CHAT] == new


def test_rollback_without_history_and_remove(manager: OllamaManager, fake: FakeOllama) -> None:
    with pytest.raises(ModelNotFound) as err:
        manager.rollback(CHAT)
    assert "no earlier version" in err.value.message
    fake.publish_update(CHAT)
    manager.pull(CHAT)
    removed = manager.remove("llama3.2:1b")
    assert removed[0] == CHAT and len(removed) == 2  # the model and its rollback pin
    assert CHAT not in fake.models and not [m for m in fake.models if "-fanous-" in m]
    with pytest.raises(ModelNotFound):
        manager.remove("nothing:here")


# -- residency and keep-alive ---------------------------------------------------------------
def test_gpu_residency_and_keep_alive(manager: OllamaManager, fake: FakeOllama) -> None:
    with manager.engine(CHAT) as engine:
        list(engine.chat(ask("hi")))
    assert fake.bodies("/api/chat")[-1]["keep_alive"] == "30m"
    (loaded,) = manager.residency()
    assert loaded.name == CHAT and loaded.gpu_fraction == 1.0
    assert loaded.describe().endswith("fully on the GPU")
    fake.on_gpu = False
    assert "CPU only" in manager.residency()[0].describe()
    manager.unload(CHAT)
    assert manager.residency() == []
    manager.load(CHAT)
    assert [r.name for r in manager.residency()] == [CHAT]
    split = Residency("qwen2.5:32b", 20 * 2**30, 15 * 2**30)
    assert split.describe() == "qwen2.5:32b: 20.0 GiB, 75 % on the GPU, 25 % on the CPU (slower)"


@pytest.mark.parametrize("free", [False, True])
def test_model_memory_is_freed_on_quit_only_when_asked(
    fake: FakeOllama, tmp_path: Path, free: bool
) -> None:
    from agent.config import Paths
    from agent.workspace import Workspace

    ws = Workspace(Paths.resolve(tmp_path / "home"))
    ws.settings.engine, ws.settings.ollama_host = "ollama", fake.url
    ws.settings.free_model_memory_on_quit = free
    assert ws.engine.name == "ollama"
    list(ws.engine.chat(ask("hi")))
    assert [r.name for r in shared_manager(fake.url).residency()] == [CHAT]
    ws.close()
    loaded = [r.name for r in shared_manager(fake.url).residency()]
    assert loaded == ([] if free else [CHAT])


def test_runner_crash_is_retried_but_out_of_memory_is_not(fake: FakeOllama) -> None:
    calls = []
    with OllamaEngine(fake.url, CHAT, recover=lambda: calls.append(1) or True) as engine:
        fake.error_mid_stream("llama runner process has terminated: exit status 2", after=3)
        assert answer(list(engine.chat(ask("one two three")))) == "Echo: one two three"
        fake.fail_next(500, "llama runner process has terminated", path="/api/chat")
        assert answer(list(engine.chat(ask("x"), stream=False))) == "Echo: x"
        fake.error_mid_stream("cudaMalloc failed: out of memory", after=1)
        with pytest.raises(EngineError) as err:
            list(engine.chat(ask("one two")))
    assert "out of memory" in err.value.message and len(calls) == 2
