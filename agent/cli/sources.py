"""`fanous sources`: every place Fanous reads from, by id, and what each may do.

`fanous sources list` shows notes folders, mail paths, IMAP accounts and their folders
with their ids, counts and permissions; `fanous sources remove ID|PATH` forgets a source
and its documents; `fanous sources never-send ID|PATH on|off` keeps a source's passages
on this machine (any kind, an IMAP folder too); `fanous sources write-drafts ID|PATH on|off`
(a mail path or account) and `write-notes ID|PATH on|off` (a notes folder) let actions
write there — drafts and notes, each confirmed by you.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from agent.cli.common import open_workspace, print_json
from contracts.errors import ConfigError

__all__ = ["register"]

_KIND_LABEL = {
    "notes": "notes folder",
    "mail": "mail path",
    "imap": "IMAP account",
    "imap-folder": "IMAP folder",
}


def _counts(store: Any, source: Any) -> dict[str, int]:
    conn = store.conn
    if source.kind == "notes":
        docs = conn.execute(
            "SELECT count(*) FROM documents WHERE root = ?", (source.location,)
        ).fetchone()[0]
    elif source.kind == "imap-folder":
        prefix = source.location + "/"
        docs = conn.execute(
            "SELECT count(DISTINCT uri) FROM mail_locations WHERE root = ? AND location >= ? "
            "AND location < ?",
            (source.location.rsplit("/", 1)[0], prefix, prefix[:-1] + "0"),
        ).fetchone()[0]
    else:
        docs = conn.execute(
            "SELECT count(DISTINCT uri) FROM mail_locations WHERE root = ?", (source.location,)
        ).fetchone()[0]
    root = source.location.rsplit("/", 1)[0] if source.kind == "imap-folder" else source.location
    problems = conn.execute("SELECT count(*) FROM index_errors WHERE root = ?", (root,)).fetchone()
    return {"documents": docs, "problems": problems[0] if source.kind != "imap-folder" else 0}


def _find(ws: Any, text: str) -> Any:
    from agent.sources import find_source

    source = find_source(ws.settings, text, ws.store)
    if source is None:
        raise ConfigError(
            f"No source {text!r}", fix="see the ids and paths with: fanous sources list"
        )
    return source


def cmd_list(args: argparse.Namespace) -> int:
    from agent.sources import SourcePolicy, all_sources

    ws = open_workspace()
    policy = SourcePolicy(ws.settings)
    rows: list[dict[str, Any]] = []
    for s in all_sources(ws.settings, ws.store):
        rows.append(
            {
                "id": s.id,
                "kind": s.kind,
                "location": s.label,
                "parent": s.parent or None,
                **_counts(ws.store, s),
                "permissions": policy.permissions(s.id).to_json(),
            }
        )
    paths = list(ws.settings.never_send_sources)
    if args.json:
        print_json({"sources": rows, "never_send_paths": paths})
        return 0
    if not rows:
        print("No sources yet: fanous index --notes DIR, fanous index --mail PATH, or "
              "fanous accounts add imap")  # fmt: skip
    for r in rows:
        perms = r["permissions"]
        flags = [name.replace("_", "-") for name in ("never_send", "write_drafts",
                                                     "write_notes") if perms[name]]  # fmt: skip
        indent = "    " if r["parent"] else ""
        problems = f", {r['problems']} could not be read" if r["problems"] else ""
        print(
            f"{indent}{r['id']}  {_KIND_LABEL[r['kind']]}  {r['location']}  "
            f"[{r['documents']} documents{problems}; {', '.join(['read', *flags])}]"
        )
    if paths:
        print("Never sent, by path:")
        for path in paths:
            print(f"  {path}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from agent.mail_accounts import remove_account, remove_mail_path

    ws = open_workspace()
    source = _find(ws, args.source)
    if source.kind == "notes":
        removed = ws.remove_notes_folder(source.location)
    elif source.kind == "mail":
        removed = remove_mail_path(ws, source.location)
    elif source.kind == "imap":
        _, removed = remove_account(ws, source.label)
    else:
        account = source.label.rsplit("/", 1)[0]
        raise ConfigError(
            f"{source.label} is a folder of the account {account}",
            fix=f"add the account again without it (fanous accounts add imap --folder …), "
            f"or mark it never-send: fanous sources never-send {source.id} on",
        )
    if args.json:
        print_json({"removed": source.id, "location": source.label, "documents": removed})
    else:
        print(f"Removed {source.label} ({source.id}) and {removed} documents only it had.")
    return 0


def cmd_never_send(args: argparse.Namespace) -> int:
    from agent.sources import SourcePolicy, set_permission

    ws = open_workspace()
    source = _find(ws, args.source)
    set_permission(ws.settings, source.id, "never_send", args.state == "on")
    ws.save_settings()
    perms = SourcePolicy(ws.settings).permissions(source.id)
    if args.json:
        print_json({"id": source.id, "location": source.label, **perms.to_json()})
    elif perms.never_send:
        print(f"{source.label} ({source.id}): never sent to the cloud.")
    else:
        print(f"{source.label} ({source.id}): may be sent, minimised, when cloud escalation is on.")
    if args.state == "off" and perms.never_send:  # its account still says never-send
        print(f"  its account is never-send: fanous sources never-send {source.parent} off",
              file=sys.stderr)  # fmt: skip
    return 0


_WRITES = {
    "write-drafts": ("write_drafts", ("mail", "imap")),
    "write-notes": ("write_notes", ("notes",)),
}


def cmd_write(args: argparse.Namespace) -> int:
    """write-drafts / write-notes: what actions may write in a source."""
    from agent.sources import SourcePolicy, set_permission

    name, kinds = _WRITES[args.sources_command]
    ws = open_workspace()
    source = _find(ws, args.source)
    if source.kind not in kinds:
        what = "a mail path or an IMAP account" if name == "write_drafts" else "a notes folder"
        raise ConfigError(
            f"{source.label} is {_KIND_LABEL[source.kind]}: only {what} can {args.sources_command}",
            fix="see the sources and their kinds with: fanous sources list",
        )
    set_permission(ws.settings, source.id, name, args.state == "on")
    ws.save_settings()
    perms = SourcePolicy(ws.settings).permissions(source.id)
    if args.json:
        print_json({"id": source.id, "location": source.label, **perms.to_json()})
        return 0
    what = "save drafts (never send)" if name == "write_drafts" else "write notes"
    allowed = getattr(perms, name)
    print(f"{source.label} ({source.id}): Fanous {'may' if allowed else 'may not'} {what} here"
          + (", each confirmed by you." if allowed else "; it only reads it."))  # fmt: skip
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sources = sub.add_parser(
        "sources", help="notes folders, mail paths and accounts: ids, counts, permissions"
    )
    ssub = sources.add_subparsers(dest="sources_command", metavar="ACTION", required=True)
    lst = ssub.add_parser("list", help="every source with its id, counts and permissions")
    lst.add_argument("--json", action="store_true", help="print machine-readable JSON")
    lst.set_defaults(run=cmd_list)

    rm = ssub.add_parser("remove", help="forget a notes folder, mail path or account")
    rm.add_argument("source", metavar="ID|PATH", help="an id from `fanous sources list`, or a path")
    rm.add_argument("--json", action="store_true")
    rm.set_defaults(run=cmd_remove)

    ns = ssub.add_parser("never-send", help="keep a source's passages on this machine")
    ns.add_argument(
        "source", metavar="ID|PATH", help="an id, a path, user@host[:port] or user@host/FOLDER"
    )
    ns.add_argument("state", choices=["on", "off"])
    ns.add_argument("--json", action="store_true")
    ns.set_defaults(run=cmd_never_send)

    for command, (name, _kinds) in _WRITES.items():
        what = "mail path or account: drafts" if name == "write_drafts" else "notes folder: notes"
        w = ssub.add_parser(command, help=f"let actions write to a {what} (confirmed each time)")
        w.add_argument("source", metavar="ID|PATH", help="an id, a path, or user@host[:port]")
        w.add_argument("state", choices=["on", "off"])
        w.add_argument("--json", action="store_true")
        w.set_defaults(run=cmd_write)
