"""Settings › Privacy: the action log — every draft, note and reminder Fanous wrote for
you, who proposed it and who confirmed it — with Undo and Export, like the egress ledger.
Reading, undoing and exporting run on the store's worker."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from agent.actions import Actions
from agent.actions import log as action_log
from desktop.chat_widgets import describe_error
from desktop.ops import Ops
from desktop.qt import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

__all__ = ["ActionLogBox"]


def save_file_dialog(parent: QWidget | None) -> str | None:
    path, _ = QFileDialog.getSaveFileName(
        parent,
        QWidget.tr("Export the action log"),
        "fanous-actions.csv",
        "CSV (*.csv);;JSON (*.json)",
    )
    return path or None


class ActionLogBox(QGroupBox):
    def __init__(
        self,
        workspace: Any,
        *,
        store_ops: Ops,
        choose_file: Callable[[QWidget | None], str | None] = save_file_dialog,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(self.tr("Action log: everything Fanous wrote for you"), parent)
        self.setObjectName("actionLog")
        self._workspace = workspace
        self._ops = store_ops
        self._choose_file = choose_file
        self.entries: list[Any] = []
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("actionLogTable")
        self.table.setAccessibleName(self.tr("Action log"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("When"), self.tr("Action"), self.tr("Where"), self.tr("Proposed by"),
             self.tr("Confirmed by"), self.tr("Status")]
        )  # fmt: skip
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setMaximumHeight(160)
        self.status = QLabel(self.tr("No action has been carried out."))
        self.status.setObjectName("actionLogStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.setObjectName("undoAction")
        self.undo_button.setToolTip(self.tr("Take the selected action back exactly"))
        self.undo_button.setEnabled(False)
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setObjectName("exportActions")
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.undo_button.clicked.connect(self.undo_selected)
        self.export_button.clicked.connect(self.export)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        ws = self._workspace
        self._ops.run(
            lambda _ctx: action_log.entries(ws.store, limit=500), on_success=self.show_entries
        )

    def show_entries(self, entries: list[Any]) -> None:
        self.entries = entries
        self.table.setRowCount(len(entries))
        statuses = {"done": self.tr("done"), "undone": self.tr("undone"),
                    "failed": self.tr("failed"), "writing": self.tr("writing")}  # fmt: skip
        kinds = {
            "draft": self.tr("draft reply"),
            "note": self.tr("note"),
            "note_append": self.tr("section added"),
            "reminder": self.tr("reminder"),
        }
        for row, e in enumerate(entries):
            cells = [
                time.strftime("%Y-%m-%d %H:%M", time.localtime(e.at)),
                kinds.get(e.kind, e.kind),
                e.target,
                e.origin,
                e.confirmed_by,
                statuses.get(e.status, e.status) + (f" — {e.reason}" if e.reason else ""),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, col, item)
        if entries:
            self.status.setText(
                self.tr("{count} action(s) recorded.", "", len(entries)).format(count=len(entries))
            )
        self._selection_changed()

    def selected(self) -> Any | None:
        rows = {i.row() for i in self.table.selectedItems()}
        return self.entries[rows.pop()] if len(rows) == 1 else None

    def _selection_changed(self) -> None:
        entry = self.selected()
        self.undo_button.setEnabled(bool(entry and entry.undoable))

    def undo_selected(self) -> None:
        entry = self.selected()
        if entry is None or not entry.undoable:
            return
        ws = self._workspace
        self.undo_button.setEnabled(False)
        self._ops.run(
            lambda _ctx: Actions(ws).undo(entry.id),
            on_success=lambda done: self._said(
                self.tr("Undone: {target}").format(target=done.target)
            ),
            on_failure=self._failed,
            on_finished=self.refresh,
        )

    def export(self) -> None:
        path = self._choose_file(self)
        if not path:
            return
        ws = self._workspace
        self._ops.run(
            lambda _ctx: action_log.export(ws.store, path),
            on_success=lambda n: self._said(
                self.tr("Wrote {count} row(s) to {path}", "", n).format(count=n, path=path)
            ),
            on_failure=self._failed,
        )

    def _said(self, text: str) -> None:
        self.status.setText(text)

    def _failed(self, error: BaseException) -> None:
        message, fix = describe_error(error)
        self.status.setText(message + (f" — {fix}" if fix else ""))
