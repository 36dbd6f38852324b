"""Settings › Privacy: the offline switch, never-send for every source (one box per notes
folder, mail path, IMAP account and IMAP folder, by source id), never-send paths finer
than a source, the egress ledger, and the boxes the dialog adds below (what actions may
write, the action log)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from agent.config import Settings
from agent.sources import Source, SourcePolicy, set_permission
from desktop.qt import (
    QCheckBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from desktop.settings_page import SettingsPage, note

__all__ = ["PrivacyPage"]

_ID = Qt.ItemDataRole.UserRole


class PrivacyPage(SettingsPage):
    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        boxes: Sequence[QWidget] = (),
    ) -> None:
        super().__init__(settings, parent)
        self.offline_checkbox = QCheckBox(self.tr("Offline: nothing leaves this computer"))
        self.offline_checkbox.setObjectName("offline")
        self.offline_checkbox.setAccessibleName(self.tr("Offline"))
        self.bind_check("offline", self.offline_checkbox)
        self.sources = QListWidget()
        self.sources.setObjectName("neverSendSources")
        self.sources.setAccessibleName(self.tr("Sources never sent to the cloud"))
        self.sources.setMaximumHeight(110)
        self.never_send = QPlainTextEdit()  # paths finer than a source
        self.never_send.setObjectName("neverSend")
        self.bind(
            "never_send_sources",
            lambda paths: self.never_send.setPlainText("\n".join(paths)),
            self._never_send_paths,
        )
        # Shown by ``show_sources``: the boxes need the sources as the dialog has them.
        self.bind("source_permissions", None, self.source_permissions)
        self.never_send.setAccessibleName(self.tr("Never send these folders or files"))
        self.never_send.setPlaceholderText(self.tr("One folder or file per line"))
        self.never_send.setMaximumHeight(60)
        self.ledger_table = QTableWidget(0, 6)
        self.ledger_table.setObjectName("egressLedger")
        self.ledger_table.setAccessibleName(self.tr("Egress ledger"))
        self.ledger_table.setHorizontalHeaderLabels(
            [
                self.tr("When"),
                self.tr("Provider"),
                self.tr("Model"),
                self.tr("Sent"),
                self.tr("Cost"),
                self.tr("Status"),
            ]
        )
        self.ledger_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.ledger_table.horizontalHeader().setStretchLastSection(True)
        self.ledger_table.verticalHeader().hide()
        self.ledger_status = note(self.tr("Nothing has left this computer."), "ledgerStatus")
        layout = QVBoxLayout(self)
        layout.addWidget(self.offline_checkbox)
        layout.addWidget(QLabel(self.tr("Never send passages from these sources:")))
        layout.addWidget(self.sources)
        layout.addWidget(QLabel(self.tr("Also never send these folders or files:")))
        layout.addWidget(self.never_send)
        layout.addWidget(QLabel(self.tr("Egress ledger: every request that left this computer")))
        layout.addWidget(self.ledger_table, 1)
        layout.addWidget(self.ledger_status)
        for box in boxes:
            layout.addWidget(box)

    def _kind(self, kind: str) -> str:
        return {
            "notes": self.tr("notes folder"),
            "mail": self.tr("mail path"),
            "imap": self.tr("IMAP account"),
            "imap-folder": self.tr("IMAP folder"),
        }[kind]

    def show_sources(self, sources: list[Source]) -> None:
        """One box per source, ticked when it is never-send; ticks already changed on
        this page survive a refresh (a folder added on the Sources page meanwhile)."""
        ticked = {sid: on for sid, on in self.choices().items()}
        policy = SourcePolicy(self._settings)
        self.sources.clear()
        for source in sources:
            item = QListWidgetItem(
                self.tr("{label} ({kind})").format(label=source.label, kind=self._kind(source.kind))
            )
            item.setData(_ID, source.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = ticked.get(source.id, policy.permissions(source.id).never_send)
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.sources.addItem(item)

    def choices(self) -> dict[str, bool]:
        """Source id -> never-send, as the boxes say."""
        out = {}
        for row in range(self.sources.count()):
            item = self.sources.item(row)
            out[str(item.data(_ID))] = item.checkState() == Qt.CheckState.Checked
        return out

    def _never_send_paths(self) -> list[str]:
        lines = (line.strip() for line in self.never_send.toPlainText().splitlines())
        return [line for line in lines if line]

    def source_permissions(self) -> dict[str, dict]:
        """The settings' permission records with the boxes' never-send applied."""
        edited = Settings(
            source_permissions={k: dict(v) for k, v in self._settings.source_permissions.items()}
        )
        for sid, on in self.choices().items():
            set_permission(edited, sid, "never_send", on)
        return edited.source_permissions

    def show_ledger(self, entries: list[Any]) -> None:
        self.ledger_table.setRowCount(len(entries))
        for row, e in enumerate(entries):
            cells = [
                time.strftime("%Y-%m-%d %H:%M", time.localtime(e.at)),
                e.provider,
                e.model,
                f"{e.bytes_sent:,} B",
                f"${e.cost_usd:.4f}",
                e.status,
            ]
            for col, text in enumerate(cells):
                self.ledger_table.setItem(row, col, QTableWidgetItem(text))
        if entries:
            count = len(entries)
            self.ledger_status.setText(
                self.tr("{count} request(s) recorded.", "", count).format(count=count)
            )
