"""Mail sources a user has added: paths on disk and IMAP accounts, kept in the settings
(never a password: those go to the keyring through ``agent.secrets``), and the
operations the CLI and the UI share — add, list, remove, index, sync."""

from __future__ import annotations

import imaplib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from agent import secrets
from agent.config import Settings
from agent.index.indexer import Progress
from agent.index.mail import MailReport, forget_mail_source, index_mail
from agent.sources import forget_permissions, source_id
from agent.store import Store
from connectors.mail.files import MailPath
from connectors.mail.imap import ImapAccount, ImapSource, decode_folder, quote_folder
from contracts.errors import ConfigError, FanousError, NeedsKeyError

__all__ = [
    "ImapAccount",
    "StoredMessage",
    "add_account",
    "add_mail_path",
    "connect",
    "decode_folder",
    "find_account",
    "index_mail_path",
    "list_accounts",
    "load_message",
    "quote_folder",
    "remove_account",
    "remove_mail_path",
    "stored_text",
    "sync_account",
    "sync_all",
    "sync_state",
]


class _Workspace(Protocol):
    settings: Settings

    @property
    def store(self) -> Store: ...

    def save_settings(self) -> None: ...


def add_mail_path(ws: _Workspace, path: str) -> str:
    """Save a mail path as a source; one that is not readable mail (a typo) raises
    ``ConnectorError`` and is not saved."""
    source = MailPath(path)
    source.check()
    root = source.root
    if root not in ws.settings.mail_paths:
        ws.settings.mail_paths.append(root)
        ws.save_settings()
    return root


def remove_mail_path(ws: _Workspace, path: str) -> int:
    """Stop reading a mail path: settings first, then the messages only it had."""
    if path in ws.settings.mail_paths:
        ws.settings.mail_paths.remove(path)
        forget_permissions(ws.settings, source_id("mail", path))
        ws.save_settings()
    return forget_mail_source(ws.store, path)


def index_mail_path(
    ws: _Workspace,
    path: str,
    *,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> MailReport:
    return index_mail(ws.store, MailPath(path), progress=progress, should_stop=should_stop)


def list_accounts(settings: Settings) -> list[ImapAccount]:
    accounts = []
    for data in settings.mail_accounts:
        try:
            accounts.append(ImapAccount.from_dict(data))
        except (KeyError, TypeError, ValueError) as e:
            raise ConfigError(
                f"A mail account in the settings file is incomplete ({e}): {data!r}",
                fix="fix or remove it: fanous accounts remove NAME",
            ) from e
    return accounts


def find_account(settings: Settings, name: str) -> ImapAccount | None:
    """By its full name (user@host:port), or user@host, or just the user when unique."""
    accounts = list_accounts(settings)
    for key in (lambda a: a.name, lambda a: f"{a.user}@{a.host}", lambda a: a.user):
        found = [a for a in accounts if key(a) == name]
        if len(found) == 1:
            return found[0]
    return None


def add_account(ws: _Workspace, account: ImapAccount, password: str) -> ImapAccount:
    """Store the password in the keyring first (so a refused keyring leaves no half
    account behind), then the account's settings."""
    if account.security not in ("ssl", "starttls"):
        raise ConfigError(
            f"Unknown security {account.security!r}",
            fix="use 'ssl' (IMAPS, usually port 993) or 'starttls' (usually port 143)",
        )
    secrets.set_secret(account.secret_name, password)
    kept = [a for a in list_accounts(ws.settings) if a.name != account.name]
    ws.settings.mail_accounts = [a.to_dict() for a in [*kept, account]]
    ws.save_settings()
    return account


def remove_account(ws: _Workspace, name: str) -> tuple[ImapAccount, int]:
    """Forget an account: settings, keyring entry and the messages only it had."""
    account = find_account(ws.settings, name)
    if account is None:
        raise ConfigError(
            f"No mail account named {name!r}", fix="see the names with: fanous accounts list"
        )
    ws.settings.mail_accounts = [
        a.to_dict() for a in list_accounts(ws.settings) if a.name != account.name
    ]
    forget_permissions(ws.settings, source_id("imap", account.root))
    ws.save_settings()
    secrets.delete_secret(account.secret_name)
    return account, forget_mail_source(ws.store, account.root)


def sync_account(
    ws: _Workspace,
    account: ImapAccount,
    *,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    timeout: float = 30.0,
) -> MailReport:
    source = ImapSource(account, _password(account), timeout=timeout)
    try:
        report = index_mail(ws.store, source, progress=progress, should_stop=should_stop)
    finally:
        source.close()
    with ws.store.atomic() as conn:
        for folder, (validity, last_uid, count) in source.folder_state.items():
            conn.execute(
                "INSERT OR REPLACE INTO mail_sync (account, folder, uidvalidity, last_uid, "
                "messages, synced_at) VALUES (?,?,?,?,?,?)",
                (account.root, folder, validity, last_uid, count, time.time()),
            )
    return report


def _password(account: ImapAccount) -> str:
    password = secrets.get_secret(account.secret_name)
    if not password:
        raise NeedsKeyError(
            f"No password for {account.name} in the keyring",
            fix=f"add it again: fanous accounts add imap --host {account.host} "
            f"--user {account.user}",
        )
    return password


def connect(account: ImapAccount, *, timeout: float = 30.0) -> imaplib.IMAP4:
    """A logged-in connection to the account (TLS verified, password from the keyring),
    for the action gate's drafts; the caller logs out."""
    return ImapSource(account, _password(account), timeout=timeout).connect()


def sync_state(store: Store, account: ImapAccount) -> list[dict[str, object]]:
    return [
        {"folder": f, "uidvalidity": v, "last_uid": u, "messages": n, "synced_at": at}
        for f, v, u, n, at in store.conn.execute(
            "SELECT folder, uidvalidity, last_uid, messages, synced_at FROM mail_sync "
            "WHERE account = ? ORDER BY folder",
            (account.root,),
        )
    ]


def sync_all(
    ws: _Workspace, *, progress: Progress | None = None
) -> list[tuple[str, MailReport | FanousError]]:
    """Every mail path and account; one failing does not stop the others."""
    results: list[tuple[str, MailReport | FanousError]] = []
    for path in ws.settings.mail_paths:
        try:
            results.append((path, index_mail_path(ws, path, progress=progress)))
        except FanousError as e:  # reported per source by the caller
            results.append((path, e))
    for account in list_accounts(ws.settings):
        try:
            results.append((account.name, sync_account(ws, account, progress=progress)))
        except FanousError as e:
            results.append((account.name, e))
    return results


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A message as indexed: its header fields and its text (header lines, body,
    attachment text), rebuilt from the stored passages so citation spans line up."""

    uri: str
    title: str
    sender: str
    to: str
    date: str
    subject: str
    text: str


def load_message(store: Store, uri: str) -> StoredMessage | None:
    """The indexed message ``uri`` (``mid:…``), from the store alone: nothing is fetched."""
    row = store.conn.execute(
        "SELECT id, title, meta FROM documents WHERE uri = ? AND source = 'mail'", (uri,)
    ).fetchone()
    if row is None:
        return None
    doc_id, title, meta_json = row
    meta = json.loads(meta_json or "{}")
    return StoredMessage(
        uri=uri,
        title=title,
        sender=", ".join(meta.get("from") or []),
        to=", ".join(meta.get("to") or []),
        date=str(meta.get("date_text") or ""),
        subject=str(meta.get("subject") or title),
        text=stored_text(store, doc_id),
    )


def stored_text(store: Store, doc_id: int) -> str:
    """An indexed document's text, rebuilt from its passages so citation spans line up."""
    parts: list[str] = []
    length = 0
    for text, start in store.conn.execute(
        "SELECT text, start FROM chunks WHERE doc_id = ? ORDER BY start, ordinal", (doc_id,)
    ):
        if start > length:  # the blank lines between passages
            parts.append("\n" * (start - length))
            length = start
        tail = text[length - start :]  # passages may overlap
        parts.append(tail)
        length += len(tail)
    return "".join(parts)
