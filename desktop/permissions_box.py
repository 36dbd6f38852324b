"""Settings › Privacy: what each source lets actions write — "may save drafts" for a mail
path or an IMAP account, "may write notes" for a notes folder. Every source may be read
and nothing may be written until the user ticks it here (or with ``fanous sources
write-drafts|write-notes``); each tick is saved at once, and every action it allows is
still shown and confirmed one by one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.sources import SourcePolicy, all_sources, set_permission
from desktop.qt import QGroupBox, QLabel, QListWidget, QListWidgetItem, Qt, QVBoxLayout, QWidget

__all__ = ["PermissionsBox"]

_KEY = Qt.ItemDataRole.UserRole
_RIGHTS = {"notes": "write_notes", "mail": "write_drafts", "imap": "write_drafts"}


class PermissionsBox(QGroupBox):
    def __init__(
        self,
        settings: Any,
        *,
        save: Callable[[], None],
        on_error: Callable[[BaseException], None] = lambda _e: None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(self.tr("Let actions write here (each one confirmed by you):"), parent)
        self.setObjectName("writePermissions")
        self._settings = settings
        self._save = save
        self._on_error = on_error
        self.list = QListWidget()
        self.list.setObjectName("writeSources")
        self.list.setAccessibleName(self.tr("May write drafts or notes"))
        self.list.setMaximumHeight(110)
        self.empty = QLabel(self.tr("Every source is read only."))
        self.empty.setObjectName("writePermissionsNote")
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.empty)
        self.refresh()
        self.list.itemChanged.connect(self._changed)

    def refresh(self) -> None:
        """One box per source that can take a write: ticked when it may."""
        policy = SourcePolicy(self._settings)
        self.list.blockSignals(True)
        self.list.clear()
        for source in all_sources(self._settings):
            right = _RIGHTS.get(source.kind)
            if right is None:
                continue  # an IMAP folder: drafts are allowed on its account
            label = (
                self.tr("{label}: save drafts") if right == "write_drafts"
                else self.tr("{label}: write notes")
            ).format(label=source.label)  # fmt: skip
            item = QListWidgetItem(label)
            item.setData(_KEY, (source.id, right))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = getattr(policy.permissions(source.id), right)
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.empty.setVisible(self.list.count() == 0)

    def allowed(self) -> list[str]:
        """The labels of the boxes ticked."""
        items = [self.list.item(i) for i in range(self.list.count())]
        return [i.text() for i in items if i.checkState() == Qt.CheckState.Checked]

    def _changed(self, item: QListWidgetItem) -> None:
        sid, right = item.data(_KEY)
        set_permission(self._settings, sid, right, item.checkState() == Qt.CheckState.Checked)
        try:
            self._save()
        except Exception as e:  # a full disk: the box says what the file says
            self._on_error(e)
            self.refresh()
