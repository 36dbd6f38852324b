"""Ollama managed end to end: find it, start it when installed but stopped (and stop it
again on exit), pull with progress, cancel and resume, remove, roll an update back, and
report how much of a loaded model sits on the GPU.

Rollback works on Ollama's own objects: before an update replaces ``name``, its manifest
is pinned under a local tag (``/api/copy`` to ``name-fanous-<digest12>``, which shares the
files and so costs no disk); every digest a model had is recorded in the store
(``model_digests``), and a rollback copies the pin back onto ``name``.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
import ollama

from agent.engines.base import CancelToken
from agent.engines.lifeline import spawn_tied, stop_tied
from agent.engines.ollama import (
    CLIENT_ERRORS,
    DEFAULT_HOST,
    OllamaEngine,
    is_loopback,
    normalize_host,
    ollama_running,
)
from contracts.errors import EngineError, EngineUnavailable, ModelNotFound, StorageError

__all__ = [
    "KEEP_ALIVE",
    "OllamaManager",
    "OllamaStatus",
    "PullProgress",
    "PullResult",
    "Residency",
    "digest_history",
    "pin_tag",
    "shared_manager",
]

log = logging.getLogger(__name__)

KEEP_ALIVE = "30m"  # keep the model loaded while Fanous is in use (Ollama's default: 5m)
START_TIMEOUT = 20.0
PIN_MARK = "-fanous-"

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


@dataclass(frozen=True, slots=True)
class PullProgress:
    """One step of a pull: ``status`` in words, bytes done over all layers seen so far."""

    status: str
    completed: int = 0
    total: int = 0
    resumed_bytes: int = 0  # bytes already on disk from an earlier, cut-off pull

    @property
    def fraction(self) -> float | None:
        return self.completed / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class PullResult:
    name: str
    status: Literal["installed", "updated", "unchanged", "cancelled"]
    digest: str | None = None
    previous_digest: str | None = None
    pinned: str | None = None  # the tag that keeps the previous version for a rollback
    resumed_bytes: int = 0


@dataclass(frozen=True, slots=True)
class Residency:
    """Where a loaded model sits, from ``/api/ps``."""

    name: str
    size: int
    size_vram: int
    context_length: int | None = None

    @property
    def gpu_fraction(self) -> float:
        return self.size_vram / self.size if self.size else 0.0

    def describe(self) -> str:
        gib = self.size / 2**30
        if self.size_vram >= self.size:
            where = "fully on the GPU"
        elif self.size_vram == 0:
            where = "on the CPU only (no GPU memory used)"
        else:
            pct = round(self.gpu_fraction * 100)
            where = f"{pct} % on the GPU, {100 - pct} % on the CPU (slower)"
        return f"{self.name}: {gib:.1f} GiB, {where}"


def pin_tag(name: str, digest: str) -> str:
    """``llama3.2:1b`` + digest -> ``llama3.2:1b-fanous-<digest12>`` (a valid Ollama tag)."""
    base = name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"
    return f"{base}{PIN_MARK}{digest.removeprefix('sha256:')[:12]}"


def _canonical(name: str) -> str:
    return name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"


def digest_history(store: Any, name: str) -> list[dict[str, Any]]:
    """Every recorded digest of ``name``, newest first."""
    rows = store.conn.execute(
        "SELECT digest, pinned, event, recorded FROM model_digests "
        "WHERE engine = 'ollama' AND name = ? ORDER BY id DESC",
        (_canonical(name),),
    ).fetchall()
    return [dict(zip(("digest", "pinned", "event", "recorded"), r, strict=True)) for r in rows]


def _port_open(host: str) -> bool:
    parts = urlsplit(host)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), 0.3):
            return True
    except OSError:
        return False


@dataclass
class _Child:
    process: subprocess.Popen[bytes]
    log_path: str
    log_file: Any = field(default=None)


class OllamaManager:
    """One Ollama server at ``host``: found, started and stopped as needed.

    ``executable`` is the ``ollama`` program (default: the one on PATH); ``store`` records
    model digests for rollbacks (optional: without it, pulls and removals still work).
    """

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        *,
        executable: str | None = None,
        store: Any = None,
        start_timeout: float = START_TIMEOUT,
        timeout: float = 600.0,
    ) -> None:
        self.host = normalize_host(host)
        self.executable = executable
        self.store = store
        self.start_timeout = start_timeout
        self._child: _Child | None = None
        self._lock = threading.RLock()
        self._client = ollama.Client(
            host=self.host,
            timeout=httpx.Timeout(timeout, connect=3.0),
            trust_env=not is_loopback(self.host),
        )
        self._errors = OllamaEngine(self.host, client=self._client)  # maps client errors

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
        log_file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept open for the child
            prefix="fanous-ollama-", suffix=".log", delete=False
        )
        try:
            process = spawn_tied([program, "serve"], env=env, stdout=log_file,
                                 stderr=subprocess.STDOUT)  # fmt: skip
        except OSError as e:
            log_file.close()
            raise EngineUnavailable(
                f"Could not start Ollama ({program}): {e}", fix="reinstall Ollama"
            ) from e
        self._child = _Child(process, log_file.name, log_file)
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
            fix="run `ollama serve` in a terminal to see why, then restart Fanous",
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
            os.unlink(child.log_path)

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

    # -- models --------------------------------------------------------------------------
    def _call(self, fn: Callable[[], Any], model: str = "") -> Any:
        try:
            return fn()
        except CLIENT_ERRORS as exc:
            raise self._errors._error(exc, model) from exc

    def installed(self) -> dict[str, str]:
        """Installed models -> their digests (our rollback pins left out)."""
        models = self._call(self._client.list).models
        return {m.model: m.digest or "" for m in models if PIN_MARK not in (m.model or "")}

    def pull(
        self,
        name: str,
        *,
        progress: Callable[[PullProgress], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> PullResult:
        """Download ``name`` (or its update). Cancelling keeps what was downloaded: pulling
        again resumes from there."""
        name = _canonical(name)
        before = self.installed().get(name)
        pinned = pin_tag(name, before) if before else None
        if pinned:  # keep the current version's files while the update replaces the name
            self._call(lambda: self._client.copy(name, pinned), name)
        layers: dict[str, tuple[int, int]] = {}
        resumed = 0
        stream: Iterator[Any] = self._call(lambda: self._client.pull(name, stream=True), name)
        try:
            for step in stream:
                if cancel is not None and cancel.cancelled:
                    self._drop_pin(pinned)
                    return PullResult(name, "cancelled", before, resumed_bytes=resumed)
                if step.digest and step.total:
                    if step.digest not in layers and step.completed:
                        resumed += step.completed  # the layer was partly there already
                    layers[step.digest] = (step.completed or 0, step.total)
                if progress is not None:
                    done = sum(c for c, _ in layers.values())
                    total = sum(t for _, t in layers.values())
                    progress(PullProgress(step.status or "", done, total, resumed))
        except CLIENT_ERRORS as exc:
            self._drop_pin(pinned)
            err = self._errors._error(exc, name)
            missing = ("not found", "does not exist", "manifest unknown")
            if isinstance(exc, ollama.ResponseError) and (
                exc.status_code in (400, 404) or any(w in exc.error.lower() for w in missing)
            ):
                err = ModelNotFound(f"Ollama could not pull {name!r}: {exc.error}",
                                    fix="check the name on https://ollama.com/library")  # fmt: skip
            raise err from exc
        except BaseException:  # Ctrl-C: the name still points at the version it had
            self._drop_pin(pinned)
            raise
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        after = self.installed().get(name)
        if before and after == before:
            self._drop_pin(pinned)
            return PullResult(name, "unchanged", after, before, resumed_bytes=resumed)
        self._record(name, after or "", "updated" if before else "pulled", None)
        if before:
            self._record(name, before, "pinned", pinned)
        status: Literal["installed", "updated"] = "updated" if before else "installed"
        return PullResult(name, status, after, before, pinned, resumed)

    def _drop_pin(self, pinned: str | None) -> None:
        if pinned:
            with contextlib.suppress(EngineError, *CLIENT_ERRORS):
                self._client.delete(pinned)

    def remove(self, name: str) -> list[str]:
        """Delete ``name`` and the versions kept for rolling it back; the names deleted."""
        name = _canonical(name)
        installed = self._call(self._client.list).models
        names = [m.model for m in installed if m.model == name or
                 (m.model or "").startswith(f"{name}{PIN_MARK}")]  # fmt: skip
        if name not in names:
            raise ModelNotFound(f"Ollama has no model {name!r}", fix="see `fanous models`")
        digest = next(m.digest for m in installed if m.model == name)
        for n in names:
            self._call(functools.partial(self._client.delete, n), n)
        self._record(name, digest or "", "removed", None)
        return names

    def rollback(self, name: str) -> PullResult:
        """Put back the version ``name`` had before its last update."""
        name = _canonical(name)
        installed = self._call(self._client.list).models
        current = next((m.digest for m in installed if m.model == name), None)
        pins = {
            m.model: m.digest for m in installed if (m.model or "").startswith(f"{name}{PIN_MARK}")
        }
        candidates = []
        if self.store is not None:
            for row in digest_history(self.store, name):
                if row["pinned"] in pins and row["digest"] != current:
                    candidates.append((row["pinned"], row["digest"]))
        candidates += [(tag, d) for tag, d in pins.items() if d != current]
        if not candidates:
            raise ModelNotFound(
                f"There is no earlier version of {name!r} to roll back to",
                fix="Fanous keeps the previous version when `fanous models pull` updates a "
                "model; this one was not updated through Fanous",
            )
        tag, digest = candidates[0]
        if current:  # keep the version we leave, so the rollback can itself be undone
            keep = pin_tag(name, current)
            self._call(lambda: self._client.copy(name, keep), name)
            self._record(name, current, "pinned", keep)
        self._call(lambda: self._client.copy(tag, name), name)
        self._record(name, digest or "", "rolled_back", tag)
        return PullResult(name, "updated", digest, current, tag)

    def _record(self, name: str, digest: str, event: str, pinned: str | None) -> None:
        if self.store is None:
            return
        try:
            with self.store.atomic() as conn:
                conn.execute(
                    "INSERT INTO model_digests (engine, name, digest, pinned, event, recorded) "
                    "VALUES ('ollama', ?, ?, ?, ?, ?)",
                    (name, digest, pinned, event, time.time()),
                )
        except StorageError as e:  # the model is installed: a missing record is no failure
            log.warning("could not record the digest of %s: %s", name, e)

    # -- loaded models -------------------------------------------------------------------
    def residency(self) -> list[Residency]:
        """Loaded models and how much of each is in GPU memory (``/api/ps``)."""
        running = self._call(self._client.ps).models
        return [Residency(m.model or m.name or "", int(m.size or 0), int(m.size_vram or 0),
                          m.context_length) for m in running]  # fmt: skip

    def load(self, model: str, keep_alive: str | float = KEEP_ALIVE) -> None:
        """Load ``model`` now (an empty prompt), so the first answer starts fast."""
        self._call(lambda: self._client.generate(model, "", keep_alive=keep_alive), model)

    def unload(self, model: str) -> None:
        """Free the model's memory now (``keep_alive: 0``)."""
        self._call(lambda: self._client.generate(model, "", keep_alive=0), model)

    def close(self) -> None:
        self._client.close()
        self.stop()


_MANAGERS: dict[str, OllamaManager] = {}


def shared_manager(host: str = DEFAULT_HOST, *, store: Any = None) -> OllamaManager:
    """The one manager per host in this process, so a server we started is stopped once,
    at exit, whichever engine or command started it."""
    key = normalize_host(host)
    manager = _MANAGERS.get(key)
    if manager is None:
        manager = _MANAGERS[key] = OllamaManager(key)
    if store is not None:
        manager.store = store
    return manager
