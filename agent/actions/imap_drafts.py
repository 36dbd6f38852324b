"""Saving a draft to an IMAP account's Drafts mailbox, and taking it back.

The Drafts mailbox is found by its RFC 6154 special-use flag ``\\Drafts`` (asked for with
``LIST (SPECIAL-USE)`` where the server has the SPECIAL-USE capability, read from a plain
``LIST`` otherwise), else by the name set on the account. The draft goes in with
``APPEND`` and the ``\\Draft`` flag; its UID comes back in RFC 4315's ``APPENDUID``, and
undo removes exactly that UID with ``UID EXPUNGE`` (never a plain EXPUNGE, which would
also remove other messages someone marked deleted). Nothing here sends mail: IMAP only
stores it, and Fanous has no SMTP code at all.
"""

from __future__ import annotations

import imaplib
import re
import time
from dataclasses import dataclass

from agent.mail_accounts import decode_folder, quote_folder
from contracts.errors import ActionRefused, ConnectorError

__all__ = ["DraftsMailbox", "SavedDraft", "append_draft", "find_drafts", "remove_draft"]

_LIST_LINE = re.compile(rb'\((?P<flags>[^)]*)\) (?:"[^"]*"|NIL) (?P<name>.+)$')
_APPENDUID = re.compile(rb"\[APPENDUID (\d+) (\d+)\]", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DraftsMailbox:
    name: str
    how: str  # "special-use \\Drafts" or "the name set on the account"


@dataclass(frozen=True, slots=True)
class SavedDraft:
    mailbox: str
    uidvalidity: int
    uid: int


def capabilities(conn: imaplib.IMAP4) -> set[str]:
    """What the server can do once logged in (the greeting lists less: UIDPLUS and
    SPECIAL-USE usually appear only after login)."""
    try:
        typ, data = conn.capability()
    except imaplib.IMAP4.error:
        return set(conn.capabilities)
    words = data[0].decode("ascii", "replace").upper().split() if typ == "OK" and data else []
    return set(words) | set(conn.capabilities)


def _list(conn: imaplib.IMAP4, *, special_only: bool) -> list[tuple[str, list[str]]]:
    """(name, flags in lower case) of the mailboxes: all of them, or those with a
    special use (``LIST (SPECIAL-USE)``, RFC 6154)."""
    selection = '(SPECIAL-USE) ""' if special_only else '""'
    try:
        typ, data = conn.list(selection, '"*"')
    except imaplib.IMAP4.error as e:
        raise ConnectorError(f"The server could not list its mailboxes: {e}") from e
    out = []
    for line in data if typ == "OK" else []:
        m = _LIST_LINE.match(line) if isinstance(line, bytes) else None
        if m:
            raw = m.group("name").decode("utf-8", "replace").strip().strip('"')
            flags = m.group("flags").decode("ascii", "replace").lower().split()
            out.append((decode_folder(raw), flags))
    return out


def find_drafts(conn: imaplib.IMAP4, configured: str = "") -> DraftsMailbox:
    """The account's Drafts mailbox: by ``\\Drafts`` first, else the configured name.
    A server without SPECIAL-USE may still flag it in a plain LIST (many do)."""
    special = "SPECIAL-USE" in capabilities(conn)
    boxes = _list(conn, special_only=special)
    for name, flags in boxes:
        if "\\drafts" in flags:
            return DraftsMailbox(name, "special-use \\Drafts")
    if configured:
        everything = _list(conn, special_only=False) if special else boxes
        if any(name == configured for name, _ in everything):
            return DraftsMailbox(configured, "the name set on the account")
    raise ActionRefused(
        "The mail account has no mailbox marked as Drafts (RFC 6154 \\Drafts)"
        + (f" and none named {configured!r}" if configured else ""),
        fix="create a Drafts folder in your mail app, or name the one to use: "
        "fanous accounts add imap … --drafts-folder NAME",
    )


def append_draft(conn: imaplib.IMAP4, mailbox: str, data: bytes) -> SavedDraft:
    """Store ``data`` in ``mailbox`` flagged ``\\Draft`` (and ``\\Seen``: it is ours)."""
    try:
        typ, resp = conn.append(
            quote_folder(mailbox), r"(\Seen \Draft)", imaplib.Time2Internaldate(time.time()), data
        )
    except imaplib.IMAP4.error as e:
        raise ConnectorError(
            f"The server refused to store the draft in {mailbox!r}: {e}",
            fix="check that the account may write to that mailbox",
        ) from e
    if typ != "OK":
        raise ConnectorError(f"The server refused to store the draft in {mailbox!r}: {resp}")
    text = b" ".join(r for r in resp if isinstance(r, bytes))
    m = _APPENDUID.search(text)
    if m is None:  # no UIDPLUS: find it by its Message-ID
        return SavedDraft(mailbox, *_find_uid(conn, mailbox, data))
    return SavedDraft(mailbox, int(m.group(1)), int(m.group(2)))


def _message_id(data: bytes) -> str:
    m = re.search(rb"^Message-ID:\s*(<[^>\r\n]+>)", data, re.IGNORECASE | re.MULTILINE)
    return m.group(1).decode("ascii", "replace") if m else ""


def _select(conn: imaplib.IMAP4, mailbox: str) -> int:
    typ, data = conn.select(quote_folder(mailbox))
    if typ != "OK":
        raise ConnectorError(f"The mailbox {mailbox!r} cannot be opened: {data}")
    _, value = conn.response("UIDVALIDITY")
    return int(value[0]) if value and value[0] else 0


def _find_uid(conn: imaplib.IMAP4, mailbox: str, data: bytes) -> tuple[int, int]:
    validity = _select(conn, mailbox)
    ident = _message_id(data)
    typ, found = conn.uid("SEARCH", "HEADER", "Message-ID", f'"{ident}"')
    uids = [int(u) for u in (found[0] or b"").split()] if typ == "OK" and found else []
    if not uids:
        raise ConnectorError(f"The draft was stored in {mailbox!r} but cannot be found again")
    return validity, max(uids)


def remove_draft(conn: imaplib.IMAP4, saved: SavedDraft, message_id: str) -> bool:
    """Undo: expunge exactly the draft Fanous stored. False when it is already gone.
    Refused when the mailbox was recreated (UIDVALIDITY changed), the UID now holds
    another message, or the server cannot expunge one UID alone (no UIDPLUS)."""
    if "UIDPLUS" not in capabilities(conn):
        raise ActionRefused(
            "This IMAP server cannot delete one message alone (no UIDPLUS)",
            fix="delete the draft in your mail app",
        )
    if _select(conn, saved.mailbox) != saved.uidvalidity:
        raise ActionRefused(
            f"The mailbox {saved.mailbox!r} was recreated since the draft was saved",
            fix="delete the draft in your mail app",
        )
    typ, data = conn.uid("FETCH", str(saved.uid), "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
    parts = [p for p in data if isinstance(p, tuple)] if typ == "OK" and data else []
    if not parts:
        return False
    if message_id and message_id.encode() not in parts[0][1]:
        raise ActionRefused(
            f"UID {saved.uid} in {saved.mailbox!r} is not the draft Fanous saved",
            fix="delete the draft in your mail app",
        )
    conn.uid("STORE", str(saved.uid), "+FLAGS.SILENT", r"(\Deleted)")
    typ, data = conn.uid("EXPUNGE", str(saved.uid))
    if typ != "OK":
        raise ConnectorError(f"The server did not remove the draft: {data}")
    return True
