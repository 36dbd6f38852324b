"""Settings › Sources: the notes folders, and the mail boxes the dialog adds below (IMAP
accounts, mail on disk) with "Sync mail now"."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

from agent.config import Settings
from agent.sources import Source, all_sources
from desktop.mail_box import SyncMail
from desktop.pickers import pick
from desktop.qt import QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget
from desktop.settings_page import SettingsPage, note

__all__ = ["SourcesPage", "choose_folder_dialog"]


def choose_folder_dialog(parent: QWidget | None) -> str | None:
    """The real folder picker; tests pass their own chooser instead."""
    return pick(parent, SourcesPage.tr("Add notes folder"), folder=True)


class SourcesPage(SettingsPage):
    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        choose_folder: Callable[[QWidget | None], str | None] = choose_folder_dialog,
        boxes: Sequence[QWidget] = (),
        sync_mail: SyncMail | None = None,
    ) -> None:
        """``boxes`` go under the folders; ``sync_mail`` (the window's) makes the
        "Sync mail now" button."""
        super().__init__(settings, parent)
        self._choose_folder = choose_folder
        self.folder_list = QListWidget()
        self.folder_list.setObjectName("notesFolders")
        self.folder_list.setAccessibleName(self.tr("Notes folders"))
        self.bind("notes_folders", self.folder_list.addItems, self.folders)
        add = QPushButton(self.tr("Add…"))
        add.setObjectName("addFolder")
        add.setAccessibleName(self.tr("Add notes folder"))
        add.clicked.connect(self._add_folder)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setObjectName("removeFolder")
        self.remove_button.setAccessibleName(self.tr("Remove notes folder"))
        self.remove_button.clicked.connect(self._remove_folder)
        self.remove_button.setEnabled(False)
        self.folder_list.currentRowChanged.connect(
            lambda row: self.remove_button.setEnabled(row >= 0)
        )
        self.sync_button: QPushButton | None = None
        if sync_mail is not None:
            self.sync_button = QPushButton(self.tr("Sync mail now"))
            self.sync_button.setObjectName("syncMail")
            self.sync_button.setAccessibleName(self.tr("Sync mail now"))
            self.sync_button.setToolTip(self.tr("Fetch new IMAP mail and re-read mail on disk"))
            self.sync_button.clicked.connect(lambda _checked=False: sync_mail(None))

        folder_buttons = QVBoxLayout()
        folder_buttons.addWidget(add)
        folder_buttons.addWidget(self.remove_button)
        folder_buttons.addStretch(1)
        folders = QHBoxLayout()
        folders.addWidget(self.folder_list, 1)
        folders.addLayout(folder_buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Notes folders")))
        layout.addLayout(folders)
        for box in boxes:
            layout.addWidget(box)
        if self.sync_button is not None:
            row = QHBoxLayout()
            row.addWidget(
                note(self.tr("Progress shows in the status bar; the window stays usable.")), 1
            )
            row.addWidget(self.sync_button)
            layout.addLayout(row)

    def folders(self) -> list[str]:
        """The notes folders as listed (added ones included)."""
        return [self.folder_list.item(i).text() for i in range(self.folder_list.count())]

    def sources(self) -> list[Source]:
        """Every source as this page has them now (folders added here included), for the
        Privacy page's never-send boxes."""
        folders = [str(Path(f).expanduser().resolve()) for f in self.folders()]
        return all_sources(dataclasses.replace(self._settings, notes_folders=folders))

    def _add_folder(self) -> None:
        folder = self._choose_folder(self.window())
        if folder and folder not in self.folders():
            self.folder_list.addItem(folder)

    def _remove_folder(self) -> None:
        row = self.folder_list.currentRow()
        if row >= 0:
            self.folder_list.takeItem(row)
