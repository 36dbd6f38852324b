"""Untrusted bytes parsed at arm's length: worker processes with a time and a memory limit
per item, results handed back in order.

A job (``contracts.documents.Job``, made by ``Connector.job``) is a module-level function
and picklable arguments: it reads one note or message and returns a ``Document``; the
worker then prepares it for the index (passages, searchable forms, hashes:
``agent.index.prepared``), so the writer in this process only inserts rows. An item that
raises, runs past its time (``Limits.seconds``, plus ``seconds_per_mb`` of its size),
needs more than ``Limits.memory_bytes`` or kills its worker becomes a ``Failed`` with the
reason and the worker is replaced; every other item goes on.

Wall time is enforced here (the worker is killed); memory by ``RLIMIT_AS`` in the worker
(Linux and the BSDs; where the system has no such limit only time holds). A worker whose
parent died (``kill -9``) ends at once when idle, and mid-item within ``RLIMIT_CPU``.
Workers ignore Ctrl-C: the parent decides what stops, and run at a lower priority
than the writer and the user's programs (``_NICE``). ``workers=0`` parses in this
process without limits: the reference for tests, and the fallback where worker
processes cannot start.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import pickle
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from agent.index.prepared import Prepared, prepare
from contracts.documents import Job
from contracts.errors import ConnectorError

__all__ = ["Failed", "Limits", "ParsePool", "default_workers", "run_job"]

log = logging.getLogger(__name__)
# A job this small may wait in a busy worker's pipe behind its current one (a bigger one
# could fill the pipe and block this process while that worker is stuck).
_QUEUE_BYTES = 16 * 1024
_START_SECONDS = 120.0  # a worker not ready by then is not going to be
_START_FAILURES = 3  # workers dying before they are ready: give up on processes
_OUT_OF_MEMORY = 3  # a worker's exit status when it could not even report that
# Workers give way to the one writer (and to the user's programs): with as many workers as
# cores, an equal share left the writer, the slowest stage, 2/3 of a core. Measured on 2
# cores, 50,000 messages: 6-7 % less wall time at nice 5; nothing more at 19.
_NICE = 5
_IDLE_SECONDS = 0.05  # waiting longer than this for a result is worth telling the caller


@dataclass(frozen=True, slots=True)
class Limits:
    seconds: float = 30.0  # wall time for one item of no size...
    seconds_per_mb: float = 2.0  # ...and for each MB of it (a 200 MB PDF gets 430 s)
    memory_bytes: int = 1024 * 1024 * 1024  # address space of one worker process

    def time_for(self, size: int) -> float:
        return self.seconds + self.seconds_per_mb * size / 2**20


@dataclass(frozen=True, slots=True)
class Failed:
    reason: str


def default_workers() -> int:
    """One worker per core: the writer in this process mostly waits on SQLite."""
    return max(1, min(os.cpu_count() or 1, 8))


def run_job(job: Job) -> Prepared | Failed:
    """One item, in whichever process: every failure but memory becomes its reason."""
    fn, args, _ = job
    try:
        return prepare(fn(*args))
    except ConnectorError as e:
        return Failed(e.message)
    except RecursionError:
        return Failed("skipped: it nests too deeply to read")
    except MemoryError:
        raise
    except Exception as e:  # a parser's own bug on hostile input: reported, not fatal
        text = " ".join(str(e).split())[:200]
        return Failed(f"could not be read ({type(e).__name__}: {text})")


# -- the worker process -------------------------------------------------------------------


def _set_limit(name: str, soft: int) -> None:
    try:
        import resource

        which = getattr(resource, name)
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(which, (soft, hard))
    except (ImportError, AttributeError, ValueError, OSError):
        pass  # not on this system: the parent's deadline still holds


def _cpu_spent() -> float:
    try:
        import resource

        used = resource.getrusage(resource.RUSAGE_SELF)
        return used.ru_utime + used.ru_stime
    except ImportError:
        return 0.0


def _memory_reason(limits: Limits) -> str:
    return f"skipped: reading it needed more than {limits.memory_bytes // 2**20:,} MB of memory"


def _worker(conn: Connection, limits: Limits) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _set_limit("RLIMIT_AS", limits.memory_bytes)
    with contextlib.suppress(AttributeError, OSError):  # Windows has no nice()
        os.nice(_NICE)
    conn.send_bytes(b"ready")
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return  # the parent is done, or gone
        try:
            job: Job = pickle.loads(data)
            # A backstop should the parent die mid-item: SIGXCPU ends this process.
            _set_limit("RLIMIT_CPU", int(_cpu_spent() + 2 * limits.time_for(job.size) + 5))
            out = pickle.dumps(run_job(job), protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            out = b""
        except Exception as e:  # a result that cannot travel back
            out = pickle.dumps(Failed(f"could not be read ({type(e).__name__})"))
        data = b""
        if not out:  # out of memory: report it and let a fresh process go on
            try:
                conn.send_bytes(pickle.dumps(Failed(_memory_reason(limits))))
            except (MemoryError, OSError):
                sys.exit(_OUT_OF_MEMORY)
            return
        try:
            conn.send_bytes(out)
        except OSError:
            return


# -- the pool -------------------------------------------------------------------------------


class _Worker:
    def __init__(self, ctx: Any, limits: Limits) -> None:
        ours, theirs = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_worker, args=(theirs, limits), daemon=True)
        self.process.start()
        theirs.close()
        self.conn: Connection = ours
        self.ready = False
        self.since = time.monotonic()  # started; then: when its current job began
        # Jobs sent and not answered, [0] running: (index, pickled job, seconds allowed).
        self.queue: deque[tuple[int, bytes, float]] = deque()

    def peak_rss(self) -> int:
        """The most memory the process has held (Linux; 0 where unknown)."""
        with (
            contextlib.suppress(OSError, ValueError),
            open(f"/proc/{self.process.pid}/status") as f,
        ):
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        return 0

    def cpu_seconds(self) -> float:
        """Processor time the process has used (Linux; 0 where unknown)."""
        with (
            contextlib.suppress(OSError, ValueError, IndexError),
            open(f"/proc/{self.process.pid}/stat") as f,
        ):
            fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return 0.0

    def stop(self, *, kill: bool = False) -> int:
        """End the process (an idle one ends by itself once its pipe closes); returns
        its peak memory."""
        peak = self.peak_rss()
        with contextlib.suppress(OSError):
            self.conn.close()
        if kill or self.queue or not self.ready:
            self.process.kill()
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=2)
        return peak


def _context(preload: str) -> Any:
    """forkserver on POSIX (never a fork of a threaded app; the modules of the jobs
    imported once, in the server, for every worker), spawn elsewhere."""
    if sys.platform != "win32" and "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__, preload])  # used when the server starts
        return ctx
    return multiprocessing.get_context("spawn")


def _signal_name(code: int | None) -> str:
    if code is not None and code < 0:
        with contextlib.suppress(ValueError):
            return signal.Signals(-code).name
    return f"exit status {code}"


class ParsePool:
    """Parse jobs in ``workers`` processes (default: one per core); ``workers=0``
    parses in this process. One ``imap`` at a time; use as a context manager, or
    ``close()`` it."""

    def __init__(self, workers: int | None = None, *, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.size = default_workers() if workers is None else workers
        self.in_process = self.size == 0
        self._ctx: Any = None
        self._workers: list[_Worker] = []
        self._start_failures = 0
        # The run under way: results not handed back yet, jobs read and not yet sent.
        self._results: dict[int, Prepared | Failed] = {}
        self._todo: deque[tuple[int, bytes, float]] = deque()
        self._preload = __name__
        self._peak = 0
        self._spent = 0.0  # processor seconds of the workers that have stopped

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for w in self._workers:
            self._stop(w)
        self._workers.clear()

    def _stop(self, w: _Worker, *, kill: bool = False) -> None:
        """End ``w``, keeping its peak memory and processor time for the figures."""
        self._spent += w.cpu_seconds()
        self._peak = max(self._peak, w.stop(kill=kill))

    @property
    def worker_peak_rss(self) -> int:
        """The most memory one worker has held so far (bytes; Linux only, else 0)."""
        return max([self._peak, *(w.peak_rss() for w in self._workers)])

    @property
    def worker_cpu_seconds(self) -> float:
        """Processor time its workers have used so far (Linux only, else 0; a worker
        that crashed is not counted): the parsing, which this process's own time does
        not count."""
        return self._spent + sum(w.cpu_seconds() for w in self._workers)

    @property
    def pids(self) -> list[int]:
        """The worker processes now running (for tests and diagnostics)."""
        return [w.process.pid for w in self._workers if w.process.pid]

    # -- workers ------------------------------------------------------------------------

    def _fill(self) -> None:
        while not self.in_process and len(self._workers) < self.size:
            try:
                if self._ctx is None:
                    self._ctx = _context(self._preload)
                self._workers.append(_Worker(self._ctx, self.limits))
            except (OSError, ValueError, RuntimeError) as e:
                self._fall_back(f"worker processes cannot start ({e})")

    def _fall_back(self, why: str) -> None:
        """No worker processes here: the jobs they held are parsed in this process."""
        log.warning("%s: parsing in the indexer's own process, without limits", why)
        self.in_process = True
        for w in self._workers:
            self._todo.extendleft(reversed(w.queue))
            w.queue.clear()
            self._stop(w, kill=True)
        self._workers.clear()

    def _retire(self, w: _Worker, reason: str | None) -> None:
        """``w`` is done for: its current job failed for ``reason`` (None: it had
        answered it), the jobs queued behind it go back to the front of the line, and a
        new worker takes its place."""
        if w.queue and reason is not None:
            index, _, _ = w.queue.popleft()
            self._results[index] = Failed(reason)
        self._todo.extendleft(reversed(w.queue))
        w.queue.clear()
        self._stop(w, kill=True)
        self._workers.remove(w)
        self._fill()

    # -- the work -------------------------------------------------------------------------

    def imap(
        self,
        jobs: Iterable[Job],
        *,
        window: int = 0,
        idle: Callable[[], object] | None = None,
    ) -> Generator[Prepared | Failed, None, None]:
        """One result per job, in the order of ``jobs``, which is read lazily: at most
        ``window`` (default: four per worker) ahead of what was handed back. ``idle`` is
        called when the next result is not back within ``_IDLE_SECONDS`` (the writer
        commits then, rather than hold its transaction open through a slow item)."""
        todo, results = self._todo, self._results
        jobs = iter(jobs)
        first = next(jobs, None)
        if first is None:
            return
        self._preload = first.fn.__module__
        self._fill()
        queued: Iterator[Job] = iter([first])
        read = handed = 0
        exhausted = False
        try:
            while True:
                while not exhausted and read < handed + (window or 4 * max(self.size, 1)):
                    job = next(queued, None) or next(jobs, None)
                    if job is None:
                        exhausted = True
                    elif self.in_process:
                        results[read] = run_job(job)
                        read += 1
                    else:
                        try:
                            payload = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
                            todo.append((read, payload, self.limits.time_for(job.size)))
                        except Exception as e:  # an argument that cannot travel
                            results[read] = Failed(f"could not be read ({type(e).__name__})")
                        read += 1
                if self.in_process:  # from the start, or since workers kept dying
                    while todo:
                        index, payload, _ = todo.popleft()
                        results[index] = run_job(pickle.loads(payload))
                else:
                    self._dispatch()
                while handed in results:
                    yield results.pop(handed)
                    handed += 1
                if exhausted and handed == read:
                    return
                if not self.in_process:
                    self._collect(idle)
        finally:  # done or abandoned: no worker keeps a job of this run
            for w in [w for w in self._workers if w.queue]:
                w.queue.clear()
                self._stop(w, kill=True)
                self._workers.remove(w)
            results.clear()
            todo.clear()

    def _dispatch(self) -> None:
        """One job to each idle worker, then a second small one behind each busy one,
        so a worker rarely waits for this process to hand it the next."""
        todo = self._todo
        for depth in (0, 1):
            for w in self._workers:
                if not todo or not w.ready or len(w.queue) > depth:
                    continue
                if depth and len(todo[0][1]) > _QUEUE_BYTES:
                    continue
                try:
                    w.conn.send_bytes(todo[0][1])
                except OSError:
                    continue  # it died: _collect finds out and replaces it
                if not w.queue:
                    w.since = time.monotonic()
                w.queue.append(todo.popleft())

    def _collect(self, idle: Callable[[], object] | None = None) -> None:
        """Wait for an answer, a death or a deadline, and record what happened."""
        watched = [w for w in self._workers if w.queue or not w.ready]
        if not watched:
            return

        def allowed(w: _Worker) -> float:
            return w.queue[0][2] if w.ready else _START_SECONDS

        deadline = min(w.since + allowed(w) for w in watched)
        conns = [w.conn for w in watched]
        ready = wait(conns, timeout=max(0.0, min(deadline - time.monotonic(), _IDLE_SECONDS)))
        if not ready and idle is not None:
            idle()
        if not ready:
            ready = wait(conns, timeout=max(0.0, deadline - time.monotonic()))
        for w in watched:
            if w not in self._workers:
                continue  # replaced by a fall-back meanwhile
            if w.conn in ready:
                try:
                    data = w.conn.recv_bytes()
                except (EOFError, OSError):
                    self._died(w)
                    continue
                if not w.ready:
                    w.ready, w.since = True, time.monotonic()
                    self._start_failures = 0
                    continue
                index, _, _ = w.queue.popleft()
                self._results[index] = pickle.loads(data)
                w.since = time.monotonic()  # the next queued job starts now
            elif time.monotonic() >= w.since + allowed(w):
                if w.ready:
                    self._retire(w, f"skipped: reading it took over {allowed(w):g} s")
                else:
                    self._died(w)

    def _died(self, w: _Worker) -> None:
        w.process.join(timeout=5)
        code = w.process.exitcode
        if not w.ready:
            self._start_failures += 1
            if self._start_failures >= _START_FAILURES:
                self._fall_back(f"worker processes end as they start ({_signal_name(code)})")
                return
            self._retire(w, None)
        elif code == 0:  # it reported its last job (out of memory) and left
            self._retire(w, None)
        elif code == _OUT_OF_MEMORY:
            self._retire(w, _memory_reason(self.limits))
        elif code == -getattr(signal, "SIGXCPU", 0):
            self._retire(w, "skipped: reading it used too much processor time")
        elif code == -signal.SIGKILL:
            self._retire(w, "skipped: its worker process was killed (out of memory?)")
        else:
            self._retire(
                w, f"skipped: reading it crashed its worker process ({_signal_name(code)})"
            )
