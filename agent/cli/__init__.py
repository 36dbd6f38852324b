"""The `fanous` command line (the `fanous` entry point is ``desktop.launcher``, which adds
the hidden packaging check and opens the app when no command is given; the core never
imports the window).

Each command group lives in its own module with a ``register(subparsers)`` function;
every subcommand that answers has ``--json`` so scripts and other tools can use Fanous.
Errors print what happened and what to do, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from agent import __version__
from agent.cli import actions, cloud, core, mail, models, monitor, sources
from agent.cli.common import SafeOutput, close_workspaces
from contracts.errors import explain

__all__ = ["build_parser", "main"]

# Each is a module with ``register(subparsers)``.
COMMAND_GROUPS: list[ModuleType] = [core, models, mail, cloud, sources, actions, monitor]


def build_parser(extra: Sequence[ModuleType] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fanous",
        description="A private AI agent for your notes. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"fanous {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in [*COMMAND_GROUPS, *extra]:
        group.register(sub)
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    open_app: Callable[[], int] | None = None,
    extra: Sequence[ModuleType] = (),
) -> int:
    """Run one command. With none, ``open_app`` (given by the launcher) opens the app;
    without it, the usage is printed."""
    # Every printer's output goes through one filter: names, notes and mail headers may
    # carry terminal escapes (ESC[2J, ESC]0;…BEL) that must never reach it raw.
    out, err = sys.stdout, sys.stderr
    sys.stdout = out if isinstance(out, SafeOutput) else SafeOutput(out)
    sys.stderr = err if isinstance(err, SafeOutput) else SafeOutput(err)
    try:
        return _main(argv, open_app, extra)
    finally:
        sys.stdout, sys.stderr = out, err


def _main(
    argv: Sequence[str] | None,
    open_app: Callable[[], int] | None,
    extra: Sequence[ModuleType],
) -> int:
    parser = build_parser(extra)
    args = parser.parse_args(argv)
    if args.command is None:
        if open_app is not None:
            return open_app()
        parser.print_help(sys.stderr)
        return 2
    try:
        try:
            run: Callable[[argparse.Namespace], int] = args.run
            return run(args)
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
