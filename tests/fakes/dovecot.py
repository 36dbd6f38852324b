"""A real Dovecot IMAP server on loopback for the tests (Debian's dovecot-imapd).

Everything lives in one temp dir: config, a self-signed certificate made by openssl for
127.0.0.1, a passwd-file, the Maildir. ``imap-login`` refuses to run as root, so the
mail belongs to a system user of its own (``vmail``, created when missing); as a
normal user, the mail belongs to that user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from tests.fakes.loopback import free_port

__all__ = ["Dovecot", "dovecot_available"]

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def dovecot_available() -> bool:
    return os.path.exists(DOVECOT) and shutil.which("openssl") is not None


def _mail_user() -> tuple[str, int, int]:
    if os.geteuid() != 0:
        entry = pwd.getpwuid(os.geteuid())
        return entry.pw_name, entry.pw_uid, entry.pw_gid
    try:
        entry = pwd.getpwnam("vmail")
    except KeyError:
        subprocess.run(["useradd", "-r", "-M", "-s", "/usr/sbin/nologin", "vmail"], check=True)
        entry = pwd.getpwnam("vmail")
    return entry.pw_name, entry.pw_uid, entry.pw_gid


def make_cert(folder: Path, name: str = "server") -> tuple[Path, Path]:
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


class Dovecot:
    def __init__(
        self,
        base: Path,
        user: str = "sara",
        password: str = "s3cret-pw",
        *,
        special_use: dict[str, str] | None = None,
    ) -> None:
        """``special_use`` names mailboxes to create with an RFC 6154 flag, e.g.
        ``{"Brouillons": "\\Drafts"}``."""
        self.base = base
        self.user = user
        self.password = password
        self.special_use = dict(special_use or {})
        self.imap_port = free_port()
        self.imaps_port = free_port()
        self.cert, self.key = make_cert(base)
        self.home = base / "home"
        self.log = base / "dovecot.log"

    @property
    def maildir(self) -> Path:
        return self.home / "Maildir"

    def _config(self) -> Path:
        _, uid, gid = self._owner
        (self.base / "passwd").write_text(
            f"{self.user}:{{PLAIN}}{self.password}:{uid}:{gid}::{self.home}\n"
        )
        mailboxes = "".join(
            f'  mailbox "{name}" {{\n    special_use = {flag}\n    auto = create\n  }}\n'
            for name, flag in self.special_use.items()
        )
        namespace = f"namespace inbox {{\n  inbox = yes\n{mailboxes}}}\n" if mailboxes else ""
        conf = self.base / "dovecot.conf"
        conf.write_text(
            f"""
base_dir = {self.base}/run
state_dir = {self.base}/state
log_path = {self.log}
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{self.cert}
ssl_key = <{self.key}
disable_plaintext_auth = yes
auth_mechanisms = plain
auth_failure_delay = 2 secs
mail_location = maildir:~/Maildir
first_valid_uid = 1
default_login_user = dovenull
default_internal_user = dovecot
passdb {{
  driver = passwd-file
  args = {self.base}/passwd
}}
userdb {{
  driver = passwd-file
  args = {self.base}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
{namespace}"""
        )
        return conf

    def start(self) -> Dovecot:
        self._owner = _mail_user()
        _, uid, gid = self._owner
        for sub in ("cur", "new", "tmp"):
            (self.maildir / sub).mkdir(parents=True, exist_ok=True)
        for path in [self.home, *self.home.rglob("*")]:
            os.chown(path, uid, gid)
        # dovenull must be able to reach the run dir; the mail user its home.
        for path in (self.base, self.base / "state"):
            path.mkdir(exist_ok=True)
            path.chmod(0o755)
        conf = self._config()
        # The daemon keeps its stdio: never give it a pipe we would wait on.
        subprocess.run(
            [DOVECOT, "-c", str(conf)],
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.imaps_port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not start: {self.log.read_text(errors='replace')}")

    def stop(self) -> None:
        pid_file = self.base / "run" / "master.pid"
        if not pid_file.exists():
            return
        pid = int(pid_file.read_text().split()[0])
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    def reset_uidvalidity(self, value: int) -> None:
        """Give INBOX a new UIDVALIDITY, as a recreated mailbox gets: rewrite the
        uidlist header and drop the indexes that cache the old one."""
        uidlist = self.maildir / "dovecot-uidlist"
        header, _, rest = uidlist.read_text().partition("\n")
        fields = [f"V{value}" if f.startswith("V") else f for f in header.split()]
        uidlist.write_text(" ".join(fields) + "\n" + rest)
        for index in self.maildir.glob("dovecot.index*"):
            index.unlink()
        for index in self.maildir.glob("dovecot.list.index*"):
            index.unlink()

    def own(self, folder: Path) -> None:
        """Give what a test wrote under ``folder`` to the mail user, as if that user wrote it."""
        _, uid, gid = self._owner
        for path in (folder, *folder.rglob("*")):
            os.chown(path, uid, gid)

    def deliver(self, raw: bytes, folder: str = "INBOX") -> Path:
        """Drop a message into the Maildir as a delivery agent would (new/)."""
        box = self.maildir if folder == "INBOX" else self.maildir / f".{folder}"
        for sub in ("cur", "new", "tmp"):
            (box / sub).mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns()}.{os.getpid()}.test"
        tmp, final = box / "tmp" / name, box / "new" / name
        tmp.write_bytes(raw)
        os.rename(tmp, final)
        _, uid, gid = self._owner
        for path in (box, *(box / s for s in ("cur", "new", "tmp")), final):
            os.chown(path, uid, gid)
        return final
