"""Jobs for the parse pool's tests: module-level, so a worker process can import them."""

from __future__ import annotations

import os
import time

from contracts.documents import Document
from contracts.errors import ConnectorError

__all__ = ["busy", "crash", "fail", "hog", "note", "refuse", "slow", "spin", "wait_for"]


def note(name: str, text: str) -> Document:
    return Document(source="notes", uri=f"test:{name}", title=name, text=text)


def refuse(reason: str) -> Document:
    raise ConnectorError(reason)


def slow(seconds: float) -> Document:
    time.sleep(seconds)
    return note("slow", "woke up")


def wait_for(path: str, name: str) -> Document:
    """A slow item that ends when the test says so (``path`` appears), or after 30 s."""
    deadline = time.monotonic() + 30
    while not os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.01)
    return note(name, f"{name} came late")


def busy(seconds: float) -> Document:
    """Processor work for ``seconds`` of processor time."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return note("busy", "done")


def spin() -> Document:
    while True:  # a parser stuck on hostile input, deaf to everything but SIGKILL
        pass


def hog(megabytes: int) -> Document:
    hoard = [bytearray(1024 * 1024) for _ in range(megabytes)]
    return note("hog", str(len(hoard)))


def crash() -> Document:
    os.abort()  # a C extension's fatal error


def fail() -> Document:
    return note("never", str(1 / 0))  # a parser's own bug
