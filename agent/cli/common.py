"""Helpers every `fanous` subcommand shares: JSON output, progress, the workspace."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from agent.workspace import Workspace, setup_logging

__all__ = ["ProgressLine", "close_workspaces", "open_workspace", "print_json", "warn"]


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def warn(text: str) -> None:
    """Something the user should know that did not stop the command."""
    print(f"warning: {text}", file=sys.stderr)


class ProgressLine:
    """A one-line progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.live = sys.stderr.isatty()

    def __call__(self, done: int, total: int, path: str) -> None:
        if not self.live or (done % 25 and done != total):
            return
        width = 30
        filled = width * done // total if total else width
        name = os.path.basename(path)[:40]
        sys.stderr.write(
            f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name:<40}"
        )
        sys.stderr.flush()

    def close(self) -> None:
        if self.live:
            sys.stderr.write("\r\033[K")


_OPEN: list[Workspace] = []


def open_workspace() -> Workspace:
    ws = Workspace()
    ws.embed_threads = os.cpu_count() or 1  # the user waits on the command: use the machine
    setup_logging(ws.paths)
    _OPEN.append(ws)
    return ws


def close_workspaces() -> None:
    """At the end of a command: the database checkpointed, the model freed if so set."""
    while _OPEN:
        _OPEN.pop().close()
