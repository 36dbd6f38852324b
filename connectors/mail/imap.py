"""An IMAP account as a mail source: read-only, TLS always verified, incremental.

Folders are opened with EXAMINE and bodies fetched with ``BODY.PEEK[]``, so nothing on
the server changes (no \\Seen flag, no move). Each message's location is its
``UIDVALIDITY``/``UID`` pair: a sync lists the UIDs (cheap), fetches only the ones not
seen before, and a UIDVALIDITY change re-lists everything (the messages themselves keep
their ``mid:`` identity, so nothing is chunked twice).
"""

from __future__ import annotations

import base64
import contextlib
import imaplib
import re
import ssl
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from connectors.mail.imap_io import Deadlines, TimedIMAP4, TimedIMAP4_SSL
from connectors.mail.parse import MAX_MESSAGE_BYTES, mail_document
from contracts.documents import Document, Job, SourceItem, unreadable
from contracts.errors import ConnectorError, NeedsKeyError

__all__ = [
    "ImapAccount",
    "ImapSource",
    "decode_folder",
    "encode_folder",
    "quote_folder",
    "tls_context",
]

_FETCH_UID = re.compile(rb"UID (\d+)")
_LIST_LINE = re.compile(rb'\((?P<flags>[^)]*)\) (?:"[^"]*"|NIL) (?P<name>.+)$')
_LOCATION = re.compile(r";UIDVALIDITY=(\d+)/;UID=(\d+)$")


@dataclass(slots=True)
class ImapAccount:
    """What the settings file keeps about an account. The password is in the keyring."""

    host: str
    user: str
    port: int = 993
    security: str = "ssl"  # "ssl" (IMAPS, port 993) or "starttls" (port 143)
    folders: list[str] = field(default_factory=lambda: ["INBOX"])  # ["*"]: all of them
    trusted_cert: str = ""  # a PEM file the user chose to trust (self-signed servers)
    # Where drafts go when the server marks no mailbox \Drafts (RFC 6154).
    drafts_folder: str = "Drafts"

    @property
    def name(self) -> str:
        return f"{self.user}@{self.host}:{self.port}"

    @property
    def root(self) -> str:
        return f"imap://{quote(self.user, safe='')}@{self.host}:{self.port}"

    @property
    def secret_name(self) -> str:
        return f"imap:{self.name}"

    def to_dict(self) -> dict[str, object]:
        return {
            "host": self.host,
            "user": self.user,
            "port": self.port,
            "security": self.security,
            "folders": list(self.folders),
            "trusted_cert": self.trusted_cert,
            "drafts_folder": self.drafts_folder,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImapAccount:
        return cls(
            host=str(data["host"]),
            user=str(data["user"]),
            port=int(data.get("port", 993)),
            security=str(data.get("security", "ssl")),
            folders=[str(f) for f in data.get("folders", ["INBOX"])],
            trusted_cert=str(data.get("trusted_cert", "")),
            drafts_folder=str(data.get("drafts_folder", "Drafts")),
        )


def tls_context(trusted_cert: str = "") -> ssl.SSLContext:
    """The system's trust store, plus the one certificate the user trusted, if any.
    Hostname checking stays on either way."""
    ctx = ssl.create_default_context()
    if trusted_cert:
        try:
            ctx.load_verify_locations(cafile=trusted_cert)
        except (OSError, ssl.SSLError) as e:
            raise ConnectorError(
                f"Cannot read the trusted certificate {trusted_cert}: {e}",
                fix="give the path of the server's certificate in PEM form",
            ) from e
    return ctx


def encode_folder(name: str) -> str:
    """A folder name in IMAP's modified UTF-7 (RFC 3501 5.1.3)."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            data = base64.b64encode("".join(run).encode("utf-16-be")).decode()
            out.append("&" + data.rstrip("=").replace("/", ",") + "-")
            run.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            run.append(ch)
    flush()
    return "".join(out)


def decode_folder(name: str) -> str:
    def piece(m: re.Match[str]) -> str:
        data = m.group(1)
        if not data:
            return "&"
        data = data.replace(",", "/")
        return base64.b64decode(data + "=" * (-len(data) % 4)).decode("utf-16-be", "replace")

    return re.sub(r"&([A-Za-z0-9+,]*)-", piece, name)


def quote_folder(name: str) -> str:
    """A folder name as an IMAP quoted string (modified UTF-7 inside)."""
    name = encode_folder(name)
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ImapSource:
    """One account's chosen folders. Use as a mail connector (``index_mail``)."""

    source = "mail"

    def __init__(
        self,
        account: ImapAccount,
        password: str,
        *,
        timeout: float = 30.0,
        command_seconds: float = 120.0,
        sync_seconds: float = 3600.0,
    ) -> None:
        self.account = account
        self.root = account.root
        self._password = password
        self._timeout = timeout
        self._sync_seconds = sync_seconds
        self._deadlines = Deadlines(
            command_seconds=command_seconds, max_literal=MAX_MESSAGE_BYTES + 64 * 1024
        )
        self._conn: imaplib.IMAP4 | None = None
        self._selected: str | None = None
        self._cache: dict[str, bytes] = {}
        self._halt: str | None = None
        # folder -> (uidvalidity, highest uid, message count) from the last scan
        self.folder_state: dict[str, tuple[int, int, int]] = {}

    # -- connection ------------------------------------------------------------------

    def connect(self) -> imaplib.IMAP4:
        if self._conn is not None:
            return self._conn
        a = self.account
        ctx = tls_context(a.trusted_cert)
        conn: imaplib.IMAP4
        try:
            if a.security == "starttls":
                conn = TimedIMAP4(a.host, a.port, timeout=self._timeout, deadlines=self._deadlines)
                try:
                    conn.starttls(ssl_context=ctx)
                except imaplib.IMAP4.error as e:
                    conn.shutdown()
                    raise ConnectorError(
                        f"{a.host} does not offer STARTTLS: {e}",
                        fix="use security 'ssl' (port 993); Fanous never logs in unencrypted",
                    ) from e
            else:
                conn = TimedIMAP4_SSL(
                    a.host,
                    a.port,
                    ssl_context=ctx,
                    timeout=self._timeout,
                    deadlines=self._deadlines,
                )
        except ssl.SSLCertVerificationError as e:
            raise ConnectorError(
                f"The certificate of {a.host}:{a.port} is not trusted ({e.verify_message})",
                fix="if this is your own server with a self-signed certificate, trust it "
                "explicitly: fanous accounts add imap … --trust-cert CERT.pem",
            ) from e
        except ssl.SSLError as e:
            raise ConnectorError(
                f"The TLS handshake with {a.host}:{a.port} failed: {e}",
                fix="check the port and security: 993 is 'ssl', 143 is 'starttls'",
            ) from e
        except imaplib.IMAP4.abort as e:  # no greeting in time, or a broken one
            raise ConnectorError(
                f"The IMAP server {a.host}:{a.port} did not greet properly: {e}",
                fix="check the port and security: 993 is 'ssl', 143 is 'starttls'",
            ) from e
        except OSError as e:  # refused, unreachable, timed out
            raise ConnectorError(
                f"Cannot reach the IMAP server {a.host}:{a.port}: {e}",
                fix="check the host name, the port and your network connection",
            ) from e
        try:
            conn.login(a.user, self._password)
        except (imaplib.IMAP4.abort, OSError) as e:
            raise ConnectorError(
                f"The IMAP server {a.host} broke off the login: {e}",
                fix="try again later; nothing indexed was lost",
            ) from e
        except imaplib.IMAP4.error as e:
            conn.shutdown()
            if "UNAVAILABLE" in str(e):  # RFC 5530: the server cannot check it right now
                raise ConnectorError(
                    f"The IMAP server {a.host} could not check the password now: {e}",
                    fix="try again later; if it persists, tell the server's administrator",
                ) from e
            raise NeedsKeyError(
                f"The IMAP server {a.host} rejected the password for {a.user} "
                f"({e.args[0].decode() if isinstance(e.args[0], bytes) else e})",
                fix="store the right password (many providers need an app password): "
                f"fanous accounts add imap --host {a.host} --user {a.user}",
            ) from e
        self._conn = conn
        return conn

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                self._conn.logout()
            self._conn = None
            self._selected = None

    def _drop(self) -> None:
        """Forget a connection a timeout or a bad answer left in an unknown state."""
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.shutdown()
        self._conn = None
        self._selected = None

    def halted(self) -> str | None:
        """Why this sync cannot go on, if it cannot: its time is up, or the server went
        away mid-sync. What was fetched is kept; the next sync goes on from there."""
        if self._halt is None and time.monotonic() >= self._deadlines.sync_until:
            self._halt = f"the sync ran out of time ({self._sync_seconds:g} s)"
        return self._halt

    def _examine(self, folder: str) -> int:
        """Open a folder read-only; returns its UIDVALIDITY."""
        conn = self.connect()
        self._selected = None  # a failed SELECT leaves no folder selected
        typ, data = conn.select(quote_folder(folder), readonly=True)
        if typ != "OK":
            raise ConnectorError(
                f"The folder {folder!r} cannot be opened on {self.account.host}: "
                f"{data[0].decode(errors='replace') if data and data[0] else typ}",
                fix="check the folder names in the account (fanous accounts list)",
            )
        self._selected = folder
        _, value = conn.response("UIDVALIDITY")
        return int(value[0]) if value and value[0] else 0

    def folders(self) -> list[str]:
        """Every selectable folder on the server."""
        typ, data = self.connect().list()
        names = []
        for line in data if typ == "OK" else []:
            m = _LIST_LINE.match(line) if isinstance(line, bytes) else None
            if m and b"\\noselect" not in m.group("flags").lower():
                raw = m.group("name").decode("utf-8", "replace").strip('"')
                names.append(decode_folder(raw))
        return names

    # -- the connector ---------------------------------------------------------------

    def _prefix(self, folder: str) -> str:
        return f"{self.root}/{quote(folder, safe='')}/"

    def scan(self, on_error: Callable[[str, str], None]) -> Iterator[SourceItem]:
        self.folder_state.clear()
        self._cache.clear()
        self._deadlines.sync_until = time.monotonic() + self._sync_seconds
        self._halt = None
        self.connect()  # a refused login or certificate fails the whole source
        wanted = self.account.folders or ["INBOX"]
        if "*" in wanted:
            wanted = self.folders()
        for folder in wanted:
            prefix = self._prefix(folder)
            try:
                validity = self._examine(folder)
                typ, data = self.connect().uid("SEARCH", "ALL")
            except ConnectorError as e:
                on_error(prefix, e.message)  # the folder's messages stay indexed
                continue
            except (imaplib.IMAP4.error, OSError) as e:
                self._drop()
                raise ConnectorError(
                    f"The IMAP server {self.account.host} broke off: {e}",
                    fix="try again; nothing indexed was lost",
                ) from e
            uids = [int(u) for u in (data[0] or b"").split()] if typ == "OK" else []
            self.folder_state[folder] = (validity, max(uids, default=0), len(uids))
            for uid in uids:
                location = f"{prefix};UIDVALIDITY={validity}/;UID={uid}"
                yield SourceItem(uri=location, path=location, mtime_ns=0, size=0)

    def prefetch(self, items: Sequence[SourceItem]) -> None:
        """Fetch a batch of messages in one round trip per folder."""
        by_folder: dict[str, list[SourceItem]] = {}
        for item in items:
            by_folder.setdefault(self._folder_of(item), []).append(item)
        for folder, batch in by_folder.items():
            try:
                self._fetch(folder, batch)
            except ConnectorError:
                continue  # load() will report each message

    def _folder_of(self, item: SourceItem) -> str:
        from urllib.parse import unquote

        return unquote(item.uri[len(self.root) + 1 :].split("/", 1)[0])

    def _fetch(self, folder: str, batch: Sequence[SourceItem]) -> None:
        uids = {}
        for item in batch:
            m = _LOCATION.search(item.uri)
            if m:
                uids[m.group(2)] = item.uri
        if not uids:
            return
        halt = self.halted()
        if halt is not None:
            raise ConnectorError(halt)
        try:
            if self._selected != folder:
                self._examine(folder)
            # Never more than a message's parsed size: a bigger one is cut, as on disk.
            body = f"(UID BODY.PEEK[]<0.{MAX_MESSAGE_BYTES}>)"
            typ, data = self.connect().uid("FETCH", ",".join(uids), body)
        except ConnectorError as e:
            if self._conn is None:  # it could not even reconnect: stop this sync
                self._halt = f"the server went away: {e.message}"
            raise
        except (imaplib.IMAP4.error, OSError) as e:
            if isinstance(e, imaplib.IMAP4.abort | OSError):
                self._drop()  # the next command starts on a fresh connection
            raise ConnectorError(f"fetching from {folder!r} failed: {e}") from e
        for part in data if typ == "OK" else []:
            if isinstance(part, tuple) and len(part) == 2:
                found = _FETCH_UID.search(bytes(part[0]))
                if found and found.group(1).decode() in uids:
                    self._cache[uids[found.group(1).decode()]] = bytes(part[1])

    def job(self, item: SourceItem) -> Job:
        """The message's bytes come over the network here; the parsing is the job."""
        folder = self._folder_of(item)
        raw = self._cache.pop(item.uri, None)
        if raw is None:
            try:
                self._fetch(folder, [item])
            except ConnectorError as e:
                return Job(unreadable, (e.message,))
            raw = self._cache.pop(item.uri, None)
        if raw is None:
            return Job(unreadable, ("the message is no longer on the server",))
        m = _LOCATION.search(item.uri)
        meta = {"folder": folder, "account": self.account.name, "uid": int(m[2]) if m else None}
        return Job(mail_document, (raw, meta), size=len(raw))

    def load(self, item: SourceItem) -> Document:
        fn, args, _ = self.job(item)
        return fn(*args)
