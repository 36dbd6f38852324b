"""The command line's progress: count, rate and time left, on a terminal and in a log."""

from __future__ import annotations

import io

from agent.cli.common import ProgressLine


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_count_rate_and_time_left() -> None:
    now = [0.0]
    out = Terminal()
    bar = ProgressLine("Embedding", unit="passages", stream=out, clock=lambda: now[0])
    bar(0, 1000)
    now[0] = 10.0
    bar(100, 1000)  # 10 passages/s, 900 to go: 90 s
    assert "100/1,000 passages, 10.0/s, about 2 min left" in out.getvalue()
    bar.close()
    assert out.getvalue().endswith("\r\033[K")


def test_a_log_gets_a_plain_line_now_and_then_and_short_steps_print_nothing() -> None:
    now = [0.0]
    out = io.StringIO()
    bar = ProgressLine("Indexing", unit="files", stream=out, clock=lambda: now[0], every=10)
    bar(0, 50)
    now[0] = 2.0
    bar(50, 50)
    assert out.getvalue() == "", "a step shorter than the interval says nothing"
    slow = ProgressLine("Embedding", stream=out, clock=lambda: now[0], every=10)
    slow(0, 300)
    for step in range(1, 31):
        now[0] += 1.0
        slow(step * 10, 300)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3 and lines[0].startswith("Embedding: 100/300, 10.0/s")
    assert "\r" not in out.getvalue()
