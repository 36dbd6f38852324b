"""The Monitor page: how the models did over time, drawn from the turn log — answer time
and tokens/s per model, the local/cloud share and failures per day, this month's cloud
spend against the budget. The figures are read on the history worker (``load``).
**Evaluate…** runs ``fanous eval`` on the store's worker (``evaluate``), with progress,
the cloud only when its box is ticked for this run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.monitor.evaluation import EvalReport, report_lines
from agent.monitor.series import Series
from agent.monitor.stats import Summary
from desktop.chart import BarChart, LineChart
from desktop.chat_widgets import describe_error
from desktop.ops import Op
from desktop.qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFont,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)

__all__ = ["MonitorPage"]

# Starts reading and hands the figures to its argument; None when it could not start yet
# (the database is still opening): the page tries again shortly.
Loader = Callable[[Callable[[Summary, Series], None]], object]
_RETRY_MS = 300


# Starts an evaluation (cloud included or not) on a worker: ``fanous eval``'s run.
Evaluator = Callable[[bool, Callable[[int, int, str], None], Callable[[Any], None],
                      Callable[[Exception], None]], Op]  # fmt: skip


class MonitorPage(QDialog):
    def __init__(
        self,
        load: Loader,
        parent: QWidget | None = None,
        *,
        evaluate: Evaluator | None = None,
        cloud_allowed: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("monitorPage")
        self.setWindowTitle(self.tr("Monitor"))
        self._load = load
        self._closed = False
        self.summary = QLabel(self.tr("Reading the turn log…"))
        self.summary.setObjectName("monitorSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.latency = LineChart(self.tr("Answer time per model"), "s")
        self.speed = LineChart(self.tr("Tokens per second per model"))
        self.share = BarChart(self.tr("Turns per day: local and cloud"))
        self.spend = LineChart(self.tr("Cloud spend this month"), "US$")
        self.spend.empty_text = self.tr("Nothing spent on the cloud this month")
        self.failures = BarChart(self.tr("Failed turns per day"))
        grid = QGridLayout()
        for n, chart in enumerate([self.latency, self.speed, self.share, self.spend]):
            grid.addWidget(chart, n // 2, n % 2)
        grid.addWidget(self.failures, 2, 0)
        self.models = QLabel()
        self.models.setObjectName("monitorModels")
        self.models.setWordWrap(True)
        self.models.setAlignment(Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.models, 2, 1)
        self._evaluate = evaluate
        self.eval_op: Op | None = None
        self.eval_button = QPushButton(self.tr("Evaluate…"))
        self.eval_button.setObjectName("evaluateModels")
        self.eval_button.setToolTip(
            self.tr("Ask your rated questions and the shipped set of each local model")
        )
        self.eval_button.setEnabled(evaluate is not None)
        self.eval_button.clicked.connect(lambda _checked=False: self.start_evaluation())
        self.eval_cloud = QCheckBox(self.tr("Include the cloud model this time"))
        self.eval_cloud.setObjectName("evaluateCloud")
        self.eval_cloud.setEnabled(cloud_allowed)
        if not cloud_allowed:
            self.eval_cloud.setToolTip(self.tr("Turn cloud escalation on to evaluate the cloud"))
        self.eval_progress = QProgressBar()
        self.eval_progress.setObjectName("evaluationProgress")
        self.eval_progress.hide()
        self.eval_result = QPlainTextEdit()
        self.eval_result.setObjectName("evaluationReport")
        self.eval_result.setReadOnly(True)
        self.eval_result.setFont(QFont("monospace"))
        self.eval_result.hide()
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setObjectName("refreshMonitor")
        self.refresh_button.clicked.connect(lambda _checked=False: self.refresh())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.refresh_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(grid, 1)
        row = QHBoxLayout()
        row.addWidget(self.eval_button)
        row.addWidget(self.eval_cloud)
        row.addWidget(self.eval_progress, 1)
        layout.addLayout(row)
        layout.addWidget(self.eval_result)
        layout.addWidget(buttons)
        self.finished.connect(lambda _r: setattr(self, "_closed", True))
        self.refresh()

    def start_evaluation(self) -> None:
        if self._evaluate is None or self.eval_op is not None:
            return
        self.eval_button.setEnabled(False)
        self.eval_progress.setRange(0, 0)
        self.eval_progress.show()
        self.eval_op = self._evaluate(
            self.eval_cloud.isChecked(), self._progress, self._evaluated, self._eval_failed
        )

    def _progress(self, done: int, total: int, what: str) -> None:
        if total:
            self.eval_progress.setRange(0, total)
            self.eval_progress.setValue(done)
        self.eval_progress.setFormat(f"%v/%m  {what}")

    def _finish_evaluation(self) -> None:
        self.eval_op = None
        self.eval_button.setEnabled(True)
        self.eval_progress.hide()

    def _evaluated(self, report: EvalReport) -> None:
        self._finish_evaluation()
        self.eval_result.setPlainText("\n".join(report_lines(report)))
        self.eval_result.show()

    def _eval_failed(self, error: Exception) -> None:
        self._finish_evaluation()
        message, fix = describe_error(error)
        self.eval_result.setPlainText(message + (f"\n{fix}" if fix else ""))
        self.eval_result.show()

    def refresh(self) -> None:
        def show(summary: Summary, series: Series) -> None:
            if not self._closed:  # read on a worker: the page may be gone by then
                self.show_data(summary, series)

        if self._load(show) is None and not self._closed:
            QTimer.singleShot(_RETRY_MS, self, self.refresh)

    def show_data(self, summary: Summary, series: Series) -> None:
        if not summary.turns:
            self.summary.setText(self.tr("No turns yet: ask something, then look again."))
        else:
            self.summary.setText(
                self.tr(
                    "{turns} turns: {local} local, {cloud} cloud ({share:.0%} local); "
                    "{failures} failed, {retries} retries. Cloud spend this month: "
                    "${spent:.4f} of ${budget:.2f}."
                ).format(
                    turns=summary.turns,
                    local=summary.local,
                    cloud=summary.cloud,
                    share=summary.local_share or 0.0,
                    failures=summary.failures,
                    retries=summary.retries,
                    spent=summary.spent_this_month_usd,
                    budget=summary.monthly_budget_usd,
                )
            )
        lines = []
        for m in summary.models:
            speed = m.tokens_per_second_median
            first = m.first_token_median
            lines.append(
                self.tr(
                    "{engine}/{model} ({route}): {turns} turns, first token {first}, "
                    "{speed} tok/s, {failures} failed"
                ).format(
                    engine=m.engine,
                    model=m.model,
                    route=m.route,
                    turns=m.turns,
                    first="-" if first is None else f"{first:.2f} s",
                    speed="-" if speed is None else f"{speed:.1f}",
                    failures=m.failures,
                )
            )
        self.models.setText("\n".join(lines))
        self.latency.set_series(series.latency)
        self.speed.set_series(series.speed)
        self.share.set_bars(series.days, {self.tr("local"): series.local,
                                          self.tr("cloud"): series.cloud})  # fmt: skip
        budget = (self.tr("budget ${amount:.2f}").format(amount=series.budget_usd),
                  series.budget_usd)  # fmt: skip
        self.spend.set_series({self.tr("spent"): series.spend}, reference=budget)
        self.failures.set_bars(series.days, {self.tr("failed"): series.failures})
