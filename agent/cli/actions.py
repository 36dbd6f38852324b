"""Actions from the command line: each prints its proposal, asks, and only then writes.

`fanous draft reply MESSAGE_ID --say TEXT` saves a draft reply (never sends it);
`fanous note save --folder DIR --title TITLE --text TEXT` (or `--from-answer`) writes a
note; `fanous remind --text TEXT` (or `--from SOURCE`) saves a reminder. Each shows
exactly what would be written where, then asks on the terminal; `--yes` is the user's
yes given up front. `fanous actions` lists the action log (`--export FILE`), and
`fanous actions undo ID` takes an action back.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from agent.cli.common import open_workspace, print_json

__all__ = ["register"]


def _ask(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    print(question, end=" ", file=sys.stderr, flush=True)
    return input().strip().lower() in ("y", "yes")


def _carry(args: argparse.Namespace, make: Callable[[Any], Any], verb: str) -> int:
    """Make the proposal, show it, get the user's yes, carry it out."""
    from agent.actions import Actions, Confirmation

    ws = open_workspace()
    actions = Actions(ws)
    proposal = make(actions)
    shown = sys.stderr if args.json else sys.stdout
    if not args.yes:
        print(proposal.preview(), file=shown)
        print(file=shown)
    confirmation = None
    if args.yes:
        confirmation = Confirmation("--yes")
    elif _ask(f"{verb}? [y/N]"):
        confirmation = Confirmation("terminal prompt")
    entry = actions.confirm(proposal, confirmation) if confirmation else None
    if args.json:
        print_json(
            {
                "proposal": proposal.to_json(),
                "confirmed": entry is not None,
                "action": entry.to_json() if entry else None,
            }
        )
    elif entry is not None:
        print(f"Done: {proposal.summary} (action {entry.id}; undo: fanous actions undo {entry.id})")
    if entry is None:
        if sys.stdin.isatty():
            print("Nothing was written.", file=sys.stderr)
            return 0
        print("Nothing was written: confirmation needs a terminal.", file=sys.stderr)
        print("  fix: run it in a terminal, or add --yes to confirm up front", file=sys.stderr)
        return 1
    if getattr(args, "open", False):
        _open_with_default_app(os.path.join(proposal.target.root, proposal.target.rel))
    return 0


def turn_proposals(
    ws: Any, question: str, answer: Any, *, ask: bool = False
) -> list[dict[str, Any]]:
    """The actions a question asked for (``fanous ask "remind me…"``): as JSON, or with
    ``ask`` each shown on the terminal and carried out only on the user's yes."""
    from agent.actions import Actions, Confirmation, model_tools
    from contracts.errors import FanousError

    actions = Actions(ws)
    out = []
    for item in model_tools.proposals(actions, question, answer):
        if isinstance(item, FanousError):
            out.append({"refused": item.message, "fix": item.fix})
            if ask:
                print(f"\nNot proposed: {item.message}", file=sys.stderr)
                if item.fix:
                    print(f"  fix: {item.fix}", file=sys.stderr)
            continue
        out.append(item.to_json())
        if ask:
            print(f"\n--- proposed ---\n{item.preview()}\n", file=sys.stderr)
            if _ask("Carry it out? [y/N]"):
                entry = actions.confirm(item, Confirmation("terminal prompt"))
                print(f"Done: {item.summary} (undo: fanous actions undo {entry.id})")
            else:
                print("Nothing was written.", file=sys.stderr)
    return out


def _origin() -> Any:
    from agent.actions import Origin

    return Origin("you", "command line")


def cmd_draft_reply(args: argparse.Namespace) -> int:
    def make(actions: Any) -> Any:
        if not args.as_is and not args.json:
            print(f"Writing the reply with {actions.ws.engine.name}…", file=sys.stderr)
        return actions.propose_reply(args.message_id, args.say, origin=_origin(), as_is=args.as_is)

    return _carry(args, make, "Save this draft (it is not sent)")


def cmd_note_save(args: argparse.Namespace) -> int:
    from agent.actions import ActionRefused, Origin

    def make(actions: Any) -> Any:
        sources: list[str] = list(args.source or [])
        conversation = None
        if args.from_answer:
            answer = actions.last_answer()
            text, title = answer.text, args.title or answer.question
            sources += answer.sources
            conversation = answer.conversation_id
        else:
            text, title = args.text, args.title
        if not title:
            raise ActionRefused("A note needs a title", fix="--title TITLE")
        origin = Origin("you", "command line", conversation)
        if args.append:
            return actions.propose_append(args.append, title, text, origin=origin, sources=sources)
        if not args.folder:
            raise ActionRefused("Where should the note go?", fix="--folder DIR (or --append NOTE)")
        return actions.propose_note(
            args.folder, title, text, origin=origin, tags=args.tag or [], sources=sources
        )

    return _carry(args, make, "Save this note")


def cmd_remind(args: argparse.Namespace) -> int:
    def make(actions: Any) -> Any:
        return actions.propose_reminder(
            text=args.text, source=args.source, at=args.at, todo=args.todo, origin=_origin()
        )

    return _carry(args, make, "Save this reminder")


def cmd_actions(args: argparse.Namespace) -> int:
    from agent.actions import Actions
    from agent.actions import log as action_log

    ws = open_workspace()
    if args.action == "undo":
        if args.id is None:
            print("Which action? fanous actions undo ID (see the ids: fanous actions)",
                  file=sys.stderr)  # fmt: skip
            return 1
        entry = Actions(ws).undo(args.id)
        if args.json:
            print_json(entry.to_json())
        else:
            note = f" ({entry.reason})" if entry.reason else ""
            print(f"Undone: action {entry.id}, {entry.kind} {entry.target}{note}")
        return 0
    if args.export:
        n = action_log.export(ws.store, args.export)
        print(f"Wrote {n} action log rows to {args.export}")
        return 0
    rows = action_log.entries(ws.store, limit=args.limit)
    if args.json:
        print_json([r.to_json() for r in rows])
        return 0
    if not rows:
        print("No action has been carried out.")
        return 0
    for r in rows:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(r.at))
        print(
            f"{r.id:>4} {when} {r.status:<7} {r.kind:<11} {r.target} — {r.bytes} B, "
            f"{r.origin}; confirmed by {r.confirmed_by}"
        )
    return 0


def _open_with_default_app(path: str) -> None:
    """Hand a saved file (a reminder) to the desktop's default app for it."""
    try:
        if sys.platform == "win32":
            os.startfile(path)  # type: ignore[attr-defined]
            return
        opener = "open" if sys.platform == "darwin" else "xdg-open"
        subprocess.Popen(
            [opener, path], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    except OSError as e:
        print(f"warning: could not open {path} ({e.strerror}); open it yourself", file=sys.stderr)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--yes", action="store_true", help="confirm up front: do not ask")
    parser.add_argument("--json", action="store_true", help="print the proposal and result")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    draft = sub.add_parser("draft", help="save a draft reply (never sent)")
    dsub = draft.add_subparsers(dest="draft_kind", metavar="KIND", required=True)
    reply = dsub.add_parser("reply", help="a draft reply to an indexed message")
    reply.add_argument("message_id", metavar="MESSAGE_ID", help="its mid: uri or Message-ID")
    reply.add_argument("--say", required=True, metavar="TEXT", help="what the reply says")
    reply.add_argument(
        "--as-is", action="store_true", help="use TEXT as the reply's text, without the model"
    )
    _common(reply)
    reply.set_defaults(run=cmd_draft_reply)

    note = sub.add_parser("note", help="save to notes: a new note or a new section")
    nsub = note.add_subparsers(dest="note_kind", metavar="KIND", required=True)
    save = nsub.add_parser("save", help="save text or the last answer as a note")
    save.add_argument("--folder", metavar="DIR", help="a notes folder that may be written")
    save.add_argument("--title", metavar="TITLE")
    what = save.add_mutually_exclusive_group(required=True)
    what.add_argument("--text", metavar="TEXT")
    what.add_argument(
        "--from-answer", action="store_true", help="the last answer, with its sources"
    )
    save.add_argument("--append", metavar="NOTE", help="add a section to this note instead")
    save.add_argument("--tag", action="append", metavar="TAG", help="a tag (repeatable)")
    save.add_argument(
        "--source", action="append", metavar="PATH_OR_URI", help="link back to a source"
    )
    _common(save)
    save.set_defaults(run=cmd_note_save)

    remind = sub.add_parser("remind", help="save a reminder (.ics) from text or a note/mail")
    which = remind.add_mutually_exclusive_group(required=True)
    which.add_argument("--text", metavar="TEXT", help='e.g. "Call the dentist tomorrow at 10"')
    which.add_argument(
        "--from", dest="source", metavar="SOURCE", help="an indexed note's path or a mid: uri"
    )
    remind.add_argument("--at", metavar="WHEN", help='when, if not in the text: "friday 9:00"')
    remind.add_argument("--todo", action="store_true", help="a to-do (VTODO), not an event")
    remind.add_argument(
        "--open", action="store_true", help="then open it in the default calendar app"
    )
    _common(remind)
    remind.set_defaults(run=cmd_remind)

    log = sub.add_parser("actions", help="the action log: every action carried out; undo")
    log.add_argument("action", nargs="?", choices=["list", "undo"], default="list")
    log.add_argument("id", nargs="?", type=int, metavar="ID", help="the action to undo")
    log.add_argument("--limit", type=int, default=50)
    log.add_argument("--export", metavar="FILE", help="write all rows as CSV (or .json)")
    log.add_argument("--json", action="store_true")
    log.set_defaults(run=cmd_actions)
