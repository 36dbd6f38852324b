"""IMAP against a real Dovecot on loopback (tests/fakes/dovecot.py), self-signed cert,
password in the real keyring: initial sync, new mail, deletion on the server,
UIDVALIDITY change, read-only, wrong password, untrusted certificate."""

from __future__ import annotations

import imaplib
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent import secrets
from agent.config import Paths
from agent.index.search import search
from agent.mail_accounts import ImapAccount, add_account, remove_account, sync_account
from agent.workspace import Workspace
from connectors.mail.imap import decode_folder, encode_folder
from contracts.errors import ConnectorError
from tests.fakes.dovecot import Dovecot
from tests.fakes.engines import FakeEngine


def message(n: int, body: str) -> bytes:
    return (
        f"From: Sara Haddad <sara@example.com>\r\nTo: omar@example.com\r\n"
        f"Subject: note {n}\r\nDate: Tue, 05 Mar 2024 10:0{n % 10}:00 +0000\r\n"
        f"Message-ID: <imap{n}@example.com>\r\n\r\n{body}\r\n"
    ).encode()


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    # Not under tmp_path: pytest's base dir is private to root, and Dovecot's auth and
    # login processes run as their own users.
    base = Path(tempfile.mkdtemp(prefix="fanous-dovecot-"))
    server = Dovecot(base)
    try:
        yield server.start()
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def ws(paths: Paths) -> Iterator[Workspace]:
    workspace = Workspace(paths, engine=FakeEngine())
    yield workspace
    for account in list(workspace.settings.mail_accounts):
        secrets.delete_secret(ImapAccount.from_dict(account).secret_name)
    workspace.close()


def account_for(server: Dovecot, *, trusted: bool = True, starttls: bool = False) -> ImapAccount:
    return ImapAccount(
        host="127.0.0.1",
        user=server.user,
        port=server.imap_port if starttls else server.imaps_port,
        security="starttls" if starttls else "ssl",
        trusted_cert=str(server.cert) if trusted else "",
    )


def server_flags(server: Dovecot) -> list[bytes]:
    conn = imaplib.IMAP4_SSL(
        "127.0.0.1", server.imaps_port, ssl_context=ssl.create_default_context(cafile=server.cert)
    )
    conn.login(server.user, server.password)
    conn.select("INBOX", readonly=True)
    _, data = conn.fetch("1:*", "(FLAGS)")
    conn.logout()
    return data


def test_sync_new_mail_deletion_and_uidvalidity_change(dovecot: Dovecot, ws: Workspace) -> None:
    for n in (1, 2, 3):
        dovecot.deliver(message(n, f"Passage number {n} about the harbour."))
    account = add_account(ws, account_for(dovecot), dovecot.password)
    assert secrets.get_secret(account.secret_name) == dovecot.password
    assert dovecot.password not in ws.paths.settings_file.read_text()

    first = sync_account(ws, account)
    assert (first.added, first.errors) == (3, [])
    hit = search(ws.store, "passage number 2 harbour", source="mail")[0]
    assert hit.uri == "mid:imap2@example.com"
    assert hit.path.startswith(f"{account.root}/INBOX/;UIDVALIDITY=")
    assert hit.text.startswith("From: Sara Haddad <sara@example.com>")
    assert all(b"\\Seen" not in f for f in server_flags(dovecot))  # read-only: still unread

    dovecot.deliver(message(4, "A late message about the lighthouse."))
    second = sync_account(ws, account)
    assert (second.added, second.unchanged, second.removed) == (1, 3, 0)
    assert search(ws.store, "lighthouse", source="mail")[0].uri == "mid:imap4@example.com"

    victim = next(p for p in dovecot.maildir.rglob("*.test*") if b"imap1@" in p.read_bytes())
    victim.unlink()
    third = sync_account(ws, account)
    assert (third.added, third.removed) == (0, 1)
    assert not [h for h in search(ws.store, "passage number 1", source="mail") if "imap1" in h.uri]

    validity = ws.store.conn.execute("SELECT uidvalidity FROM mail_sync").fetchone()[0]
    dovecot.reset_uidvalidity(validity + 1000)  # as when the mailbox is recreated
    fourth = sync_account(ws, account)
    new_validity = ws.store.conn.execute("SELECT uidvalidity FROM mail_sync").fetchone()[0]
    assert new_validity != validity
    assert (fourth.added, fourth.removed, fourth.errors) == (0, 0, [])
    docs = ws.store.conn.execute("SELECT count(*) FROM documents WHERE source='mail'").fetchone()
    assert docs[0] == 3
    paths = [r[0] for r in ws.store.conn.execute("SELECT path FROM documents")]
    assert all(f"UIDVALIDITY={new_validity}/" in p for p in paths)

    _, removed = remove_account(ws, account.name)
    assert removed == 3 and secrets.get_secret(account.secret_name) is None


def test_untrusted_certificate_is_refused_unless_trusted(dovecot: Dovecot, ws: Workspace) -> None:
    dovecot.deliver(message(1, "Hello."))
    account = add_account(ws, account_for(dovecot, trusted=False), dovecot.password)
    with pytest.raises(ConnectorError) as info:
        sync_account(ws, account)
    assert "not trusted" in info.value.message and "--trust-cert" in info.value.fix
    assert ws.store.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
    trusted = account_for(dovecot, trusted=True)
    trusted.folders = ["INBOX", "No Such Folder"]
    add_account(ws, trusted, dovecot.password)
    report = sync_account(ws, trusted)
    assert report.added == 1  # a missing folder is reported, the others still sync
    ((where, reason),) = report.errors
    assert where.endswith("/No%20Such%20Folder/") and "cannot be opened" in reason


def _fanous(args: list[str], home: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FANOUS_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", *args],
        input=stdin, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


def test_cli_starttls_account_sync_and_wrong_password(dovecot: Dovecot, tmp_path: Path) -> None:
    dovecot.deliver(message(5, "The boat is moored at pier 9."))
    home = tmp_path / "home"
    base = ["accounts", "add", "imap", "--host", "127.0.0.1", "--user", dovecot.user,
            "--port", str(dovecot.imap_port), "--security", "starttls",
            "--trust-cert", str(dovecot.cert)]  # fmt: skip
    wrong = _fanous(base, home, stdin="not-the-password\n")
    assert wrong.returncode == 1
    assert "rejected the password" in wrong.stderr and "fix:" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    listed = json.loads(_fanous(["accounts", "list", "--json"], home).stdout)
    assert listed["accounts"] == []  # nothing kept from a failed add

    added = _fanous(base, home, stdin=dovecot.password + "\n")
    assert added.returncode == 0, added.stderr
    name = f"{dovecot.user}@127.0.0.1:{dovecot.imap_port}"
    try:
        synced = _fanous(["sync", "--json"], home)
        assert synced.returncode == 0, synced.stderr
        assert json.loads(synced.stdout)[0]["added"] == 1
        found = json.loads(_fanous(["search", "boat pier", "--json"], home).stdout)
        assert found["results"][0]["uri"] == "mid:imap5@example.com"
        listed = json.loads(_fanous(["accounts", "list", "--json"], home).stdout)
        (acct,) = listed["accounts"]
        assert acct["password_in_keyring"] and acct["security"] == "starttls"
        assert acct["folders_synced"][0]["messages"] == 1
        assert dovecot.password not in (home / "config" / "settings.toml").read_text()
    finally:
        removed = _fanous(["accounts", "remove", name], home)
    assert removed.returncode == 0, removed.stderr
    assert secrets.get_secret(f"imap:{name}") is None


def test_folder_names_in_modified_utf7(dovecot: Dovecot, ws: Workspace) -> None:
    assert encode_folder("~peter/mail/台北/日本語") == "~peter/mail/&U,BTFw-/&ZeVnLIqe-"  # RFC 3501
    assert decode_folder("&AMk-l&AOk-ments envoy&AOk-s &- A&-B") == "Éléments envoyés & A&B"
    conn = imaplib.IMAP4_SSL(
        "127.0.0.1", dovecot.imaps_port, ssl_context=ssl.create_default_context(cafile=dovecot.cert)
    )
    conn.login(dovecot.user, dovecot.password)
    folder = '"' + encode_folder("Éléments envoyés") + '"'
    assert conn.create(folder)[0] == "OK"
    assert conn.append(folder, None, None, message(6, "Sent from the French folder."))[0] == "OK"
    conn.logout()
    account = account_for(dovecot)
    account.folders = ["*"]
    add_account(ws, account, dovecot.password)
    assert sync_account(ws, account).added == 1
    hit = search(ws.store, "French folder", source="mail")[0]
    assert hit.uri == "mid:imap6@example.com"
    folders = [r[0] for r in ws.store.conn.execute("SELECT folder FROM mail_sync ORDER BY 1")]
    assert folders == ["INBOX", "Éléments envoyés"]
