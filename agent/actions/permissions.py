"""The one lookup of write permissions: may this source hold what an action writes?

Every source may be read; writing needs the source's own permission, which only the user
sets (Settings › Privacy, ``fanous sources …``): "may write drafts" on a mail path or an
IMAP account, "may write notes" on a notes folder. Fanous's own reminders folder needs
none. Nothing a note, a mail or a model says can change these: they live in the settings.
"""

from __future__ import annotations

from agent.actions.proposal import Right
from agent.config import Settings

__all__ = ["may_write"]


def may_write(settings: Settings, right: Right, place: str) -> bool:
    """Whether ``place`` — a folder or file path (judged by what it resolves to), or an
    IMAP account's ``imap://`` root — may receive a write needing ``right``."""
    return right == "reminders"  # per-source write permissions arrive with the sources scheme
