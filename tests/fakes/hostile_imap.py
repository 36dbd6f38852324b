"""An IMAP server on loopback that misbehaves on cue: it trickles a byte at a time, or
announces a literal of 99,999,999,999 bytes, for the messages (or the greeting) it is
told to. Just enough IMAP4rev1 for ``ImapSource``: LOGIN, CAPABILITY, EXAMINE/SELECT,
UID SEARCH, UID FETCH, LOGOUT; TLS with a certificate the test trusts."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from pathlib import Path

from tests.fakes.dovecot import make_cert

__all__ = ["HostileImap"]


class HostileImap:
    """``messages``: uid -> raw message; ``behaviour``: uid (or "greeting") -> "trickle",
    "huge" or "vanish" (the server goes away for good). ``trickle_every`` is the pause
    between two bytes of a trickle."""

    def __init__(
        self,
        base: Path,
        messages: dict[int, bytes],
        behaviour: dict[int | str, str],
        *,
        trickle_every: float = 0.2,
        fetch_delay: float = 0.0,
    ) -> None:
        self.messages = messages
        self.behaviour = behaviour
        self.trickle_every = trickle_every
        self.fetch_delay = fetch_delay
        self.cert, key = make_cert(base, "hostile")
        self._ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._ctx.load_cert_chain(self.cert, key)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.logins = 0

    def __enter__(self) -> HostileImap:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        # close() alone does not wake an accept() blocked in another thread (Linux):
        # shutdown() does, so the server ends now instead of at the join's timeout.
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._thread.join(timeout=5)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                raw, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(raw,), daemon=True).start()

    def _trickle(self, conn: ssl.SSLSocket, data: bytes) -> None:
        for byte in data:
            if self._stop.is_set():
                return
            conn.sendall(bytes([byte]))
            time.sleep(self.trickle_every)
        while not self._stop.is_set():  # and then nothing more, ever
            time.sleep(0.05)

    def _session(self, raw: socket.socket) -> None:
        with contextlib.suppress(OSError, ssl.SSLError):
            conn = self._ctx.wrap_socket(raw, server_side=True)
            with conn:
                greeting = b"* OK [CAPABILITY IMAP4rev1] hostile ready\r\n"
                if self.behaviour.get("greeting") == "trickle":
                    self._trickle(conn, greeting)
                    return
                conn.sendall(greeting)
                reader = conn.makefile("rb")
                for line in iter(reader.readline, b""):
                    if not self._answer(conn, line.rstrip(b"\r\n")):
                        return

    def _answer(self, conn: ssl.SSLSocket, line: bytes) -> bool:
        tag, _, rest = line.partition(b" ")
        command = rest.split(b" ", 1)[0].upper()
        if command == b"LOGIN":
            self.logins += 1
            conn.sendall(tag + b" OK LOGIN completed\r\n")
        elif command == b"CAPABILITY":
            conn.sendall(b"* CAPABILITY IMAP4rev1\r\n" + tag + b" OK done\r\n")
        elif command in (b"EXAMINE", b"SELECT"):
            conn.sendall(
                b"* %d EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n" % len(self.messages)
                + tag
                + b" OK [READ-ONLY] done\r\n"
            )
        elif command == b"UID" and rest.upper().startswith(b"UID SEARCH"):
            uids = b" ".join(b"%d" % uid for uid in sorted(self.messages))
            conn.sendall(b"* SEARCH " + uids + b"\r\n" + tag + b" OK done\r\n")
        elif command == b"UID" and rest.upper().startswith(b"UID FETCH"):
            wanted = [int(u) for u in rest.split(b" ")[2].split(b",")]
            for n, uid in enumerate(wanted, start=1):
                time.sleep(self.fetch_delay)
                what = self.behaviour.get(uid)
                if what == "vanish":
                    self._listener.close()
                    return False
                if what == "huge":
                    conn.sendall(b"* %d FETCH (UID %d BODY[]<0> {99999999999}\r\n" % (n, uid))
                    return True  # and never the bytes
                body = self.messages[uid]
                head = b"* %d FETCH (UID %d BODY[]<0> {%d}\r\n" % (n, uid, len(body))
                if what == "trickle":
                    self._trickle(conn, head + body)
                    return False
                conn.sendall(head + body + b")\r\n")
            conn.sendall(tag + b" OK FETCH completed\r\n")
        elif command == b"LOGOUT":
            conn.sendall(b"* BYE\r\n" + tag + b" OK bye\r\n")
            return False
        else:
            conn.sendall(tag + b" BAD unknown\r\n")
        return True
