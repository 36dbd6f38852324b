"""Write ``corpus/mail/inbox.mbox`` from the messages in ``mail_threads.py``,
``mail_arabic.py`` and ``mail_notices.py``.

    .venv/bin/python tests/bench/answer_quality/make_mail.py

The output is deterministic (fixed dates, boundaries and ``From`` lines), so the committed
mbox can be checked against a fresh build. Replies quote their parent in full, the way
mail clients do, so an older value stays in the quoted text of every later message.
"""

from __future__ import annotations

import mailbox
import sys
import textwrap
import time
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import default
from email.utils import format_datetime, parseaddr
from pathlib import Path

HERE = Path(__file__).resolve().parent
MBOX = HERE / "corpus" / "mail" / "inbox.mbox"

__all__ = ["MBOX", "Mail", "build", "write_mbox"]


@dataclass(frozen=True)
class Mail:
    """One message. ``text`` is what the sender typed (a reply's quote is added by
    ``build``); ``html`` alone makes an HTML-only message, with ``text`` a
    multipart/alternative one."""

    mid: str
    date: str  # "2024-03-04 09:12 +0100"
    sender: str
    to: str
    subject: str | None = None  # None: "Re: " + the parent's subject
    text: str = ""
    html: str = ""
    parent: str | None = None  # Message-ID (without <>) of the message this answers
    cc: str = ""
    cte: str | None = None  # None: the email package picks 7bit/8bit/quoted-printable
    signature: str = ""
    attribution: str = "en"  # how the quote is introduced: "en" or "ar"
    top_post: bool = True  # the new text above the quote (False: below, no quote)


def _wrap(text: str, width: int = 72) -> str:
    """Wrap paragraphs the way a mail client sends them; lists and short lines stay."""
    out: list[str] = []
    for line in text.strip("\n").split("\n"):
        if len(line) <= width or line.startswith((">", "|")):
            out.append(line)
        else:
            indent = "  " if line.lstrip().startswith(("- ", "* ")) or line[:2].isdigit() else ""
            out.extend(textwrap.wrap(line, width, subsequent_indent=indent))
    return "\n".join(out)


def _when(mail: Mail) -> datetime:
    return datetime.strptime(mail.date, "%Y-%m-%d %H:%M %z")


def _attribution(parent: Mail, style: str) -> str:
    name, addr = parseaddr(parent.sender)
    when = _when(parent)
    if style == "ar":
        return f"في {when:%d/%m/%Y} الساعة {when:%H:%M}، كتب {name} <{addr}>:"
    return f"On {when:%a, %d %b %Y} at {when:%H:%M}, {name} <{addr}> wrote:"


def _plain(mail: Mail, by_id: dict[str, Mail]) -> str:
    """The full plain text of ``mail``: its text, signature and the quoted parent."""
    body = _wrap(mail.text)
    if mail.signature:
        body += "\n\n-- \n" + mail.signature.strip("\n")
    if mail.parent and mail.top_post:
        parent = by_id[mail.parent]
        quoted = _plain(parent, by_id) if parent.text else ""
        if quoted:
            lines = [
                ("> " + ln) if ln and not ln.startswith(">") else (">" + ln)
                for ln in quoted.split("\n")
            ]
            body += "\n\n" + _attribution(parent, mail.attribution) + "\n" + "\n".join(lines)
    return body + "\n"


def _subject(mail: Mail, by_id: dict[str, Mail]) -> str:
    if mail.subject is not None:
        return mail.subject
    parent = by_id[mail.parent] if mail.parent else None
    base = _subject(parent, by_id) if parent else ""
    prefix = "رد: " if mail.attribution == "ar" else "Re: "
    return base if base.startswith(("Re: ", "رد: ")) else prefix + base


def _references(mail: Mail, by_id: dict[str, Mail]) -> list[str]:
    if not mail.parent:
        return []
    return [*_references(by_id[mail.parent], by_id), mail.parent]


def build(mail: Mail, by_id: dict[str, Mail]) -> EmailMessage:
    msg = EmailMessage(policy=default)
    msg["From"] = mail.sender
    msg["To"] = mail.to
    if mail.cc:
        msg["Cc"] = mail.cc
    msg["Subject"] = _subject(mail, by_id)
    msg["Date"] = format_datetime(_when(mail))
    msg["Message-ID"] = f"<{mail.mid}>"
    refs = _references(mail, by_id)
    if refs:
        msg["In-Reply-To"] = f"<{refs[-1]}>"
        msg["References"] = " ".join(f"<{r}>" for r in refs)
    if mail.text:
        msg.set_content(_plain(mail, by_id), charset="utf-8", cte=mail.cte)
        if mail.html:
            msg.add_alternative(
                mail.html.strip() + "\n", subtype="html", charset="utf-8", cte="quoted-printable"
            )
            msg.set_boundary(f"=_alt_{mail.mid.split('@')[0]}")
    else:
        msg.set_content(
            mail.html.strip() + "\n",
            subtype="html",
            charset="utf-8",
            cte=mail.cte or "quoted-printable",
        )
    return msg


def messages() -> list[Mail]:
    sys.path.insert(0, str(HERE))
    import mail_arabic
    import mail_notices
    import mail_threads

    everything = [*mail_threads.MAILS, *mail_arabic.MAILS, *mail_notices.MAILS]
    return sorted(everything, key=_when)


def write_mbox(path: Path) -> int:
    """Write every message to an mbox at ``path`` (replaced); return how many."""
    mails = messages()
    by_id = {m.mid: m for m in mails}
    if len(by_id) != len(mails):
        raise ValueError("two messages share a Message-ID")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    box = mailbox.mbox(path, create=True)
    try:
        for mail in mails:
            msg = build(mail, by_id)
            # The mbox "From " line; set here rather than through mboxMessage, which
            # deep-copies every message.
            sent = time.asctime(_when(mail).utctimetuple())
            msg.set_unixfrom(f"From {parseaddr(mail.sender)[1]} {sent}")
            box.add(msg)
        box.flush()
    finally:
        box.close()
    return len(mails)


if __name__ == "__main__":
    print(f"{write_mbox(MBOX)} messages -> {MBOX.relative_to(HERE.parents[2])}")
