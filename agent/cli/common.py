"""Helpers every `fanous` subcommand shares: safe terminal output, JSON output, progress,
the workspace."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from agent.workspace import Workspace, setup_logging
from contracts.errors import FanousError

__all__ = [
    "ProgressLine",
    "SafeOutput",
    "StatusLine",
    "close_workspaces",
    "embed_passages",
    "open_workspace",
    "parse_date",
    "print_json",
    "printable",
    "terminal",
    "warn",
]

# C0 controls but tab and newline, DEL, and C1 (0x9b is CSI on 8-bit terminals): a file
# name, a note or a mail header carrying ESC[2J or ESC]0;…BEL must not reach the terminal.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with every terminal control character shown as a visible ``\\xNN``
    (a Windows line end stays a line end). The one function all CLI output goes through:
    ``SafeOutput`` applies it to stdout and stderr for every command."""
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class SafeOutput:
    """A text stream that passes everything through ``printable``. ``raw`` is the stream
    beneath, for the progress bars' own carriage returns."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        return self.raw.write(printable(text))

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, fileno, encoding…
        return getattr(self.raw, name)


def terminal(stream: TextIO) -> TextIO:
    """The stream beneath ``SafeOutput``: only for control sequences Fanous writes itself."""
    return getattr(stream, "raw", stream)


def print_json(data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    # JSON escapes C0 itself; DEL and C1 are escaped here, so the output stays exact JSON.
    text = re.sub("[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", text)
    sys.stdout.write(text + "\n")


def parse_date(text: str, *, end: bool = False) -> float:
    """An ISO date or date-time (local time) as seconds since the epoch; with ``end``, a
    bare date covers that whole day (--before)."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError as e:
        raise FanousError(
            f"{text!r} is not a date", fix="write dates as YYYY-MM-DD or YYYY-MM-DDTHH:MM"
        ) from e
    if end and len(text) <= 10:
        value += dt.timedelta(days=1)
    return value.timestamp()


def warn(text: str) -> None:
    """Something the user should know that did not stop the command."""
    print(f"warning: {text}", file=sys.stderr)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class ProgressLine:
    """Progress of a long step on stderr: count, rate and time left. Every bar of the
    CLI is drawn here (items counted by ``__call__``, anything by ``draw``). On a
    terminal a live one-line bar; otherwise (a log, a pipe) ``__call__`` writes a plain
    line now and then, and only once the step has run for a while, so short commands
    print nothing."""

    width = 24

    def __init__(
        self,
        label: str,
        *,
        unit: str = "",
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
        every: float = 10.0,
    ) -> None:
        self.label = label
        self.unit = unit
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.clock = clock
        self.every = every  # seconds between plain lines
        self.started = clock()
        self._shown = 0.0  # when the last line was written
        self._first: tuple[float, int] | None = None  # (time, done) of the first report

    def __call__(self, done: int, total: int, path: str = "") -> None:
        now = self.clock()
        if self._first is None:
            self._first = (now, done)  # work done before the first report is not ours
        if self.live:
            if now - self._shown < 0.1 and done != total:
                return
        elif now - self.started < self.every or now - self._shown < self.every:
            return
        self._shown = now
        figures = f"{done:,}/{total:,}{' ' + self.unit if self.unit else ''}"
        since, base = self._first
        if now - since > 1 and done > base:
            rate = (done - base) / (now - since)
            figures += f", {rate:,.1f}/s" if rate < 100 else f", {rate:,.0f}/s"
            if total > done:
                figures += f", about {_duration((total - done) / rate)} left"
        if not self.live:
            print(f"{self.label}: {figures}", file=self.stream, flush=True)
            return
        name = printable(os.path.basename(path)[:30])
        self.draw(done / total if total else 1.0, f"{figures} {name}".rstrip())

    def draw(self, fraction: float, detail: str, label: str | None = None) -> None:
        """``label [#####.....] detail`` over the current line (``fraction`` in [0, 1])."""
        if not self.live:
            return
        filled = int(self.width * min(max(fraction, 0.0), 1.0))
        bar = "#" * filled + "." * (self.width - filled)
        out = terminal(self.stream)  # its own control sequences; the text made printable
        label = printable(self.label if label is None else label)
        out.write(f"\r\033[K{label} [{bar}] {printable(detail)}")
        out.flush()

    def close(self) -> None:
        if self.live:
            terminal(self.stream).write("\r\033[K")
            self.stream.flush()


def embed_passages(ws: Workspace, *, quiet: bool) -> None:
    """Embed new passages for search by meaning: the fast first tier for all, then the
    full model; Ctrl-C stops it keeping what was done, and the next run resumes."""
    if ws.embedder is None:
        return
    if not quiet and sys.stderr.isatty():
        print(
            "Embedding passages for search by meaning (keyword search works already; "
            "Ctrl-C pauses, the next `fanous index` resumes)…",
            file=sys.stderr,
        )
    bars: list[ProgressLine] = []
    counts: dict[str, int] = {}  # passages each model embedded: a passage gets one of each

    def tier(name: str) -> None:
        for bar in bars:
            bar.close()
        first = name.startswith("static:")
        counts["the first pass" if first else name] = 0
        bars.append(ProgressLine("First pass" if first else "Embedding", unit="passages"))

    def progress(n: int, total: int) -> None:
        counts[next(reversed(counts))] = n
        bars[-1](n, total)

    try:
        done = ws.embed_pending(progress=progress, on_tier=tier)
    except KeyboardInterrupt:
        print("\nEmbedding paused; `fanous index` resumes it.", file=sys.stderr)
        return
    except FanousError as e:
        print(f"Embedding skipped ({e}); keyword search works.", file=sys.stderr)
        return
    finally:
        for bar in bars:
            bar.close()
    if done and not quiet:
        models = ", ".join(f"{name} {n}" for name, n in counts.items() if n)
        print(
            f"embedded {max(counts.values(), default=0) or done} passages for hybrid search"
            f" ({models})",
            file=sys.stderr,
        )


class StatusLine:
    """What a command is doing, on one line of stderr when it is a terminal: the step
    ("Reading 3 passages…"), then how much of the answer the model has written."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()
        self._step = ""
        self._words = 0

    def show(self, step: str) -> None:
        self._step = step
        self._write(step)

    def token(self, text: str) -> None:
        self._words += len(text.split())
        self._write(f"Writing the answer… {self._words} words")

    def _write(self, text: str) -> None:
        if self.live:  # its own control sequences; the step's text made printable
            terminal(sys.stderr).write(f"\r\033[K{printable(text)}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.live and (self._step or self._words):
            terminal(sys.stderr).write("\r\033[K")
            sys.stderr.flush()


_OPEN: list[Workspace] = []


def _waiting_for_another_run() -> None:
    print(
        "Another index run is in progress on this database (the app or another "
        "`fanous index`); waiting for it to finish (Ctrl-C to stop)…",
        file=sys.stderr,
        flush=True,
    )


def open_workspace() -> Workspace:
    from agent.index.lock import WAIT_NOTICE

    WAIT_NOTICE.set(_waiting_for_another_run)
    ws = Workspace()
    ws.embed_threads = os.cpu_count() or 1  # the user waits on the command: use the machine
    setup_logging(ws.paths)
    _OPEN.append(ws)
    return ws


def close_workspaces() -> None:
    """At the end of a command: the database checkpointed, the model freed if so set."""
    while _OPEN:
        _OPEN.pop().close()
