"""The `fanous` command. No arguments launches the desktop app.

Each command group lives in its own module with a ``register(subparsers)`` function;
every subcommand that answers has ``--json`` so scripts and other tools can use Fanous.
Errors print what happened and what to do, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from agent import __version__
from agent.cli import cloud, core, mail, models, package, sources
from agent.cli.common import close_workspaces
from contracts.errors import explain

__all__ = ["main"]

COMMAND_GROUPS = [core, models, package, mail, cloud, sources]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fanous",
        description="A private AI agent for your notes. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"fanous {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        if _no_display():
            print("error: there is no graphical display to open the app on", file=sys.stderr)
            print(
                "  fix: start Fanous from your desktop session, or use it from the "
                "command line (fanous --help)",
                file=sys.stderr,
            )
            return 1
        from desktop.app import main as launch

        return launch()
    try:
        try:
            return args.run(args)
        finally:
            close_workspaces()
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # a full disk deep in a library is still the user's to fix
        error = explain(e)
        if error is None:
            raise
        print(f"error: {error.message}", file=sys.stderr)
        if error.fix:
            print(f"  fix: {error.fix}", file=sys.stderr)
        return 1


def _no_display() -> bool:
    """On Linux without X11, Wayland or an explicit Qt platform, Qt would abort."""
    return sys.platform.startswith("linux") and not any(
        os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    )
