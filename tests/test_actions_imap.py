"""Draft replies against a real Dovecot on loopback: the Drafts mailbox found by its
RFC 6154 flag, APPEND with \\Draft, the draft read back by a plain IMAP client with the
headers a mail client threads by, undo that expunges exactly that UID, and an account
without the write permission refused before any socket is opened. Also a draft into the
user's Maildir on disk, which the same Dovecot then serves as its Drafts folder."""

from __future__ import annotations

import email
import imaplib
import shutil
import ssl
import sys
import tempfile
from collections.abc import Iterator
from email import policy
from pathlib import Path

import pytest

from agent import secrets
from agent.actions import ActionRefused, Actions, Confirmation, Origin
from agent.actions import log as action_log
from agent.mail_accounts import (
    ImapAccount,
    add_account,
    add_mail_path,
    index_mail_path,
    sync_account,
)
from agent.workspace import Workspace
from tests.actions_helpers import Grants, grants  # noqa: F401
from tests.fakes.dovecot import Dovecot, dovecot_available
from tests.fakes.engines import FakeEngine

pytestmark = pytest.mark.skipif(not dovecot_available(), reason="needs dovecot-imapd")

YOU = Origin("you", "command line")
YES = Confirmation("--yes")
ORIGINAL = (
    b"From: Omar Khalil <omar@example.org>\r\nTo: Sara Haddad <sara@example.com>\r\n"
    b"Subject: Ferry on Saturday\r\nDate: Tue, 05 Mar 2024 10:00:00 +0200\r\n"
    b"Message-ID: <ferry-1@example.org>\r\nReferences: <plan-0@example.org>\r\n"
    b"In-Reply-To: <plan-0@example.org>\r\n\r\n"
    b"Shall we take the 7:40 ferry to Hydra on Saturday?\r\n"
)


def _server(**kwargs: object) -> Iterator[Dovecot]:
    base = Path(tempfile.mkdtemp(prefix="fanous-dovecot-"))  # dovecot's users must reach it
    server = Dovecot(base, **kwargs)  # type: ignore[arg-type]
    try:
        yield server.start()
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    # "Brouillons": found by its \Drafts flag, not by its name.
    yield from _server(special_use={"Brouillons": "\\Drafts", "Sent": "\\Sent"})


@pytest.fixture
def ws(paths) -> Iterator[Workspace]:
    workspace = Workspace(paths, engine=FakeEngine())
    yield workspace
    for account in list(workspace.settings.mail_accounts):
        secrets.delete_secret(ImapAccount.from_dict(account).secret_name)
    workspace.close()


def account_for(server: Dovecot) -> ImapAccount:
    return ImapAccount(
        host="127.0.0.1", user=server.user, port=server.imaps_port, trusted_cert=str(server.cert)
    )


def client(server: Dovecot) -> imaplib.IMAP4_SSL:
    """A plain IMAP client, as the user's mail app would be."""
    ctx = ssl.create_default_context(cafile=server.cert)
    conn = imaplib.IMAP4_SSL("127.0.0.1", server.imaps_port, ssl_context=ctx)
    conn.login(server.user, server.password)
    return conn


def fetch_all(server: Dovecot, mailbox: str) -> list[tuple[bytes, bytes]]:
    conn = client(server)
    try:
        typ, _ = conn.select(f'"{mailbox}"', readonly=True)
        assert typ == "OK"
        typ, data = conn.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[])")
        return [(part[0], part[1]) for part in data if isinstance(part, tuple)]
    finally:
        conn.logout()


@pytest.fixture
def synced(dovecot: Dovecot, ws: Workspace) -> ImapAccount:
    dovecot.deliver(ORIGINAL)
    account = add_account(ws, account_for(dovecot), dovecot.password)
    assert sync_account(ws, account).added == 1
    return account


class Sockets:
    """Every socket connect made while it listens (an audit hook: nothing is faked)."""

    def __init__(self) -> None:
        self.listening = False
        self.seen: list[object] = []
        sys.addaudithook(self._hook)

    def _hook(self, event: str, args: tuple[object, ...]) -> None:
        if self.listening and event == "socket.connect":
            self.seen.append(args[1])


SOCKETS = Sockets()


def test_a_reply_goes_to_the_special_use_drafts_mailbox_and_undo_expunges_only_it(
    dovecot: Dovecot,
    ws: Workspace,
    synced: ImapAccount,
    grants: Grants,  # noqa: F811
) -> None:
    grants.allow("drafts", synced.root)
    actions = Actions(ws)
    proposal = actions.propose_reply(
        "mid:ferry-1@example.org", "Yes, the 7:40 ferry suits me.", origin=YOU, as_is=True
    )
    assert proposal.target.rel == "Brouillons"
    assert "special-use \\Drafts" in proposal.target.label
    assert fetch_all(dovecot, "Brouillons") == []  # proposing wrote nothing

    entry = actions.confirm(proposal, YES)

    ((meta, raw),) = fetch_all(dovecot, "Brouillons")
    assert b"\\Draft" in meta and b"\\Seen" in meta
    assert raw.replace(b"\r\n", b"\n") == proposal.data.replace(b"\r\n", b"\n")
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg["Subject"] == "Re: Ferry on Saturday"
    assert msg["To"] == "Omar Khalil <omar@example.org>"
    assert msg["From"] == "Sara Haddad <sara@example.com>"  # the address it was sent to
    assert msg["In-Reply-To"] == "<ferry-1@example.org>"
    assert msg["References"] == "<plan-0@example.org> <ferry-1@example.org>"
    assert "Bcc" not in msg and "Cc" not in msg
    body = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert body.startswith("Yes, the 7:40 ferry suits me.\n\nOn 2024-03-05 10:00, Omar Khalil")
    assert "> Shall we take the 7:40 ferry to Hydra on Saturday?" in body
    assert fetch_all(dovecot, "INBOX")[0][1].replace(b"\r\n", b"\n") == ORIGINAL.replace(
        b"\r\n", b"\n"
    )
    info = entry.undo["imap"]
    assert (entry.status, info["mailbox"], info["account"]) == ("done", "Brouillons", synced.root)

    # The user marked another message deleted in the same mailbox: undo must not take it.
    conn = client(dovecot)
    conn.append('"Brouillons"', "(\\Deleted)", None, b"Subject: mine\r\n\r\nkeep me\r\n")
    conn.logout()
    actions.undo(entry.id)
    left = fetch_all(dovecot, "Brouillons")
    assert [b"keep me" in raw for _, raw in left] == [True]
    assert action_log.get(ws.store, entry.id).status == "undone"


def test_an_account_without_the_permission_is_refused_before_any_socket(
    dovecot: Dovecot,
    ws: Workspace,
    synced: ImapAccount,
    grants: Grants,  # noqa: F811
) -> None:
    actions = Actions(ws)
    SOCKETS.seen.clear()
    SOCKETS.listening = True
    try:
        with pytest.raises(ActionRefused, match="not allowed to save drafts") as refused:
            actions.propose_reply("ferry-1@example.org", "Yes.", origin=YOU, as_is=True)
    finally:
        SOCKETS.listening = False
    assert SOCKETS.seen == []
    assert "fanous sources write-drafts" in (refused.value.fix or "")
    assert ws.engine.calls == []  # no model was asked to write a reply that cannot be saved

    # Allowed when proposed, withdrawn before the yes: refused at the gate, no socket.
    grants.allow("drafts", synced.root)
    proposal = actions.propose_reply("ferry-1@example.org", "Yes.", origin=YOU, as_is=True)
    grants.revoke_all()
    SOCKETS.listening = True
    try:
        with pytest.raises(ActionRefused, match="not allowed"):
            actions.confirm(proposal, YES)
    finally:
        SOCKETS.listening = False
    assert SOCKETS.seen == []
    assert fetch_all(dovecot, "Brouillons") == []
    assert action_log.entries(ws.store) == []


def test_the_model_writes_the_reply_in_the_language_of_the_thread(
    dovecot: Dovecot,
    ws: Workspace,
    grants: Grants,  # noqa: F811
) -> None:
    arabic = (
        "From: Layla <layla@example.org>\r\nTo: sara@example.com\r\n"
        "Subject: =?utf-8?b?2YXZiNi52K8g2KfZhNi52LTYp9ih?=\r\n"
        "Date: Wed, 06 Mar 2024 18:00:00 +0200\r\nMessage-ID: <ar-1@example.org>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "هل يناسبك العشاء يوم الجمعة الساعة الثامنة؟\r\n"
    ).encode()
    dovecot.deliver(arabic)
    account = add_account(ws, account_for(dovecot), dovecot.password)
    sync_account(ws, account)
    grants.allow("drafts", account.root)
    ws.engine.replies.append("نعم، العشاء يوم الجمعة يناسبني.")
    actions = Actions(ws)
    proposal = actions.propose_reply("mid:ar-1@example.org", "yes, Friday works", origin=YOU)
    (asked,) = ws.engine.calls
    assert "in Arabic" in asked[-1]["content"] and "هل يناسبك العشاء" in asked[-1]["content"]
    assert proposal.origin.conversation_id is not None  # the turn it came from
    actions.confirm(proposal, YES)
    ((_, raw),) = fetch_all(dovecot, "Brouillons")
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg["Subject"] == "Re: موعد العشاء"
    body = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert body.startswith("نعم، العشاء يوم الجمعة يناسبني.\n\nفي 2024-03-06 18:00، كتب Layla")


def test_without_a_drafts_mailbox_the_configured_name_is_used(
    ws: Workspace,
    grants: Grants,  # noqa: F811
) -> None:
    for server in _server():  # no special-use mailboxes at all
        server.deliver(ORIGINAL)
        account = account_for(server)
        account.drafts_folder = "Entwürfe"
        add_account(ws, account, server.password)
        sync_account(ws, account)
        grants.allow("drafts", account.root)
        actions = Actions(ws)
        with pytest.raises(ActionRefused, match="no mailbox marked as Drafts"):
            actions.propose_reply("ferry-1@example.org", "Yes.", origin=YOU, as_is=True)
        conn = client(server)
        assert conn.create('"Entw&APw-rfe"')[0] == "OK"
        conn.logout()
        proposal = actions.propose_reply("ferry-1@example.org", "Yes.", origin=YOU, as_is=True)
        assert proposal.target.rel == "Entwürfe"
        assert "name set on the account" in proposal.target.label
        actions.confirm(proposal, YES)
        assert len(fetch_all(server, "Entw&APw-rfe")) == 1


def test_a_draft_in_a_maildir_on_disk_is_served_by_a_real_imap_server(
    dovecot: Dovecot,
    ws: Workspace,
    grants: Grants,  # noqa: F811
) -> None:
    dovecot.deliver(ORIGINAL)
    root = add_mail_path(ws, str(dovecot.maildir))
    assert index_mail_path(ws, root).added == 1
    grants.allow("drafts", root)
    actions = Actions(ws)
    proposal = actions.propose_reply("ferry-1@example.org", "See you at the pier.", origin=YOU,
                                     as_is=True)  # fmt: skip
    assert proposal.target.rel.startswith(".Drafts/cur/") and proposal.target.rel.endswith(":2,DS")
    entry = actions.confirm(proposal, YES)
    dovecot.own(dovecot.maildir)  # the tests run as root; the mail belongs to its user
    (path,) = (dovecot.maildir / ".Drafts" / "cur").iterdir()
    assert path.read_bytes() == proposal.data
    assert list((dovecot.maildir / ".Drafts" / "tmp").iterdir()) == []  # staged, then linked
    ((meta, raw),) = fetch_all(dovecot, "Drafts")
    assert b"\\Draft" in meta and b"\\Seen" in meta
    assert email.message_from_bytes(raw)["In-Reply-To"] == "<ferry-1@example.org>"
    actions.undo(entry.id)
    assert not path.exists()
    assert fetch_all(dovecot, "Drafts") == []
