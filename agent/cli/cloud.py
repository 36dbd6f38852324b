"""Cloud escalation from the command line: keys, the on/off switch, the egress ledger.

`fanous keys set|remove|list PROVIDER` keeps API keys in the OS keyring (read from a
hidden prompt, or stdin when it is not a terminal; never printed or logged).
`fanous cloud on|off|status` flips the same setting as the app's toggle.
`fanous ledger` lists every request that left the machine; `--export FILE` writes it,
and the turn log beside it (FILE.turns.csv: how each turn went, never its text).
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from agent.cli.common import open_workspace, print_json
from agent.engines.cloud import PROVIDERS

if TYPE_CHECKING:
    from agent.privacy.outbound import Outbound
    from agent.workspace import Workspace

__all__ = ["confirm_on_terminal", "register"]


def _read_key(provider: str) -> str:
    label = PROVIDERS[provider].label
    if sys.stdin.isatty():
        return getpass.getpass(f"API key for {label} (input hidden): ").strip()
    return sys.stdin.readline().strip()


def cmd_keys(args: argparse.Namespace) -> int:
    from agent import secrets

    if args.action == "set":
        if not args.provider:
            print("Which provider? fanous keys set openai", file=sys.stderr)
            return 1
        key = _read_key(args.provider)
        if not key:
            print("No key given: nothing stored.", file=sys.stderr)
            return 1
        secrets.set_secret(args.provider, key)
        del key
        print(f"Stored the {PROVIDERS[args.provider].label} key in the keyring.")
        return 0
    if args.action == "remove":
        if not args.provider:
            print("Which provider? fanous keys remove openai", file=sys.stderr)
            return 1
        removed = secrets.delete_secret(args.provider)
        print(
            f"Removed the {PROVIDERS[args.provider].label} key."
            if removed
            else f"There was no {PROVIDERS[args.provider].label} key."
        )
        return 0
    names = [args.provider] if args.provider else list(PROVIDERS)
    rows = [{"provider": n, "key": secrets.get_secret(n) is not None} for n in names]
    if args.json:
        print_json(rows)
    else:
        for row in rows:
            print(f"  {row['provider']:<11} {'key set' if row['key'] else '-'}")
    return 0


def _status(ws: Workspace) -> dict[str, object]:
    from agent import secrets
    from agent.privacy.ledger import month_spend
    from contracts.errors import FanousError

    s = ws.settings
    provider = PROVIDERS.get(s.cloud_provider)
    try:
        has_key: bool | None = secrets.get_secret(s.cloud_provider) is not None
    except FanousError:
        has_key = None
    return {
        "escalation": s.cloud_escalation,
        "offline": s.offline,
        "provider": s.cloud_provider,
        "model": s.cloud_model or (provider.model if provider else ""),
        "base_url": s.cloud_base_url or (provider.base_url if provider else ""),
        "key": has_key,
        "confirm_each_escalation": s.confirm_each_escalation,
        "monthly_budget_usd": s.monthly_budget_usd,
        "escalation_threshold": s.escalation_threshold,
        "spent_this_month_usd": round(month_spend(ws.store), 6),
        "never_send_sources": list(s.never_send_sources),
    }


def cmd_cloud(args: argparse.Namespace) -> int:
    ws = open_workspace()
    s = ws.settings
    if args.action in ("on", "off"):
        if args.base_url:  # refused before anything is saved
            from agent.privacy.guard import check_base_url

            check_base_url(args.base_url)
        s.cloud_escalation = args.action == "on"
        if args.action == "on":
            s.offline = False
        for attr in ("provider", "model", "base_url", "budget", "confirm", "threshold"):
            value = getattr(args, attr, None)
            if value is not None:
                name = {"provider": "cloud_provider", "model": "cloud_model",
                        "base_url": "cloud_base_url", "budget": "monthly_budget_usd",
                        "confirm": "confirm_each_escalation",
                        "threshold": "escalation_threshold"}[attr]  # fmt: skip
                setattr(s, name, value)
        ws.save_settings()
    status = _status(ws)
    if args.json:
        print_json(status)
        return 0
    if not status["escalation"] or status["offline"]:
        print("Cloud escalation: off — nothing leaves this machine.")
    else:
        print("Cloud escalation: on — hard tasks may go to the cloud, redacted and logged.")
    print(f"  provider: {status['provider']} ({status['model']} at {status['base_url']})")
    key = {True: "in the keyring", False: "missing", None: "keyring unavailable"}
    print(f"  key: {key[status['key']]}")  # type: ignore[index]
    print(
        f"  budget: ${status['spent_this_month_usd']:.4f} of "
        f"${status['monthly_budget_usd']:.2f} this month"
    )
    print(f"  confirm each escalation: {'yes' if status['confirm_each_escalation'] else 'no'}")
    print(f"  escalation threshold: {status['escalation_threshold']:.2f} (lower sends more)")
    if status["escalation"] and status["key"] is False:
        print(f"  fix: add a key with `fanous keys set {status['provider']}`", file=sys.stderr)
    if s.cloud_base_url:  # an older settings file may hold a plain http:// address
        from agent.privacy.guard import check_base_url
        from contracts.errors import ConfigError

        try:
            check_base_url(s.cloud_base_url)
        except ConfigError as e:
            print(f"  error: {e.message}\n  fix: {e.fix}", file=sys.stderr)
            return 1
    return 0


def cmd_ledger(args: argparse.Namespace) -> int:
    from agent import turn_log
    from agent.privacy.ledger import entries, export

    ws = open_workspace()
    if args.export:
        n = export(ws.store, args.export)
        print(f"Wrote {n} ledger rows to {args.export}")
        turns = turn_log_path(args.export)
        n = turn_log.export(ws.store, turns)
        print(f"Wrote {n} turn log rows to {turns}")
        return 0
    rows = entries(ws.store, limit=args.limit)
    if args.json:
        print_json([r.to_json() for r in rows])
        return 0
    if not rows:
        print("Nothing has left this machine.")
        return 0
    for r in rows:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(r.at))
        tokens = f"{r.prompt_tokens or 0}+{r.completion_tokens or 0} tok"
        print(
            f"{when} {r.status:<8} {r.provider}/{r.model} → {r.host}: sent {r.bytes_sent} B, "
            f"got {r.bytes_received} B, {r.redactions} redacted, {tokens}, ${r.cost_usd:.5f}"
        )
    return 0


def turn_log_path(ledger: str) -> Path:
    """Where the turn log goes beside an exported ledger: ledger.csv -> ledger.turns.csv."""
    path = Path(ledger)
    return path.with_name(f"{path.stem}.turns{path.suffix or '.csv'}")


def confirm_on_terminal(outbound: Outbound) -> bool:
    """The CLI's confirm-each-escalation: show exactly what will be sent, ask y/N."""
    if not sys.stdin.isatty():
        print("Not sending to the cloud: confirmation needs a terminal.", file=sys.stderr)
        return False
    print("\n--- this would be sent to the cloud ---", file=sys.stderr)
    print(outbound.preview(), file=sys.stderr)
    print(f"--- {outbound.bytes} bytes, {outbound.redactions} values redacted ---", file=sys.stderr)
    return input("Send it? [y/N] ").strip().lower() in ("y", "yes")


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number from 0 to 1")
    return value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = sub.add_parser("keys", help="add, replace, remove or list cloud API keys (keyring)")
    keys.add_argument("action", choices=["set", "remove", "list"])
    keys.add_argument("provider", nargs="?", choices=list(PROVIDERS), metavar="PROVIDER")
    keys.add_argument("--json", action="store_true")
    keys.set_defaults(run=cmd_keys)

    cloud = sub.add_parser("cloud", help="turn cloud escalation on or off, or show its state")
    cloud.add_argument("action", choices=["on", "off", "status"])
    cloud.add_argument("--provider", choices=list(PROVIDERS))
    cloud.add_argument("--model")
    cloud.add_argument("--base-url", dest="base_url")
    cloud.add_argument("--budget", type=float, help="monthly budget in USD")
    cloud.add_argument(
        "--confirm", action=argparse.BooleanOptionalAction, default=None,
        help="show and confirm each escalation before it is sent",
    )  # fmt: skip
    cloud.add_argument(
        "--threshold", type=_threshold, metavar="0-1",
        help="how eager the router is: a task goes to the cloud when its score reaches this "
        "(lower sends more; default 0.5)",
    )  # fmt: skip
    cloud.add_argument("--json", action="store_true")
    cloud.set_defaults(run=cmd_cloud)

    ledger = sub.add_parser("ledger", help="every request that left this machine")
    ledger.add_argument("--limit", type=int, default=50)
    ledger.add_argument("--export", metavar="FILE", help="write all rows as CSV (or .json)")
    ledger.add_argument("--json", action="store_true")
    ledger.set_defaults(run=cmd_ledger)
