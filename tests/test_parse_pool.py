"""The parse pool: each item under its own limits, one item's failure reported with its
reason while every other goes on, results in order, nothing left running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from agent.index.pool import Failed, Limits, ParsePool
from agent.index.prepared import Prepared
from contracts.documents import Job
from tests import pool_jobs

ROOT = Path(__file__).resolve().parent.parent
LINUX = sys.platform.startswith("linux")


def _outcome(result: Prepared | Failed) -> str:
    return result.reason if isinstance(result, Failed) else result.doc.text


def test_every_kind_of_failure_costs_only_its_item() -> None:
    jobs = [
        Job(pool_jobs.note, ("a", "alpha")),
        Job(pool_jobs.refuse, ("the PDF is password-protected",)),
        Job(pool_jobs.spin, ()),
        Job(pool_jobs.note, ("b", "beta")),
        Job(pool_jobs.crash, ()),
        Job(pool_jobs.note, ("c", "gamma")),
        Job(pool_jobs.fail, ()),
        *(Job(pool_jobs.note, (f"n{i}", f"note {i}")) for i in range(40)),
    ]
    with ParsePool(2, limits=Limits(seconds=3)) as pool:
        results = [_outcome(r) for r in pool.imap(jobs)]
    assert results[:2] == ["alpha", "the PDF is password-protected"]
    assert results[2] == "skipped: reading it took over 3 s"
    assert results[3] == "beta"
    assert results[4] == "skipped: reading it crashed its worker process (SIGABRT)"
    assert results[5] == "gamma"
    assert results[6] == "could not be read (ZeroDivisionError: division by zero)"
    assert results[7:] == [f"note {i}" for i in range(40)]


@pytest.mark.skipif(not LINUX, reason="RLIMIT_AS is Linux's")
def test_an_item_that_needs_too_much_memory_is_skipped() -> None:
    jobs = [Job(pool_jobs.hog, (2048,)), Job(pool_jobs.note, ("after", "still read"))]
    with ParsePool(1, limits=Limits(memory_bytes=384 * 2**20)) as pool:
        results = [_outcome(r) for r in pool.imap(jobs)]
    assert results == ["skipped: reading it needed more than 384 MB of memory", "still read"]


def test_a_slow_item_gets_the_time_its_size_earns() -> None:
    small, big = Job(pool_jobs.slow, (2.0,)), Job(pool_jobs.slow, (2.0,), size=10 * 2**20)
    with ParsePool(1, limits=Limits(seconds=1, seconds_per_mb=1)) as pool:
        results = [_outcome(r) for r in pool.imap([small, big])]
    assert results == ["skipped: reading it took over 1 s", "woke up"]


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="POSIX priorities")
def test_workers_give_way_to_the_writer() -> None:
    with ParsePool(1) as pool:
        list(pool.imap([Job(pool_jobs.note, ("a", "alpha"))]))
        (pid,) = pool.pids
        assert os.getpriority(os.PRIO_PROCESS, pid) > os.getpriority(os.PRIO_PROCESS, 0)


@pytest.mark.skipif(not LINUX, reason="read from /proc")
def test_the_workers_processor_time_is_counted() -> None:
    with ParsePool(2) as pool:
        list(pool.imap([Job(pool_jobs.busy, (0.3,)), Job(pool_jobs.busy, (0.3,))]))
        spent = pool.worker_cpu_seconds
    assert spent >= 0.5
    assert pool.worker_cpu_seconds >= spent  # kept once the workers have stopped


def test_in_process_parsing_gives_the_same_documents() -> None:
    jobs = [Job(pool_jobs.note, (f"n{i}", f"# Heading {i}\n\nbody {i}")) for i in range(30)]
    with ParsePool(0) as serial, ParsePool(2) as parallel:
        assert list(serial.imap(jobs)) == list(parallel.imap(jobs))


def test_an_abandoned_run_leaves_no_worker_busy() -> None:
    jobs = [Job(pool_jobs.note, ("a", "b")), *(Job(pool_jobs.spin, ()) for _ in range(3))]
    with ParsePool(2, limits=Limits(seconds=600)) as pool:
        results = pool.imap(jobs)
        assert _outcome(next(results)) == "b"
        started = pool.pids
        results.close()  # the caller stopped (Ctrl-C, should_stop)
        stopped = [pid for pid in started if pid not in pool.pids]
        assert stopped and not any(_alive(pid) for pid in stopped), "the busy ones are ended"
        again = [_outcome(r) for r in pool.imap([Job(pool_jobs.note, ("c", "d"))])]
        assert again == ["d"], "the pool goes on with fresh workers"
    assert not any(_alive(pid) for pid in started)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())


@pytest.mark.skipif(not LINUX, reason="RLIMIT_CPU and /proc are Linux's")
def test_workers_end_when_their_parent_is_killed(tmp_path: Path) -> None:
    """kill -9 of the indexer: a worker stuck on a hostile item ends within its CPU
    limit (an idle one at once: its pipe closes)."""
    script = textwrap.dedent(
        """
        import sys, time
        from agent.index.pool import Limits, ParsePool
        from contracts.documents import Job
        from tests import pool_jobs

        if __name__ == "__main__":
            pool = ParsePool(2, limits=Limits(seconds=2))
            spin = Job(pool_jobs.spin, ())
            jobs = [Job(pool_jobs.note, ("a", "b")), spin, spin]
            results = pool.imap(jobs)
            next(results)
            print(" ".join(map(str, pool.pids)), flush=True)
            next(results)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert len(pids) == 2
    time.sleep(0.5)  # the spinning job is under way
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 120  # a wait for the CPU limit, not a speed test
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(p) for p in pids), "an orphaned worker kept running"


def test_workers_ignore_ctrl_c() -> None:
    with ParsePool(1) as pool:
        results = pool.imap([Job(pool_jobs.note, ("a", "b")), Job(pool_jobs.slow, (1.0,))])
        assert _outcome(next(results)) == "b"
        for pid in pool.pids:  # as a terminal sends it to the whole process group
            os.kill(pid, signal.SIGINT)
        assert _outcome(next(results)) == "woke up"
