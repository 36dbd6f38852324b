"""The one lookup of write permissions: may this place receive what an action writes?

Every source may be read; writing needs the source's own permission, which only the user
sets (Settings › Privacy, ``fanous sources write-drafts|write-notes``): "may write drafts"
on a mail path or an IMAP account, "may write notes" on a notes folder. Permissions are
the sources' records (``agent.sources``), looked up by what a path resolves to — every
source holding it must allow the write. Fanous's own reminders folder needs none.
Nothing a note, a mail or a model says can change these: they live in the settings.
"""

from __future__ import annotations

from agent.actions.proposal import Right
from agent.config import Settings
from agent.sources import SourcePolicy, source_id

__all__ = ["may_write"]


def may_write(settings: Settings, right: Right, place: str) -> bool:
    """Whether ``place`` — a folder or file path (judged by what it resolves to), or an
    IMAP account's ``imap://`` root — may receive a write needing ``right``."""
    if right == "reminders":
        return True
    policy = SourcePolicy(settings)
    if place.startswith("imap://"):
        return right == "drafts" and policy.permissions(source_id("imap", place)).write_drafts
    allowed = policy.for_path(place)
    return allowed.write_notes if right == "notes" else allowed.write_drafts
