"""agent.heap: the heap a turn frees goes back to the operating system (glibc)."""

from __future__ import annotations

import psutil

from agent.heap import release_freed_heap


def test_freed_heap_goes_back_to_the_system() -> None:
    me = psutil.Process()
    # Free heap that earlier tests left would take the first blocks without growing RSS.
    release_freed_heap()
    before = me.memory_info().rss
    garbage = [bytearray(1000) for _ in range(150_000)]  # ~150 MiB of small blocks
    keep = bytearray(10)  # allocated after them: the heap's top stays in use
    grown = me.memory_info().rss - before
    assert grown > 100 * 2**20
    del garbage
    assert release_freed_heap()  # glibc: the suite runs on Linux
    left = me.memory_info().rss - before
    assert left < grown / 4, (grown, left)
    del keep
