"""A reply to an indexed message, as a draft: the headers a mail client threads by, the
quoted original, and where the draft can go.

``In-Reply-To`` names the original, ``References`` carries its thread and the original
(RFC 5322 §3.6.4), the subject gets one ``Re:``; the body is the reply, then the original
quoted with ``>``, introduced in the thread's language. Every header value is made from
the original's headers and the user's settings, never from a message body or a model:
a body cannot add a recipient. Where it goes: the account's Drafts mailbox for IMAP, a
Maildir's ``.Drafts`` folder (flags ``D``, ``S``), or a ``Drafts`` folder of ``.eml``
files beside mail on disk — the first place holding the original that may take drafts.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import os
import re
import secrets
import socket
import time
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage

from agent.store import Store
from contracts.errors import FanousError

__all__ = [
    "Original",
    "find_original",
    "language_of",
    "reply_bytes",
    "reply_subject",
]

_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LETTER = re.compile(r"[^\W\d_]")
_CRLF = policy.default.clone(linesep="\r\n")  # as mail is stored and exchanged
_RE = re.compile(r"^\s*((re|aw|sv|antw|رد)\s*:\s*)+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Original:
    """An indexed message, as far as a reply needs it."""

    uri: str
    message_id: str | None
    subject: str
    sender: list[str]
    to: list[str]
    cc: list[str]
    date_text: str
    references: list[str]
    body: str
    places: list[tuple[str, str, str | None]]  # (source root, location, path)

    @property
    def reply_to(self) -> str:
        """The sender, the one address the reply goes to."""
        return self.sender[0] if self.sender else ""


def _clean(value: str) -> str:
    """A header value: one line, whatever the original held (no header injection)."""
    return " ".join(value.replace("\x00", " ").split())


def find_original(store: Store, ref: str) -> Original:
    """The indexed message ``ref`` names: its ``mid:`` uri, its Message-ID (with or
    without ``<>``), or a ``mail:sha-…`` uri."""
    ref = ref.strip()
    candidates = [ref]
    if not ref.startswith(("mid:", "mail:")):
        candidates.append("mid:" + ref.strip("<>"))
    row = None
    for uri in candidates:
        row = store.conn.execute(
            "SELECT uri, title, meta FROM documents WHERE uri = ? AND source = 'mail'", (uri,)
        ).fetchone()
        if row:
            break
    if row is None:
        raise FanousError(
            f"No indexed message has the id {ref!r}",
            fix="copy the id from `fanous search … --source mail --json` (its uri, mid:…)",
        )
    from agent.mail_accounts import load_message

    uri, title, meta_json = row
    stored = load_message(store, uri)
    meta = json.loads(meta_json or "{}")
    text = stored.text if stored else ""
    body = text.split("\n\n", 1)[1] if "\n\n" in text else text  # after the header block
    places = store.conn.execute(
        "SELECT root, location, path FROM mail_locations WHERE uri = ? ORDER BY root", (uri,)
    ).fetchall()
    return Original(
        uri=uri,
        message_id=meta.get("message_id"),
        subject=str(meta.get("subject") or title or ""),
        sender=list(meta.get("from") or []),
        to=list(meta.get("to") or []),
        cc=list(meta.get("cc") or []),
        date_text=str(meta.get("date_text") or ""),
        references=[str(r) for r in meta.get("references") or []],
        body=body.strip(),
        places=[(r, loc, p) for r, loc, p in places],
    )


def language_of(text: str) -> str:
    """ "ar" when most letters are Arabic, else "en" (the two languages Fanous speaks)."""
    letters = _LETTER.findall(text)
    if not letters:
        return "en"
    return "ar" if len(_ARABIC.findall(text)) / len(letters) > 0.3 else "en"


def reply_subject(subject: str) -> str:
    subject = _clean(subject)
    return f"Re: {_RE.sub('', subject).strip()}" if subject else "Re:"


def _attribution(original: Original, language: str) -> str:
    when, who = original.date_text, original.reply_to or "?"
    with contextlib.suppress(ValueError):  # a date as written stays as written
        when = datetime.fromisoformat(when).strftime("%Y-%m-%d %H:%M") if when else ""
    if language == "ar":
        return f"في {when}، كتب {who}:" if when else f"كتب {who}:"
    return f"On {when}, {who} wrote:" if when else f"{who} wrote:"


def quoted(original: Original, language: str) -> str:
    lines = [f"> {line}" if line else ">" for line in original.body.splitlines()]
    return _attribution(original, language) + "\n" + "\n".join(lines)


def reply_bytes(
    original: Original, body: str, *, sender: str, now: float | None = None
) -> tuple[bytes, str]:
    """The draft as RFC 5322 bytes (CRLF), and its Message-ID."""
    msg = EmailMessage()
    domain = sender.rpartition("@")[2].strip(">") or socket.gethostname() or "localhost"
    ident = email.utils.make_msgid(idstring=secrets.token_hex(4), domain=_clean(domain))
    msg["From"] = _clean(sender)
    msg["To"] = _clean(original.reply_to)
    msg["Subject"] = reply_subject(original.subject)
    msg["Date"] = email.utils.formatdate(time.time() if now is None else now, localtime=True)
    msg["Message-ID"] = ident
    if original.message_id:
        parent = f"<{_clean(original.message_id)}>"
        refs = [f"<{_clean(r)}>" for r in original.references if r != original.message_id]
        msg["In-Reply-To"] = parent
        msg["References"] = " ".join([*refs, parent])
    msg["X-Fanous"] = "draft, saved by Fanous on your request; never sent by Fanous"
    language = language_of(original.body or original.subject)
    text = body.strip() + "\n\n" + quoted(original, language) + "\n"
    msg.set_content(text, charset="utf-8")
    return msg.as_bytes(policy=_CRLF), ident


def sender_for(original: Original, account_user: str = "") -> str:
    """Who the draft is from: the account's address, else the address the original was
    sent to (the user's own), else nothing (the mail client fills it in)."""
    if "@" in account_user:
        return account_user
    for addr in [*original.to, *original.cc]:
        if "@" in addr:
            return addr
    return ""


def maildir_name() -> str:
    """A Maildir file name for a new draft: unique, flagged Draft and Seen."""
    host = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname() or "localhost")
    return f"{time.time_ns()}.fanous{os.getpid()}_{secrets.token_hex(4)}.{host}"
