"""The one gate every action's write passes through.

``Gate.carry_out(proposal, confirmation)`` checks the source's permission (looked up by
``agent.actions.permissions``), confines the target (a resolved folder, a plain relative
path, no link on the way), records the action in the log *before* a byte is written, then
writes and completes the log row with what undo needs. ``Gate.undo`` takes an action back
exactly. Nothing else in Fanous writes to a user's folder or mailbox, and nothing in it
sends mail.
"""

from __future__ import annotations

import contextlib
import imaplib
import os
import time
from collections.abc import Callable
from dataclasses import asdict

from agent.actions import confine
from agent.actions import log as action_log
from agent.actions.confine import Appended
from agent.actions.imap_drafts import SavedDraft, append_draft, remove_draft
from agent.actions.permissions import may_write
from agent.actions.proposal import Confirmation, Proposal, Right, Target
from agent.config import Settings
from agent.store import Store
from contracts.errors import ActionRefused

__all__ = ["ActionRefused", "Gate", "ImapConnect", "PermissionCheck", "logout", "not_permitted"]

PermissionCheck = Callable[[Settings, Right, str], bool]
ImapConnect = Callable[[str], imaplib.IMAP4]  # an account's root -> a logged-in connection

_RIGHT_OF_KIND: dict[str, Right] = {
    "draft": "drafts",
    "note": "notes",
    "note_append": "notes",
    "reminder": "reminders",
}
_PERMISSION_NAMES = {"drafts": "write_drafts", "notes": "write_notes"}


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def not_permitted(right: Right, source: str) -> ActionRefused:
    what = {"drafts": "save drafts", "notes": "write notes"}.get(right, "write")
    switch = _PERMISSION_NAMES.get(right, right).replace("_", "-")
    return ActionRefused(
        f"{source} is not allowed to {what}: Fanous only reads it",
        fix=f"if you want Fanous to {what} there, allow it in Settings › Privacy or with "
        f"`fanous sources {switch} SOURCE on`",
    )


class Gate:
    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        reminders_root: str,
        connect_imap: ImapConnect | None = None,
        permission: PermissionCheck = may_write,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.settings = settings
        self.reminders_root = os.path.realpath(reminders_root)
        self._connect_imap = connect_imap
        self._permission = permission
        self._clock = clock

    # -- checks --------------------------------------------------------------------------

    def check(self, proposal: Proposal) -> None:
        """Raise ``ActionRefused`` unless this proposal may be carried out now: called
        when it is made (so a refused one is never shown as possible) and again when it
        is confirmed (permissions may have changed, folders may have moved)."""
        t = proposal.target
        if _RIGHT_OF_KIND.get(proposal.kind) != t.right:
            raise ActionRefused(f"A {proposal.title} cannot be written as {t.right}")
        self.check_target(t)

    def check_target(self, t: Target) -> None:
        if t.right == "reminders":
            if os.path.realpath(t.root) != self.reminders_root or t.root != self.reminders_root:
                raise ActionRefused(
                    f"Reminders are saved only in {self.reminders_root}, not in {t.root}"
                )
        elif not self._permission(self.settings, t.right, t.root):  # where it is written
            raise not_permitted(t.right, t.source)
        if t.is_imap:
            if t.root != t.source or not t.rel:
                raise ActionRefused(f"A draft for {t.source} can only go to that account")
            return
        if os.path.realpath(t.root) != t.root or not os.path.isdir(t.root):
            raise ActionRefused(
                f"{t.root} is not a folder Fanous may write to (it is missing or a link)",
                fix="choose the folder itself, not a link to it",
            )
        if t.right != "reminders" and not _inside(t.root, os.path.realpath(t.source)):
            raise ActionRefused(f"{t.root} is outside {t.source}")
        confine.check_relative(t.rel)

    # -- doing ---------------------------------------------------------------------------

    def carry_out(self, proposal: Proposal, confirmation: Confirmation) -> action_log.ActionEntry:
        """Write what the user confirmed. The log row goes in first: if it cannot be
        recorded (a full disk), nothing is written."""
        if not isinstance(confirmation, Confirmation):
            raise TypeError("an action needs the user's Confirmation")
        self.check(proposal)
        t = proposal.target
        planned = self._planned_undo(proposal)
        row = action_log.record(
            self.store,
            action_log.ActionEntry(
                at=self._clock(),
                kind=proposal.kind,
                source=t.source,
                target=t.label,
                bytes=len(proposal.data),
                origin=proposal.origin.describe(),
                conversation_id=proposal.origin.conversation_id,
                confirmed_by=confirmation.describe(),
                undo=planned,
            ),
        )
        try:
            undo = self._write(proposal, planned)
        except Exception as e:
            action_log.finish(self.store, row, status="failed", reason=str(e), undo={})
            raise
        return action_log.finish(self.store, row, status="done", undo=undo)

    @staticmethod
    def _planned_undo(p: Proposal) -> dict[str, object]:
        t = p.target
        if t.is_imap:
            return {"imap": {"account": t.root, "mailbox": t.rel}}
        if p.kind == "note_append":
            return {"append": {"root": t.root, "rel": t.rel}}
        return {"file": {"root": t.root, "rel": t.rel, "sha256": p.sha256}}

    def _write(self, p: Proposal, undo: dict[str, object]) -> dict[str, object]:
        t = p.target
        if t.is_imap:
            conn = self._imap(t.root)
            try:
                saved = append_draft(conn, t.rel, p.data)
            finally:
                logout(conn)
            return {"imap": {"account": t.root, **asdict(saved), **_ident(p)}}
        if p.kind == "note_append":
            done = confine.append_file(t.root, t.rel, p.data, expect_sha256=p.expect_sha256)
            return {"append": {"root": t.root, "rel": t.rel, **asdict(done)}}
        made = confine.make_dirs(t.root, list(p.details.get("make_dirs", [])))
        try:
            confine.create_file(t.root, t.rel, p.data, staging=p.details.get("staging"))
        except BaseException:
            confine.remove_dirs(t.root, made)
            raise
        return {**undo, "dirs": made}

    def _imap(self, account: str) -> imaplib.IMAP4:
        if self._connect_imap is None:
            raise ActionRefused(f"No connection to {account} is set up")
        return self._connect_imap(account)

    # -- undo ----------------------------------------------------------------------------

    def undo(self, action_id: int) -> action_log.ActionEntry:
        """Take an action back exactly: the draft's UID expunged, the new file removed,
        the note cut back to its old bytes and time. Refused when the target changed
        since (your edits are never lost) or the permission was withdrawn."""
        entry = action_log.get(self.store, action_id)
        if entry is None:
            raise ActionRefused(
                f"There is no action {action_id}", fix="see them with: fanous actions"
            )
        if entry.status == "undone":
            raise ActionRefused(f"Action {action_id} was already undone")
        if not entry.undoable:
            raise ActionRefused(
                f"Action {action_id} cannot be undone (it {entry.status}"
                + (f": {entry.reason})" if entry.reason else ")")
            )
        right = _RIGHT_OF_KIND[entry.kind]
        where = next(iter(entry.undo.values()))  # the file's folder, or the account
        place = str(where.get("account") or where.get("root"))
        if right != "reminders" and not self._permission(self.settings, right, place):
            raise not_permitted(right, entry.source)
        reason = self._take_back(entry.undo)
        return action_log.finish(
            self.store, action_id, status="undone", undone_at=self._clock(), reason=reason
        )

    def _take_back(self, undo: dict[str, object]) -> str:
        if "imap" in undo:
            info = dict(undo["imap"])  # type: ignore[call-overload]
            saved = SavedDraft(str(info["mailbox"]), int(info["uidvalidity"]), int(info["uid"]))
            conn = self._imap(str(info["account"]))
            try:
                gone = remove_draft(conn, saved, str(info.get("message_id", "")))
            finally:
                logout(conn)
            return "" if gone else "the draft was already deleted"
        if "append" in undo:
            info = dict(undo["append"])  # type: ignore[call-overload]
            root, rel = str(info.pop("root")), str(info.pop("rel"))
            confine.truncate_back(root, rel, Appended(**info))
            return ""
        info = dict(undo["file"])  # type: ignore[call-overload]
        root, rel = str(info["root"]), str(info["rel"])
        if confine.file_sha256(root, rel) is None:
            reason = "the file was already deleted"
        else:
            confine.remove_file(root, rel, str(info["sha256"]))
            reason = ""
        confine.remove_dirs(root, list(undo.get("dirs", [])))  # type: ignore[call-overload]
        return reason


def _ident(p: Proposal) -> dict[str, str]:
    ident = p.details.get("message_id")
    return {"message_id": str(ident)} if ident else {}


def logout(conn: imaplib.IMAP4) -> None:
    # LOGOUT, never CLOSE: CLOSE would expunge every message someone marked deleted.
    with contextlib.suppress(imaplib.IMAP4.error, OSError):
        conn.logout()
