"""Reads and small writes of stored history (conversations, the egress ledger, the turn
log) on their own worker and their own database connection, so the conversation list
stays usable while the store's main worker is busy with a long indexing (SQLite WAL lets
the two connections work side by side)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent import turn_log
from agent.monitor import series
from agent.monitor import stats as monitor_stats
from agent.privacy import ledger
from agent.store import Store
from desktop.ops import Op, OpContext, Ops
from desktop.qt import QObject

__all__ = ["History"]


class History:
    def __init__(
        self, parent: QObject, database: Path, on_error: Callable[[Exception], None]
    ) -> None:
        self.ops = Ops(parent)
        self._database = database
        self._on_error = on_error
        self._store: Store | None = None  # opened by the worker on first use
        # Set once the workspace's own connection has opened (and migrated) the database:
        # two connections must never race to run the migrations.
        self.ready = False

    def run(
        self, fn: Callable[[Store], Any], on_success: Callable[[Any], None] | None = None
    ) -> Op | None:
        """Run ``fn(store)`` on the worker; None (nothing runs) before ``ready``."""
        if not self.ready:
            return None

        def work(_ctx: OpContext) -> Any:
            if self._store is None:
                self._store = Store(self._database)
            return fn(self._store)

        return self.ops.run(work, on_success=on_success, on_failure=self._on_error)

    def load_ledger(self, show: Callable[[list[Any]], None]) -> None:
        """The egress ledger's latest rows, for Settings › Privacy."""
        self.run(lambda store: ledger.entries(store, limit=200), show)

    def load_monitor(
        self, budget_usd: float, show: Callable[[monitor_stats.Summary, series.Series], None]
    ) -> Op | None:
        """The turn log summed up and as series over time, for the Monitor page; None
        when the database is not open yet."""

        def read(store: Store) -> tuple[monitor_stats.Summary, series.Series]:
            rows = turn_log.rows(store)
            summary = monitor_stats.summarise(
                rows, spent_this_month_usd=ledger.month_spend(store), monthly_budget_usd=budget_usd
            )
            return summary, series.build(
                rows, budget_usd=budget_usd, month_start=ledger.month_start()
            )

        return self.run(read, lambda result: show(*result))

    def close(self, wait_ms: int) -> None:
        self.ops.cancel_all()
        self.ops.wait(wait_ms)
        if self._store is not None:
            self._store.close()
            self._store = None
        self.ready = False
