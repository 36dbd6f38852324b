"""A proposal: exactly what an action would write, where, and who asked for it.

Proposals are made by the user's own commands (the CLI, the window's buttons) or by a
model's tool call; either way nothing happens until the user confirms one. A proposal is
frozen: the bytes shown are the bytes written, and the gate checks the target again when
it is confirmed.
"""

from __future__ import annotations

import getpass
import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Confirmation", "Kind", "Origin", "Proposal", "Right", "Target"]

Kind = Literal["draft", "note", "note_append", "reminder"]
# The permission a write needs: a mail source that may hold drafts, a notes folder that
# may be written, or Fanous's own reminders folder (always allowed, still logged).
Right = Literal["drafts", "notes", "reminders"]

KIND_NAMES: dict[str, str] = {
    "draft": "draft reply",
    "note": "new note",
    "note_append": "section added to a note",
    "reminder": "reminder",
}


@dataclass(frozen=True, slots=True)
class Origin:
    """Who proposed an action: the user (by a command, a button, a request in the chat)
    or a model's tool call, which is shown as such so the user reads it twice."""

    proposer: Literal["you", "model"]
    via: str  # "command line", "window", "ollama llama3.2 (tool call)"
    conversation_id: int | None = None  # the turn it came from

    def describe(self) -> str:
        if self.proposer == "model":
            return f"proposed by the model {self.via}: check it before you confirm"
        return f"asked for by you ({self.via})"


@dataclass(frozen=True, slots=True)
class Target:
    """Where the bytes go. ``root`` is a folder (resolved, symlinks and all) and ``rel`` a
    plain relative path under it; for IMAP, ``root`` is the account and ``rel`` the
    mailbox. ``source`` is what the permission is looked up for."""

    right: Right
    source: str  # a notes folder or mail path, or an IMAP account's root
    root: str
    rel: str
    label: str  # the exact place, for people

    @property
    def is_imap(self) -> bool:
        return self.root.startswith("imap://")


@dataclass(frozen=True, slots=True)
class Proposal:
    kind: Kind
    target: Target
    data: bytes  # exactly what will be written
    summary: str  # one line: what and where
    text: str  # what a person reads: the note, the message with its headers, the event
    origin: Origin
    # The file as it was when an append was proposed: a file changed since is refused.
    expect_sha256: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def title(self) -> str:
        return KIND_NAMES[self.kind]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "summary": self.summary,
            "target": self.target.label,
            "source": self.target.source,
            "bytes": len(self.data),
            "sha256": self.sha256,
            "origin": {
                "proposer": self.origin.proposer,
                "via": self.origin.via,
                "conversation_id": self.origin.conversation_id,
            },
            "text": self.text,
            "details": self.details,
        }

    def preview(self) -> str:
        """What the terminal and the confirmation dialog show, in full."""
        return (
            f"{self.title}: {self.summary}\n"
            f"where: {self.target.label}\n"
            f"origin: {self.origin.describe()}\n"
            f"size: {len(self.data):,} bytes\n\n{self.text}"
        )


@dataclass(frozen=True, slots=True)
class Confirmation:
    """The user's yes: who said it and how. Only the CLI's prompt or ``--yes`` and the
    window's dialog make one; nothing read from a note, a mail or a model can."""

    how: Literal["terminal prompt", "--yes", "window dialog"]
    who: str = field(default_factory=lambda: _user())

    def describe(self) -> str:
        return f"{self.who} ({self.how})"


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (a container): still the local user
        return "you"
