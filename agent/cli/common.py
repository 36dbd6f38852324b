"""Helpers every `fanous` subcommand shares: JSON output, progress, the workspace."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from agent.workspace import Workspace, setup_logging
from contracts.errors import FanousError

__all__ = [
    "ProgressLine",
    "close_workspaces",
    "embed_passages",
    "open_workspace",
    "print_json",
    "warn",
]


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def warn(text: str) -> None:
    """Something the user should know that did not stop the command."""
    print(f"warning: {text}", file=sys.stderr)


class ProgressLine:
    """A one-line progress bar on stderr when it is a terminal; silent otherwise. Every
    bar of the CLI is drawn here (items counted by ``__call__``, anything by ``draw``)."""

    width = 30

    def __init__(self, label: str) -> None:
        self.label = label
        self.live = sys.stderr.isatty()

    def __call__(self, done: int, total: int, path: str) -> None:
        if not self.live or (done % 25 and done != total):
            return
        name = os.path.basename(path)[:40]
        self.draw(done / total if total else 1.0, f"{done}/{total} {name:<40}")

    def draw(self, fraction: float, detail: str, label: str | None = None) -> None:
        """``label [#####.....] detail`` over the current line (``fraction`` in [0, 1])."""
        if not self.live:
            return
        filled = int(self.width * fraction)
        bar = "#" * filled + "." * (self.width - filled)
        sys.stderr.write(f"\r{self.label if label is None else label} [{bar}] {detail}")
        sys.stderr.flush()

    def close(self) -> None:
        if self.live:
            sys.stderr.write("\r\033[K")


def embed_passages(ws: Workspace, *, quiet: bool) -> None:
    """Embed new passages for hybrid search; Ctrl-C stops it, the next run resumes."""
    if ws.embedder is None:
        return
    if not quiet and sys.stderr.isatty():
        print(
            "Embedding passages for hybrid search (keyword search works already; Ctrl-C "
            "pauses, the next `fanous index` resumes)…",
            file=sys.stderr,
        )
    bar = ProgressLine("Embedding")
    try:
        done = ws.embed_pending(progress=lambda n, total: bar(n, total, "passages"))
    except KeyboardInterrupt:
        print("\nEmbedding paused; `fanous index` resumes it.", file=sys.stderr)
        return
    except FanousError as e:
        print(f"Embedding skipped ({e}); keyword search works.", file=sys.stderr)
        return
    finally:
        bar.close()
    if done and not quiet:
        print(f"embedded {done} passages for hybrid search", file=sys.stderr)


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
