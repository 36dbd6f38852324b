"""The Monitor page, driven with pytest-qt: opened from Tools › Monitor, it draws the turn
log (two local models, a cloud turn with its cost, a failure) with Qt's own painting."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import time
from pathlib import Path
from typing import Any

from agent.monitor import eval_run, feedback
from agent.monitor import series as monitor_series
from agent.store import Store
from agent.turn_log import _COLUMNS, TurnRow
from desktop.chart import COLORS
from desktop.monitor_page import MonitorPage
from desktop.qt import QAction, QColor, Qt
from tests import test_desktop as base
from tests.conftest import WAIT_MS
from tests.fakes.engines import FakeEngine
from tests.test_desktop import ask

notes, open_window = base.notes, base.open_window
DAY = 86400.0


def turn(at: float, engine: str, model: str, seconds: float, **kw: Any) -> TurnRow:
    values: dict[str, Any] = dict(
        at=at, route="local", reason="", task="", signal="", score=None, engine=engine,
        model=model, digest=None, first_token_seconds=seconds / 4, seconds=seconds,
        tokens_per_second=40 / seconds, prompt_tokens=300, completion_tokens=40, cost_usd=0.0,
        verdict=None, finish_reason="stop", failure=None, retries=0, saved=True,
    )  # fmt: skip
    values.update(kw)
    return TurnRow(**values)


def seed(store: Store) -> list[TurnRow]:
    now = time.time()
    rows = [
        turn(now - 2 * DAY, "ollama", "llama3.2:3b", 4.0),
        turn(now - DAY, "ollama", "llama3.2:3b", 3.0),
        turn(now - DAY + 60, "embedded", "smollm2-135m", 1.0),
        turn(now - 30, "anthropic", "claude", 6.0, route="cloud", cost_usd=0.012),
        turn(
            now - 20,
            "ollama",
            "llama3.2:3b",
            0.5,
            failure="Ollama is not running",
            finish_reason="error",
            tokens_per_second=None,
            saved=False,
        ),
    ]
    with store.atomic() as conn:
        for r in rows:
            names, marks = ", ".join(_COLUMNS), ", ".join("?" * len(_COLUMNS))
            conn.execute(
                f"INSERT INTO turn_log ({names}) VALUES ({marks})",
                [getattr(r, c) for c in _COLUMNS],
            )
    return rows


def test_series_per_model_per_day_and_the_month_spend() -> None:
    now = time.time()
    rows = [
        turn(now - DAY, "ollama", "a", 2.0),
        turn(now - 10, "ollama", "a", 1.0, failure="boom", tokens_per_second=None),
        turn(now - 5, "openai", "gpt", 3.0, route="cloud", cost_usd=0.5),
        turn(now - 4, "openai", "gpt", 3.0, route="cloud", cost_usd=0.25),
    ]
    s = monitor_series.build(rows, budget_usd=5.0, month_start=now - 7)
    assert set(s.latency) == {"ollama/a", "openai/gpt"} and len(s.latency["ollama/a"]) == 1
    assert len(s.days) in (2, 3) and sum(s.local) == 2 and sum(s.cloud) == 2
    assert sum(s.failures) == 1
    assert [round(v, 2) for _, v in s.spend] == [0.5, 0.75]  # cumulative, this month only
    assert monitor_series.build([], budget_usd=1.0, month_start=0).empty


def colours(widget: Any) -> set[str]:
    image = widget.grab().toImage()
    found = set()
    for x in range(0, image.width(), 2):
        for y in range(0, image.height(), 2):
            found.add(QColor(image.pixel(x, y)).name().upper())
    return found


def test_the_monitor_page_draws_the_turn_log(qtbot: Any, open_window: Any, notes: Path) -> None:
    window = open_window(FakeEngine("At 7:40."), folders=[notes])
    ask(qtbot, window)
    qtbot.waitUntil(lambda: not window.is_answering, timeout=WAIT_MS)
    seed(window.workspace.store)

    window.findChild(QAction, "actionMonitor").trigger()
    page = window.monitor_page
    qtbot.waitUntil(lambda: "turns:" in page.summary.text(), timeout=WAIT_MS)
    assert page.summary.text().startswith("6 turns: 5 local, 1 cloud (83% local); 1 failed")
    assert "$0.0000 of $5.00" in page.summary.text()  # the ledger, not the log, is the spend
    assert set(page.latency.series) == {
        "fake/fake-model", "ollama/llama3.2:3b", "embedded/smollm2-135m", "anthropic/claude",
    }  # fmt: skip
    assert sum(page.failures.stacks["failed"]) == 1 and len(page.share.labels) >= 2
    assert "ollama/llama3.2:3b (local): 3 turns" in page.models.text()
    page.resize(900, 700)
    qtbot.waitExposed(page)
    drawn = colours(page.latency)
    assert {COLORS[0], COLORS[1], COLORS[2], COLORS[3]} <= drawn  # one line per model
    assert "#D55E00" in colours(page.spend)  # the budget line
    assert COLORS[1] in colours(page.share)  # the cloud part of a day's bar


def test_an_empty_turn_log_says_so(qtbot: Any, open_window: Any) -> None:
    window = open_window()
    page = window.open_monitor()
    qtbot.waitUntil(lambda: "No turns yet" in page.summary.text(), timeout=WAIT_MS)
    assert page.latency.series == {} and page.share.labels == []
    page.grab()  # paints the empty charts without failing


def test_evaluate_runs_on_a_worker_with_progress_and_shows_the_report(
    qtbot: Any, open_window: Any, notes: Path
) -> None:
    window = open_window(FakeEngine("At 8:00.", "At 7:40 from pier 3."), folders=[notes])
    ask(qtbot, window)
    qtbot.waitUntil(lambda: not window.is_answering, timeout=WAIT_MS)
    store = window.workspace.store
    feedback.give(store, feedback.last_turn(store) or 0, correction="7:40")

    shown = window.open_monitor()  # wired to the real run: enabled, cloud off here
    assert shown.eval_button.isEnabled() and not shown.eval_cloud.isEnabled()
    shown.reject()

    steps: list[str] = []

    def evaluate(cloud: bool, progress: Any, done: Any, failed: Any) -> Any:
        def work(ctx: Any) -> Any:  # your questions only: the shipped set is another test's
            return eval_run.run(window.workspace, cloud=cloud, shipped=0,
                                progress=ctx.progress, cancel=ctx.cancel)  # fmt: skip

        def seen(n: int, total: int, what: str) -> None:
            steps.append(what)
            progress(n, total, what)

        return window.ops.run(work, on_success=done, on_failure=failed, on_progress=seen)

    page = MonitorPage(lambda show: window.history.load_monitor(5.0, show), window,
                       evaluate=evaluate)  # fmt: skip
    qtbot.addWidget(page)
    page.show()
    qtbot.mouseClick(page.eval_button, Qt.MouseButton.LeftButton)
    assert not page.eval_button.isEnabled()
    qtbot.waitUntil(lambda: page.eval_result.isVisible(), timeout=10000)
    report = page.eval_result.toPlainText()
    assert "fake/fake-model (now)" in report and "1/1" in report, report
    assert "Router calibration needs the cloud" in report
    assert page.eval_button.isEnabled() and steps


def test_an_evaluation_that_cannot_run_says_why_and_what_to_do(
    qtbot: Any, open_window: Any
) -> None:
    window = open_window()

    def evaluate(_cloud: bool, progress: Any, done: Any, failed: Any) -> Any:
        def work(ctx: Any) -> Any:  # the cloud asked for while escalation is off
            return eval_run.run(window.workspace, cloud=True, shipped=0, cancel=ctx.cancel)

        return window.ops.run(work, on_success=done, on_failure=failed, on_progress=progress)

    page = MonitorPage(lambda show: None, window, evaluate=evaluate)
    qtbot.addWidget(page)
    page.show()
    qtbot.mouseClick(page.eval_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.eval_result.isVisible(), timeout=10000)
    text = page.eval_result.toPlainText()
    assert "Cloud escalation is off" in text and "fanous cloud on" in text
    assert page.eval_button.isEnabled()
