"""Actions asked for in the chat: the tools a model is offered, and the proposals its
calls (or the user's own request) become.

Only the user's own words put an action on the table: the tools offered are the ones
the question asks for ("reply to…", "remind me…", "save … to my notes", and their
Arabic), and a call to any other tool is dropped — so a note or a mail that tells the
model to act triggers nothing. A call's arguments never choose where anything goes: a
reply goes to the sender of a message among the answer's own sources, a note to a
notes folder the user made writable, a reminder to Fanous's reminders folder; arguments
such as "to", "folder", "path" or "confirmed" are ignored and shown as ignored. Each
proposal says it came from the model; only the user's confirmation carries it out.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from agent.actions.proposal import Origin, Proposal
from agent.chat import NOTHING_FOUND
from contracts.errors import ActionRefused, FanousError

if TYPE_CHECKING:
    from agent.actions.service import Actions

__all__ = ["TOOLS", "asked_for", "offer", "proposals"]


def _tool(name: str, description: str, **fields: str) -> dict[str, Any]:
    """A tool in the JSON-schema form every engine translates: its fields are strings,
    all required, each with what the model should put there."""
    return {
        "name": name,
        "description": description,
        "parameters": {
            "type": "object",
            "properties": {k: {"type": "string", "description": d} for k, d in fields.items()},
            "required": list(fields),
        },
    }


TOOLS: dict[str, dict[str, Any]] = {
    "draft": _tool(
        "draft_reply",
        "Propose a draft reply to one of the mail messages among the passages. "
        "The user reviews it; it is saved as a draft and never sent.",
        subject="the subject of that message",
        text="the text of the reply",
    ),
    "note": _tool(
        "save_note",
        "Propose saving text as a new note in the user's notes.",
        title="a short title",
        text="the text to save",
    ),
    "reminder": _tool(
        "add_reminder",
        "Propose a reminder in the user's calendar.",
        what="what to be reminded of",
        when="the date and time, as written",
    ),
}
_KIND_OF_TOOL = {spec["name"]: kind for kind, spec in TOOLS.items()}
_ARGUMENTS = {kind: set(spec["parameters"]["properties"]) for kind, spec in TOOLS.items()}

_I = re.IGNORECASE
_ASKS = {
    "draft": re.compile(
        r"\b(reply|respond|write back|answer (her|him|them|the (mail|email|message))|draft)\b"
        r"|(^|\s)(رد|ردّ|اردد|أجب|اكتب ردا|اكتب رداً|مسودة)(\s|$)",
        _I,
    ),
    "note": re.compile(
        r"\b(save|note down|write down|add)\b.{0,40}\bnotes?\b|\bmake a note\b"
        r"|(^|\s)(احفظ|دوّن|دون|سجّل|سجل)(\s|$).{0,40}(ملاحظ|ملاحظات)",
        _I,
    ),
    "reminder": re.compile(
        r"\b(remind me|reminder|add (it |this |that )?to (my )?calendar|calendar event)\b"
        r"|(^|\s)(ذكرني|ذكّرني|تذكير|أضف (إلى|الى) التقويم)(\s|$)",
        _I,
    ),
}
_REPLY_TO = re.compile(
    r"\b(?:reply|respond|write back)\s+to\s+(?P<who>[^\s,:]+(?:\s+[A-Z][^\s,:]*)?)"
    r"(?:\s+(?:that|saying|to say)\b|\s*:)\s*(?P<what>.+)"
    r"|(?:رد|ردّ|اكتب ردا)\s+على\s+(?P<who_ar>\S+)\s+(?:بأن|أن|ب)\s*(?P<what_ar>.+)",
    _I | re.DOTALL,
)
_REMIND = re.compile(
    r"\bremind me (?:to |that |about )?(?P<what>.+)|ذكّ?رني (?:بأن |أن |ب)?\s*(?P<what_ar>.+)",
    _I | re.DOTALL,
)


def asked_for(question: str) -> set[str]:
    """The action kinds the user's own question asks for (never the passages')."""
    return {kind for kind, rx in _ASKS.items() if rx.search(question)}


def offer(question: str, engine: Any) -> list[dict[str, Any]] | None:
    """The tools to offer for this question: those it asks for, if the engine can call
    tools at all; None otherwise (the model then sees no tools)."""
    kinds = asked_for(question)
    if not kinds or not engine.capabilities.tool_calling:
        return None
    return [TOOLS[k] for k in ("draft", "note", "reminder") if k in kinds]


def _origin(answer: Any) -> Origin:
    return Origin("model", f"{answer.engine} {answer.model} (tool call)", answer.conversation_id)


def _mail_sources(answer: Any) -> list[Any]:
    return [s.hit for s in answer.sources if s.hit.uri.startswith(("mid:", "mail:"))]


def _subject_of(hit: Any) -> str:
    m = re.search(r"^Subject: (.*)$", hit.text, re.MULTILINE)
    return (m.group(1) if m else hit.title).strip()


def _pick_message(answer: Any, subject: str, who: str = "") -> Any:
    """A message among the answer's own sources, by subject (the model's choice) or by
    sender (the user's words); a message outside them cannot be named."""
    mails = _mail_sources(answer)
    want = " ".join(subject.casefold().split())
    if want:
        found = [h for h in mails if want and want in " ".join(_subject_of(h).casefold().split())]
    else:
        found = [h for h in mails if who.casefold() in h.text[:400].casefold()]
    if not found:
        raise ActionRefused(
            "The message to reply to is not among the sources of this answer",
            fix="open the message under the answer and use Draft a reply there",
        )
    return found[0]


def _from_call(actions: Actions, question: str, answer: Any, call: Any) -> Proposal:
    kind = _KIND_OF_TOOL[call.name]
    args = {k: str(v) for k, v in call.arguments.items() if k in _ARGUMENTS[kind]}
    ignored = sorted(set(call.arguments) - _ARGUMENTS[kind])
    origin = _origin(answer)
    if kind == "draft":
        hit = _pick_message(answer, args.get("subject", ""))
        proposal = actions.propose_reply(hit.uri, args.get("text", ""), origin=origin, as_is=True)
    elif kind == "note":
        folder = actions.writable_notes_folder()
        sources = [s.hit.path or s.hit.uri for s in answer.sources]
        proposal = actions.propose_note(
            folder, args.get("title", "") or question, args.get("text", ""), origin=origin,
            sources=sources,
        )  # fmt: skip
    else:
        proposal = actions.propose_reminder(
            text=args.get("what", ""), at=args.get("when") or None, origin=origin
        )
    if ignored:  # shown with the proposal: the model tried to choose more than it may
        proposal = replace(proposal, details={**proposal.details, "ignored_arguments": ignored})
    return proposal


def _from_request(actions: Actions, question: str, answer: Any, kinds: set[str]) -> list[Proposal]:
    """The user asked in plain words and the model made no call (or cannot): a reply to
    the sender they named, or a reminder from their own sentence."""
    origin = Origin("you", "chat", answer.conversation_id)
    out: list[Proposal] = []
    if "draft" in kinds and (m := _REPLY_TO.search(question)):
        who = m.group("who") or m.group("who_ar") or ""
        said = (m.group("what") or m.group("what_ar") or "").strip()
        hit = _pick_message(answer, "", who)
        wrote = answer.text.strip()  # the model's reply, written in this turn
        body = wrote if wrote and wrote != NOTHING_FOUND else said
        out.append(actions.propose_reply(hit.uri, body, origin=origin, as_is=True))
    if "reminder" in kinds and (m := _REMIND.search(question)):
        what = (m.group("what") or m.group("what_ar") or "").strip()
        out.append(actions.propose_reminder(text=what, origin=origin))
    return out


def proposals(actions: Actions, question: str, answer: Any) -> list[Proposal | FanousError]:
    """What the turn proposes: the model's calls to tools the question asked for, else
    the user's own request. A proposal that cannot be made (no permission, no date) is
    returned as the reason, so the user sees why."""
    kinds = asked_for(question)
    if not kinds:
        return []
    calls = [c for c in answer.tool_calls if _KIND_OF_TOOL.get(c.name) in kinds]
    out: list[Proposal | FanousError] = []
    for call in calls:
        try:
            out.append(_from_call(actions, question, answer, call))
        except FanousError as e:
            out.append(e)
    if calls:
        return out
    try:
        return list(_from_request(actions, question, answer, kinds))
    except FanousError as e:
        return [e]
