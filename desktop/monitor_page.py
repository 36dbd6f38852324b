"""The Monitor page: how the models did over time, drawn from the turn log — answer time
and tokens/s per model, the local/cloud share and failures per day, this month's cloud
spend against the budget. The figures are read on the history worker (``load``)."""

from __future__ import annotations

from collections.abc import Callable

from agent.monitor.series import Series
from agent.monitor.stats import Summary
from desktop.chart import BarChart, LineChart
from desktop.qt import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
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


class MonitorPage(QDialog):
    def __init__(self, load: Loader, parent: QWidget | None = None) -> None:
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
        self.speed = LineChart(self.tr("Tokens per second per model"), "tok/s")
        self.share = BarChart(self.tr("Turns per day: local and cloud"))
        self.spend = LineChart(self.tr("Cloud spend this month"), "$")
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
        layout.addWidget(buttons)
        self.finished.connect(lambda _r: setattr(self, "_closed", True))
        self.refresh()

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
