"""Handing the heap a turn freed back to the operating system.

A turn allocates and frees tens of megabytes (the query's vector, the re-scored candidate
rows, the prompt, the grounding's sentence vectors). glibc's malloc keeps freed pages in
its arenas for reuse, so a long session's resident memory crept up by about 1 MiB a turn
though nothing was kept (tests/bench/bench_memory.py: 398 MiB after the first of 100
questions, 508 MiB after the last). ``malloc_trim`` returns those pages. Other C
libraries (macOS, Windows, musl) have no such call, and nothing is done there.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Callable
from typing import cast

__all__ = ["release_freed_heap"]


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)  # the C library this process already runs on
    except OSError:
        return None
    trim = getattr(libc, "malloc_trim", None)  # glibc only
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return cast("Callable[[int], int]", trim)


def release_freed_heap() -> bool:
    """Give freed heap pages back (glibc); True when some memory was returned."""
    trim = _malloc_trim()
    return bool(trim(0)) if trim is not None else False
