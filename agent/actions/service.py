"""Actions for one Fanous home: make proposals, carry out confirmed ones, undo them.

The CLI and the window both use ``Actions(workspace)``. Making a proposal reads the index
(and, for an IMAP draft, lists the account's mailboxes once the account may take drafts)
but writes nothing; ``confirm`` hands it to the gate, then indexes a written note at once.
"""

from __future__ import annotations

import email
import imaplib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from email import policy
from typing import TYPE_CHECKING, Any

from agent import conversations
from agent.actions import drafts, log
from agent.actions.gate import Gate, ImapConnect, PermissionCheck, logout, not_permitted
from agent.actions.imap_drafts import find_drafts
from agent.actions.notes import append_proposal, note_proposal, notes_source_of
from agent.actions.permissions import may_write
from agent.actions.proposal import Confirmation, Origin, Proposal, Target
from agent.actions.reminders import reminder_proposal
from agent.actions.when import Moment, find_moments, local_zone
from agent.index.search import Hit
from agent.mail_accounts import ImapAccount, connect, list_accounts, stored_text

if TYPE_CHECKING:
    from agent.config import Settings
    from agent.workspace import Workspace
from contracts.errors import ActionRefused, FanousError

__all__ = ["Actions", "AnswerRef"]


@dataclass(frozen=True, slots=True)
class AnswerRef:
    """An answer to save: its text, its question, the sources it cited, its turn."""

    question: str
    text: str
    sources: list[str] = field(default_factory=list)  # paths or uris
    conversation_id: int | None = None


class Actions:
    def __init__(
        self,
        workspace: Workspace,
        *,
        permission: PermissionCheck = may_write,
        connect_imap: ImapConnect | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.ws = workspace
        self._permission = permission
        self._connect_imap = connect_imap or self._imap_login
        self._clock = clock

    # -- shared ----------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self.ws.settings

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), local_zone(self.settings.time_zone))

    @property
    def reminders_root(self) -> str:
        folder = self.settings.reminders_folder or str(self.ws.paths.data_dir / "reminders")
        os.makedirs(folder, mode=0o700, exist_ok=True)  # Fanous's own folder
        return os.path.realpath(folder)

    @property
    def gate(self) -> Gate:
        return Gate(
            self.ws.store,
            self.settings,
            reminders_root=self.reminders_root,
            connect_imap=self._connect_imap,
            permission=self._permission,
            clock=self._clock,
        )

    def _checked(self, proposal: Proposal) -> Proposal:
        self.gate.check(proposal)  # a proposal that could not be carried out is not made
        return proposal

    # -- notes -----------------------------------------------------------------------

    def propose_note(
        self,
        folder: str,
        title: str,
        text: str,
        *,
        origin: Origin,
        tags: Sequence[str] = (),
        sources: Sequence[str] = (),
    ) -> Proposal:
        return self._checked(
            note_proposal(
                self.settings.notes_folders,
                folder,
                title,
                text,
                origin=origin,
                now=self.now(),
                tags=tags,
                sources=sources,
            )
        )

    def propose_append(
        self, note: str, title: str, text: str, *, origin: Origin, sources: Sequence[str] = ()
    ) -> Proposal:
        return self._checked(
            append_proposal(
                self.settings.notes_folders,
                note,
                title,
                text,
                origin=origin,
                now=self.now(),
                sources=sources,
            )
        )

    def writable_notes_folder(self) -> str:
        """The first notes folder the user made writable: where the model's notes go."""
        for folder in self.settings.notes_folders:
            if self._permission(self.settings, "notes", os.path.realpath(folder)):
                return folder
        raise ActionRefused(
            "No notes folder may be written",
            fix="allow one in Settings › Privacy or with `fanous sources write-notes FOLDER on`",
        )

    def last_answer(self) -> AnswerRef:
        """The newest answer in the history, with the sources it cited."""
        for summary in conversations.list_conversations(self.ws.store, limit=20):
            messages = conversations.load_messages(self.ws.store, summary.id)
            for n in range(len(messages) - 1, -1, -1):
                m = messages[n]
                if m.role == "assistant" and m.content.strip():
                    asked = messages[n - 1] if n else None
                    question = asked.content if asked and asked.role == "user" else ""
                    links = [str(s.get("path") or s.get("uri")) for s in m.sources]
                    return AnswerRef(question, m.content, links, summary.id)
        raise FanousError("There is no answer to save yet", fix='ask first: fanous ask "…"')

    # -- drafts ----------------------------------------------------------------------

    def _accounts(self) -> dict[str, ImapAccount]:
        return {a.root: a for a in list_accounts(self.settings)}

    def _imap_login(self, root: str) -> imaplib.IMAP4:
        account = self._accounts().get(root)
        if account is None:
            raise ActionRefused(f"{root} is not one of your mail accounts")
        return connect(account)

    def draft_target(self, original: drafts.Original) -> tuple[Target, dict[str, Any], str]:
        """Where a reply to ``original`` goes: the first place holding it that may take
        drafts — an IMAP account before mail on disk. Returns the target, the write's
        details (folders to make, staging) and the account user (for From)."""
        accounts = self._accounts()
        places = sorted(original.places, key=lambda p: not p[0].startswith("imap://"))
        refused: list[str] = []
        for root, _location, _path in places:
            if root in accounts:
                if not self._permission(self.settings, "drafts", root):
                    refused.append(accounts[root].name)
                    continue
                account = accounts[root]
                conn = self._connect_imap(root)
                try:
                    box = find_drafts(conn, account.drafts_folder)
                finally:
                    logout(conn)
                label = f"{account.name} › {box.name} (found by {box.how})"
                return Target("drafts", root, root, box.name, label), {}, account.user
            if root.startswith("imap://") or not os.path.isdir(root):
                continue  # an account no longer set up, or a single mbox/.eml file
            if not self._permission(self.settings, "drafts", root):
                refused.append(root)
                continue
            return (*self._disk_target(root), "")
        if refused:
            raise not_permitted("drafts", " and ".join(refused))
        raise ActionRefused(
            "The message is only in places that cannot hold a draft (a single mbox or .eml file)",
            fix="add the folder that holds it (a Maildir or a folder of .eml files) as a mail "
            "path, or the IMAP account, and allow drafts there",
        )

    @staticmethod
    def _disk_target(root: str) -> tuple[Target, dict[str, Any]]:
        root = os.path.realpath(root)
        if os.path.isdir(os.path.join(root, "cur")) or os.path.isdir(os.path.join(root, "new")):
            name = drafts.maildir_name()
            folders = [".Drafts", ".Drafts/cur", ".Drafts/new", ".Drafts/tmp"]
            rel = f".Drafts/cur/{name}:2,DS"
            details = {"make_dirs": folders, "staging": f".Drafts/tmp/{name}"}
            label = f"{os.path.join(root, rel)} (the Maildir's Drafts, flags Draft and Seen)"
        else:
            rel = f"Drafts/{drafts.maildir_name()}.eml"
            details = {"make_dirs": ["Drafts"]}
            label = os.path.join(root, rel)
        return Target("drafts", root, root, rel, label), details

    def propose_reply(
        self,
        ref: str,
        say: str,
        *,
        origin: Origin,
        as_is: bool = False,
        on_token: Callable[[str], None] | None = None,
    ) -> Proposal:
        """A draft reply to the indexed message ``ref`` saying ``say`` — written by the
        current route (local unless the usual rules send it to the cloud), or exactly
        ``say`` with ``as_is``."""
        if not say.strip():
            raise ActionRefused("Say what the reply should say", fix='--say "…"')
        original = drafts.find_original(self.ws.store, ref)
        target, details, account_user = self.draft_target(original)  # refused: no model run
        body = say.strip()
        if not as_is:
            body, cid = self._compose(original, say, on_token)
            origin = Origin(origin.proposer, origin.via, origin.conversation_id or cid)
        sender = drafts.sender_for(original, account_user)
        data, ident = drafts.reply_bytes(original, body, sender=sender, now=self._clock())
        text = data.decode("utf-8", "replace").replace("\r\n", "\n")
        return self._checked(
            Proposal(
                kind="draft",
                target=target,
                data=data,
                summary=f"a draft reply to {original.reply_to or 'the sender'}: "
                f"{drafts.reply_subject(original.subject)}",
                text=_readable(text),
                origin=origin,
                details={**details, "message_id": ident, "in_reply_to": original.uri},
            )
        )

    def _compose(
        self, original: drafts.Original, say: str, on_token: Callable[[str], None] | None
    ) -> tuple[str, int | None]:
        row = self.ws.store.conn.execute(
            "SELECT id, path FROM documents WHERE uri = ?", (original.uri,)
        ).fetchone()
        text = original.body[:3000]
        hit = Hit(
            chunk_id=0, doc_id=row[0], source="mail", uri=original.uri, path=row[1],
            title=original.subject, heading_path="", text=text, start=0, end=len(text),
            score=1.0,
        )  # fmt: skip
        language = "Arabic" if drafts.language_of(original.body) == "ar" else "English"
        question = (
            f"Write a short reply to the message [1] from {original.reply_to}. "
            f"The reply must say: {' '.join(say.split())}. Write only the reply itself, in "
            f"{language}, without a subject line."
        )
        answer = self.ws.ask(question, hits=[hit], on_token=on_token)
        if not answer.text.strip():
            raise ActionRefused(
                "The model wrote no reply", fix="try again, or save your words as they are"
            )
        return answer.text.strip(), answer.conversation_id

    # -- reminders -------------------------------------------------------------------

    def source_text(self, source: str) -> tuple[str, str, str]:
        """(title, text, uri) of an indexed note or message, by path or uri. Only what is
        in the index is read: a file outside the chosen folders is refused."""
        keys = [source, f"mid:{source.strip('<>')}"]
        if not source.startswith(("mid:", "mail:")):
            keys.append(os.path.realpath(source))
        row = None
        for key in keys:
            row = self.ws.store.conn.execute(
                "SELECT id, title, uri FROM documents WHERE uri = ? OR path = ? LIMIT 1",
                (key, key),
            ).fetchone()
            if row:
                break
        if row is None:
            raise FanousError(
                f"{source} is not in the index",
                fix="give a note or message Fanous has indexed (its path, or its mid: uri)",
            )
        return row[1], stored_text(self.ws.store, row[0]), row[2]

    def propose_reminder(
        self,
        *,
        origin: Origin,
        text: str | None = None,
        source: str | None = None,
        at: str | None = None,
        todo: bool = False,
    ) -> Proposal:
        """A reminder from ``text`` ("Call the dentist tomorrow at 10") or from the first
        upcoming date and time in ``source``; ``at`` sets the moment ("friday 9:00")."""
        now = self.now()
        description = ""
        if source:
            title, body, uri = self.source_text(source)
            description = f"From {title} ({uri})"
        elif text and text.strip():
            title, body = "", text
        else:
            raise ActionRefused("Say what to be reminded of", fix='--text "…" or --from NOTE')
        chosen = _moment(at, now) if at else _upcoming(find_moments(body, now), now)
        if chosen is None:
            raise ActionRefused(
                "No date or time found" + (f" in {source}" if source else " in the text"),
                fix='say when: e.g. --at "tomorrow 9:00"',
            )
        if source:
            summary = chosen.sentence if not at else (title or chosen.sentence)
        else:
            summary = _without(body, chosen) if not at else body
        return self._checked(
            reminder_proposal(
                self.reminders_root,
                summary,
                chosen,
                origin=origin,
                now=now,
                description=description,
                todo=todo,
            )
        )

    # -- doing -----------------------------------------------------------------------

    def confirm(self, proposal: Proposal, confirmation: Confirmation) -> log.ActionEntry:
        """Carry out a proposal the user confirmed; a note is indexed at once."""
        entry = self.gate.carry_out(proposal, confirmation)
        self._reindex(proposal.target)
        return entry

    def undo(self, action_id: int) -> log.ActionEntry:
        entry = self.gate.undo(action_id)
        where: Any = next(iter(entry.undo.values()), {})
        if entry.kind in ("note", "note_append") and isinstance(where, dict):
            self._reindex(Target("notes", entry.source, str(where.get("root")), "", ""))
        return entry

    def _reindex(self, target: Target) -> None:
        if target.right != "notes":
            return
        try:
            folder = notes_source_of(self.settings.notes_folders, target.root)
            self.ws.index_notes(folder)
        except FanousError:
            pass  # the note is written; the next index run picks it up

    def entries(self, limit: int | None = None) -> list[log.ActionEntry]:
        return log.entries(self.ws.store, limit=limit)


def _readable(message: str) -> str:
    """A draft as people read it: the headers, then the body decoded."""
    msg = email.message_from_string(message, policy=policy.default)
    heads = [f"{k}: {v}" for k, v in msg.items() if k.lower() not in ("content-transfer-encoding",)]
    body = msg.get_body(("plain",))
    return "\n".join(heads) + "\n\n" + (body.get_content() if body else "")


def _moment(at: str, now: datetime) -> Moment | None:
    found = find_moments(at, now)
    return found[0] if found else None


def _upcoming(moments: list[Moment], now: datetime) -> Moment | None:
    """The first moment not already past."""
    for m in moments:
        start = m.start
        if isinstance(start, datetime) and start >= now:
            return m
        if not isinstance(start, datetime) and isinstance(start, date) and start >= now.date():
            return m
    return None


def _without(text: str, moment: Moment) -> str:
    """The text with the words that said when taken out: "Call mum tomorrow at 6 pm" ->
    "Call mum"."""
    s, e = moment.span
    rest = (text[:s] + " " + text[e:]).strip()
    for tail in (" at", " on", " في", " يوم"):
        if rest.lower().endswith(tail):
            rest = rest[: -len(tail)]
    return " ".join(rest.split()).strip(" ,.-") or moment.sentence
