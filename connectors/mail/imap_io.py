"""IMAP connections that cannot be held open or made to allocate without bound.

``imaplib`` waits ``timeout`` for each read, so a server that sends a byte every 20 s
holds a sync forever, and it allocates whatever size a literal announces
(``{99999999999}``: a ``MemoryError``). Here every command has a deadline (its share
grows with the bytes that arrive, at ``Deadlines.min_rate``, so a big message on a slow
line still finishes) inside the deadline of the whole sync, and a literal's size is
checked before a byte of it is read. Either failure is ``imaplib.IMAP4.abort``: the
connection is then useless and is dropped.
"""

from __future__ import annotations

import imaplib
import math
import socket
import time
from dataclasses import dataclass
from typing import Any

__all__ = ["Deadlines", "TimedIMAP4", "TimedIMAP4_SSL"]


@dataclass(slots=True)
class Deadlines:
    command_seconds: float = 120.0  # one command, before its bytes earn it more time
    min_rate: float = 16 * 1024  # bytes/s a slow but live server is allowed
    sync_until: float = math.inf  # time.monotonic() by which the whole sync ends
    max_literal: int = 16 * 1024 * 1024  # the most one literal may announce

    def start(self) -> float:
        return min(time.monotonic() + self.command_seconds, self.sync_until)


class _Timed(imaplib.IMAP4):
    """Reads for ``imaplib.IMAP4`` with deadlines, over the socket directly (imaplib's
    buffered file would wait for a whole line however slowly it comes)."""

    deadlines: Deadlines
    _until: float
    _buffer: bytearray
    _buffer_sock: socket.socket | None

    def _setup(self, deadlines: Deadlines) -> None:
        self.deadlines = deadlines
        self._until = deadlines.start()  # the greeting
        self._buffer = bytearray()
        self._buffer_sock = None

    def _command(self, name: str, *args: Any) -> Any:
        self._until = self.deadlines.start()
        return super()._command(name, *args)  # type: ignore[misc]  # untyped in typeshed

    def _receive(self) -> None:
        if self._buffer_sock is not self.sock:  # after STARTTLS nothing sent in clear counts
            self._buffer.clear()
            self._buffer_sock = self.sock
        left = self._until - time.monotonic()
        if left <= 0:
            raise self.abort("the server took too long to answer")
        self.sock.settimeout(left)
        try:
            data = self.sock.recv(65536)
        except TimeoutError as e:
            raise self.abort("the server took too long to answer") from e
        if not data:
            raise self.abort("the server closed the connection")
        self._buffer += data
        # Bytes that arrive earn time, so only a live line keeps a command going.
        self._until = min(
            self._until + len(data) / self.deadlines.min_rate, self.deadlines.sync_until
        )

    def readline(self) -> bytes:
        while True:
            if self._buffer_sock is self.sock:
                end = self._buffer.find(b"\n")
                if end >= 0:
                    line = bytes(self._buffer[: end + 1])
                    del self._buffer[: end + 1]
                    return line
                if len(self._buffer) > imaplib._MAXLINE:  # type: ignore[attr-defined]
                    raise self.error(f"got more than {imaplib._MAXLINE} bytes")  # type: ignore[attr-defined]
            self._receive()

    def read(self, size: int) -> bytes:
        if size > self.deadlines.max_literal:
            raise self.abort(
                f"the server announced {size:,} bytes, over the {self.deadlines.max_literal:,} "
                "bytes Fanous reads for one message"
            )
        while self._buffer_sock is not self.sock or len(self._buffer) < size:
            self._receive()
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data


class TimedIMAP4(_Timed, imaplib.IMAP4):
    def __init__(self, host: str, port: int, *, timeout: float, deadlines: Deadlines) -> None:
        self._setup(deadlines)
        super().__init__(host, port, timeout=timeout)


class TimedIMAP4_SSL(_Timed, imaplib.IMAP4_SSL):
    def __init__(
        self, host: str, port: int, *, ssl_context: Any, timeout: float, deadlines: Deadlines
    ) -> None:
        self._setup(deadlines)
        super().__init__(host, port, ssl_context=ssl_context, timeout=timeout)
