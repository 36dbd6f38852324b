"""Agent actions: draft a reply, save a note, add a reminder — proposed, confirmed by the
user, written through one permission gate, logged, undoable, and never sent.

``Actions(workspace)`` makes proposals and carries out confirmed ones; ``Gate`` is the
one place that writes to a user's folder or mailbox; ``log`` is the action log.
"""

from __future__ import annotations

from agent.actions.gate import Gate
from agent.actions.log import ActionEntry
from agent.actions.proposal import Confirmation, Origin, Proposal, Target
from agent.actions.service import Actions, AnswerRef
from contracts.errors import ActionRefused

__all__ = [
    "ActionEntry",
    "ActionRefused",
    "Actions",
    "AnswerRef",
    "Confirmation",
    "Gate",
    "Origin",
    "Proposal",
    "Target",
]
