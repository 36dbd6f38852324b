"""The Ollama server's lifecycle: find it, start ``ollama serve`` when it is installed but
stopped (and stop it again on exit, even when Fanous is killed), recover after a crash."""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any, Literal
from urllib.parse import urlsplit

import httpx
import ollama

from agent.config import PRIVATE_DIR, PRIVATE_FILE, Paths
from agent.engines.lifeline import spawn_tied, stop_tied
from agent.engines.ollama import (
    CLIENT_ERRORS,
    OllamaEngine,
    is_loopback,
    ollama_error,
    ollama_running,
)
from contracts.errors import EngineError, EngineUnavailable

__all__ = ["KEEP_ALIVE", "START_TIMEOUT", "OllamaConnection", "OllamaServer", "OllamaStatus"]

log = logging.getLogger(__name__)

KEEP_ALIVE = "30m"  # keep the model loaded while Fanous is in use (Ollama's default: 5m)
START_TIMEOUT = 20.0

State = Literal["running", "installed", "absent"]


@dataclass(frozen=True, slots=True)
class OllamaStatus:
    state: State
    host: str
    executable: str | None = None
    version: str | None = None
    started_by_us: bool = False
    detail: str = ""  # what to tell the user, in words
    fix: str | None = None
    install_url: str | None = None


def _port_open(host: str) -> bool:
    parts = urlsplit(host)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), 0.3):
            return True
    except OSError:
        return False


def _server_log(port: int | None) -> tuple[str, IO[bytes]]:
    """The log of the ``ollama serve`` we start, in Fanous's log folder: one per port,
    begun anew at each start. A temporary file per start was left behind whenever
    Fanous was killed, and was gone (with what Ollama said) whenever it stopped."""
    folder = Paths.resolve().log_dir
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    path = folder / f"ollama-serve-{port or 11434}.log"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    return str(path), os.fdopen(fd, "wb")


@dataclass
class _Child:
    process: subprocess.Popen[bytes]
    log_path: str
    log_file: Any = field(default=None)


class OllamaConnection:
    """What the parts of ``OllamaManager`` share: the server's address and a client whose
    failures become ``EngineError``s with a fix."""

    host: str
    _client: ollama.Client

    def _call(self, fn: Callable[[], Any], model: str = "") -> Any:
        try:
            return fn()
        except CLIENT_ERRORS as exc:
            raise ollama_error(exc, self.host, model) from exc


class OllamaServer(OllamaConnection):
    """Finds, starts and stops the server at ``host`` (``executable``: the ``ollama``
    program, default the one on PATH)."""

    executable: str | None
    start_timeout: float
    _child: _Child | None
    _lock: threading.RLock

    # -- finding and starting ------------------------------------------------------------
    def _program(self) -> str | None:
        program = self.executable or shutil.which("ollama")
        return program if program and os.path.exists(program) else None

    def _version(self) -> str | None:
        try:
            r = httpx.get(f"{self.host}/api/version", timeout=1.0, trust_env=False)
            return str(r.json().get("version")) if r.status_code == 200 else None
        except (httpx.HTTPError, ValueError, AttributeError):
            return None

    @property
    def started_by_us(self) -> bool:
        return self._child is not None and self._child.process.poll() is None

    def find(self) -> OllamaStatus:
        """Running, installed but stopped, or absent — with what to do about it."""
        program = self._program()
        if ollama_running(self.host, timeout=1.0):
            version = self._version()
            return OllamaStatus("running", self.host, program, version, self.started_by_us,
                                f"Ollama {version or '?'} runs at {self.host}")  # fmt: skip
        if program:
            detail = f"Ollama is installed ({program}) but not running"
            fix = "Fanous starts it when needed, or run `ollama serve`"
            return OllamaStatus("installed", self.host, program, detail=detail, fix=fix)
        from agent.engines.ollama_install import install_instructions

        guide = install_instructions()
        return OllamaStatus("absent", self.host, detail="Ollama is not installed",
                            fix=guide.text, install_url=guide.url)  # fmt: skip

    def ensure_running(self) -> OllamaStatus:
        """Start ``ollama serve`` when it is installed but stopped; raise when absent."""
        with self._lock:
            status = self.find()
            if status.state == "running":
                return status
            if status.state == "absent":
                raise EngineUnavailable(
                    "Ollama is not installed, so Fanous answers with its built-in model",
                    fix=status.fix,
                )
            self.start()
            return self.find()

    def start(self) -> None:
        """Run ``ollama serve`` as our child on ``host``; it stops when Fanous stops, even
        when Fanous is killed (see :mod:`agent.engines.lifeline`)."""
        program = self._program()
        if program is None:
            raise EngineUnavailable("Ollama is not installed", fix=self.find().fix)
        if not is_loopback(self.host):
            raise EngineUnavailable(
                f"Ollama at {self.host} is not answering, and it is on another machine",
                fix="start Ollama on that machine, or set ollama_host to http://127.0.0.1:11434",
            )
        if _port_open(self.host):
            raise self._port_taken()
        parts = urlsplit(self.host)
        env = {**os.environ, "OLLAMA_HOST": f"{parts.hostname}:{parts.port}"}
        log_path, log_file = _server_log(parts.port)
        try:
            process = spawn_tied([program, "serve"], env=env, stdout=log_file,
                                 stderr=subprocess.STDOUT)  # fmt: skip
        except OSError as e:
            log_file.close()
            raise EngineUnavailable(
                f"Could not start Ollama ({program}): {e}", fix="reinstall Ollama"
            ) from e
        self._child = _Child(process, log_path, log_file)
        atexit.register(self.stop)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if ollama_running(self.host, timeout=0.5):
                log.info("started ollama serve (pid %d) at %s", process.pid, self.host)
                return
            if process.poll() is not None:
                break
            time.sleep(0.05)
        output = self._child_output()
        self.stop()
        if "address already in use" in output:
            raise self._port_taken()
        raise EngineUnavailable(
            f"Ollama did not start at {self.host}: {output.strip()[-300:] or 'no output'}",
            fix=f"its whole output is in {log_path}; or run `ollama serve` in a terminal "
            "to see why, then restart Fanous",
        )

    def _port_taken(self) -> EngineUnavailable:
        port = urlsplit(self.host).port
        return EngineUnavailable(
            f"Port {port} is taken by another program that is not Ollama",
            fix=f"stop that program, or set ollama_host to another port "
            f"(e.g. http://127.0.0.1:{(port or 11434) + 1})",
        )

    def _child_output(self) -> str:
        if self._child is None:
            return ""
        try:
            with open(self._child.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop ``ollama serve`` if we started it; a server the user runs is left alone."""
        child, self._child = self._child, None
        if child is None:
            return
        with contextlib.suppress(Exception):
            atexit.unregister(self.stop)
        stop_tied(child.process)  # also closes our end of its lifeline if it already died
        with contextlib.suppress(OSError):
            child.log_file.close()

    def recover(self) -> bool:
        """After a crash: restart our child if it died, or wait briefly for a server the
        user runs (a service manager restarts it). True when Ollama answers again."""
        with self._lock:
            if ollama_running(self.host, timeout=0.5):
                return True
            child = self._child
            if child is not None or self._program():
                if child is not None:
                    log.warning("ollama serve (pid %d) stopped: restarting it",
                                child.process.pid)  # fmt: skip
                    self.stop()
                try:
                    self.start()
                    return True
                except EngineError:
                    return False
            deadline = time.monotonic() + 3.0
            while time.monotonic() < deadline:
                if ollama_running(self.host, timeout=0.5):
                    return True
                time.sleep(0.1)
            return False

    def engine(self, model: str = "", **kwargs: Any) -> OllamaEngine:
        """An engine on this server that recovers from a crash once, and keeps its model
        loaded while Fanous is in use."""
        kwargs.setdefault("keep_alive", KEEP_ALIVE)
        return OllamaEngine(self.host, model, recover=self.recover, **kwargs)
