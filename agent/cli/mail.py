"""Mail subcommands: accounts (add imap / list / remove), sync; and the mail half of
``fanous index --mail PATH`` (the option lives with ``index`` in agent/cli/core.py)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from typing import Any

from agent.cli.common import ProgressLine, embed_passages, open_workspace, print_json
from contracts.errors import ConfigError

__all__ = ["index_mail_paths", "register"]


def _report_json(name: str, r: Any) -> dict[str, Any]:
    return {
        "root": name,
        "scanned": r.scanned,
        "added": r.added,
        "updated": r.updated,
        "unchanged": r.unchanged,
        "duplicates": r.duplicates,
        "removed": r.removed,
        "errors": [{"path": p, "reason": why} for p, why in r.errors],
        "warnings": [{"path": p, "reason": why} for p, why in r.warnings],
        "seconds": round(r.seconds, 3),
    }


def _print_report(name: str, r: Any) -> None:
    print(f"{name}: {r.summary()}", file=sys.stderr)
    problems = [("!", p, why) for p, why in r.errors] + [("~", p, why) for p, why in r.warnings]
    for mark, path, reason in problems[:20]:
        print(f"  {mark} {path}: {reason}", file=sys.stderr)
    if len(problems) > 20:
        print(f"  … and {len(problems) - 20} more", file=sys.stderr)


def index_mail_paths(ws: Any, paths: Sequence[str], *, as_json: bool) -> int:
    """Add each path (mbox, Maildir, .eml or a folder of them) and index it."""
    from agent.mail_accounts import add_mail_path, index_mail_path

    out = []
    for path in paths:
        root = add_mail_path(ws, path)
        bar = ProgressLine("Indexing mail", unit="messages")
        try:
            report = index_mail_path(ws, root, progress=bar)
        finally:
            bar.close()
        out.append(_report_json(root, report))
        if not as_json:
            _print_report(root, report)
    if as_json:
        print_json(out)
    return 0


def _read_password(prompt: str) -> str:
    if sys.stdin.isatty():
        password = getpass.getpass(prompt)
    else:  # scripts pipe it in: the first line, without its newline
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise ConfigError("No password given", fix="type it at the prompt or pipe it on stdin")
    return password


def cmd_accounts_add_imap(args: argparse.Namespace) -> int:
    from agent import secrets
    from agent.mail_accounts import ImapAccount, add_account
    from connectors.mail.imap import ImapSource

    security = args.security or ("starttls" if args.port == 143 else "ssl")
    port = args.port or (143 if security == "starttls" else 993)
    account = ImapAccount(
        host=args.host,
        user=args.user,
        port=port,
        security=security,
        folders=args.folder or ["INBOX"],
        trusted_cert=args.trust_cert or "",
    )
    ws = open_workspace()
    secrets.check_backend()  # before asking for a password we could not keep
    password = _read_password(f"IMAP password for {account.user}@{account.host}: ")
    if not args.no_check:  # log in first: a wrong password must not replace a right one
        source = ImapSource(account, password, timeout=20)
        try:
            source.connect()
        finally:
            source.close()
    add_account(ws, account, password)
    if args.json:
        print_json({"added": account.name, **account.to_dict()})
    else:
        checked = "" if args.no_check else " (login checked)"
        print(f"Added {account.name}{checked}; the password is in the keyring.")
        print("Index its mail with: fanous sync", file=sys.stderr)
    return 0


def cmd_accounts_list(args: argparse.Namespace) -> int:
    from agent import secrets
    from agent.mail_accounts import list_accounts, sync_state

    ws = open_workspace()
    rows: list[dict[str, Any]] = []
    for a in list_accounts(ws.settings):
        rows.append(
            {
                "name": a.name,
                **a.to_dict(),
                "password_in_keyring": secrets.get_secret(a.secret_name) is not None,
                "folders_synced": sync_state(ws.store, a),
            }
        )
    if args.json:
        print_json({"accounts": rows, "mail_paths": ws.settings.mail_paths})
        return 0
    if not rows and not ws.settings.mail_paths:
        print("No mail sources yet: fanous accounts add imap --host HOST --user USER")
    for r in rows:
        key = "password in keyring" if r["password_in_keyring"] else "NO PASSWORD in keyring"
        trusted = f", trusts {r['trusted_cert']}" if r["trusted_cert"] else ""
        print(f"{r['name']}  [{r['security']}{trusted}; {key}]  folders: {', '.join(r['folders'])}")
        for f in r["folders_synced"]:
            print(f"    {f['folder']}: {f['messages']} messages, UIDVALIDITY {f['uidvalidity']}")
    for path in ws.settings.mail_paths:
        print(f"{path}  [on disk]")
    return 0


def cmd_accounts_remove(args: argparse.Namespace) -> int:
    from agent.mail_accounts import remove_account

    ws = open_workspace()
    account, removed = remove_account(ws, args.name)
    if args.json:
        print_json({"removed": account.name, "messages_removed": removed})
    else:
        print(f"Removed {account.name}, its keyring entry and {removed} messages only it had.")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from agent.mail_accounts import find_account, sync_account, sync_all

    ws = open_workspace()
    bar = ProgressLine("Syncing mail", unit="messages")
    try:
        if args.account:
            account = find_account(ws.settings, args.account)
            if account is None:
                raise ConfigError(
                    f"No mail account named {args.account!r}",
                    fix="see the names with: fanous accounts list",
                )
            results: list[tuple[str, Any]] = [(account.name, sync_account(ws, account))]
        else:
            results = sync_all(ws, progress=bar)
    finally:
        bar.close()
    if results and not args.no_embed:
        embed_passages(ws, quiet=args.json)  # the same resumable step as `fanous index`
    if not results:
        print("No mail sources yet: fanous index --mail PATH or fanous accounts add imap")
        return 1
    failed = [(name, r) for name, r in results if isinstance(r, Exception)]
    if args.json:
        print_json(
            [
                {"root": name, "error": str(r)}
                if isinstance(r, Exception)
                else _report_json(name, r)
                for name, r in results
            ]
        )
    else:
        for name, r in results:
            if isinstance(r, Exception):
                print(f"{name}: error: {r}", file=sys.stderr)
            else:
                _print_report(name, r)
    return 1 if failed else 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    accounts = sub.add_parser("accounts", help="mail accounts: add imap, list, remove")
    asub = accounts.add_subparsers(dest="accounts_command", metavar="ACTION", required=True)
    add = asub.add_parser("add", help="add an account")
    kinds = add.add_subparsers(dest="kind", metavar="KIND", required=True)
    imap = kinds.add_parser("imap", help="an IMAP account (password read from a prompt or stdin)")
    imap.add_argument("--host", required=True)
    imap.add_argument("--user", required=True)
    imap.add_argument("--port", type=int, help="default 993 (ssl) or 143 (starttls)")
    imap.add_argument("--security", choices=["ssl", "starttls"], help="default ssl")
    imap.add_argument(
        "--folder",
        action="append",
        metavar="NAME",
        help="a folder to index (repeatable; default INBOX; '*' for all)",
    )
    imap.add_argument(
        "--trust-cert", metavar="PEM", help="trust this certificate (a self-signed server)"
    )
    imap.add_argument("--no-check", action="store_true", help="do not try to log in now")
    imap.add_argument("--json", action="store_true")
    imap.set_defaults(run=cmd_accounts_add_imap)

    lst = asub.add_parser("list", help="list mail accounts and paths")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(run=cmd_accounts_list)

    rm = asub.add_parser("remove", help="remove an account, its password and its messages")
    rm.add_argument("name", help="user@host:port (or user@host) as `accounts list` shows")
    rm.add_argument("--json", action="store_true")
    rm.set_defaults(run=cmd_accounts_remove)

    sync = sub.add_parser("sync", help="bring every mail path and account up to date")
    sync.add_argument("account", nargs="?", help="only this account")
    sync.add_argument("--no-embed", action="store_true", help="skip embedding new passages")
    sync.add_argument("--json", action="store_true")
    sync.set_defaults(run=cmd_sync)
