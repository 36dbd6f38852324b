"""Settings: cloud escalation and the notes folders.

The dialog only edits a copy of the choices; the main window applies them, because
removing a folder touches the index and that work belongs on a background thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from agent.config import Settings
from desktop.qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

__all__ = ["SettingsChoice", "SettingsDialog", "choose_folder_dialog"]

CLOUD_EXPLAINED = (
    "With cloud escalation off, every question is answered on this computer and nothing "
    "leaves it. When it is on, hard questions may go to a cloud model with your own API "
    "key. Cloud providers arrive in a later version; until then answers stay local."
)


def choose_folder_dialog(parent: QWidget | None) -> str | None:
    """The real folder picker; tests pass their own chooser instead."""
    folder = QFileDialog.getExistingDirectory(parent, "Add notes folder")
    return folder or None


@dataclass(slots=True)
class SettingsChoice:
    cloud_escalation: bool
    notes_folders: list[str] = field(default_factory=list)


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        choose_folder: Callable[[QWidget | None], str | None] = choose_folder_dialog,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Fanous settings")
        self.setObjectName("settingsDialog")
        self._choose_folder = choose_folder

        self.cloud_checkbox = QCheckBox("Cloud escalation")
        self.cloud_checkbox.setObjectName("cloudEscalation")
        self.cloud_checkbox.setAccessibleName("Cloud escalation")
        self.cloud_checkbox.setChecked(settings.cloud_escalation)
        explained = QLabel(CLOUD_EXPLAINED)
        explained.setWordWrap(True)
        explained.setObjectName("cloudExplained")

        self.folder_list = QListWidget()
        self.folder_list.setObjectName("notesFolders")
        self.folder_list.setAccessibleName("Notes folders")
        self.folder_list.addItems(settings.notes_folders)
        add = QPushButton("Add…")
        add.setObjectName("addFolder")
        add.setAccessibleName("Add notes folder")
        add.clicked.connect(self._add_folder)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removeFolder")
        self.remove_button.setAccessibleName("Remove notes folder")
        self.remove_button.clicked.connect(self._remove_folder)
        self.remove_button.setEnabled(False)
        self.folder_list.currentRowChanged.connect(
            lambda row: self.remove_button.setEnabled(row >= 0)
        )

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        folder_buttons = QVBoxLayout()
        folder_buttons.addWidget(add)
        folder_buttons.addWidget(self.remove_button)
        folder_buttons.addStretch(1)
        folders = QHBoxLayout()
        folders.addWidget(self.folder_list, 1)
        folders.addLayout(folder_buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.cloud_checkbox)
        layout.addWidget(explained)
        layout.addSpacing(8)
        layout.addWidget(QLabel("Notes folders"))
        layout.addLayout(folders)
        layout.addWidget(buttons)
        self.resize(520, 360)

    def choice(self) -> SettingsChoice:
        folders = [self.folder_list.item(i).text() for i in range(self.folder_list.count())]
        return SettingsChoice(self.cloud_checkbox.isChecked(), folders)

    def _add_folder(self) -> None:
        folder = self._choose_folder(self)
        if folder and folder not in self.choice().notes_folders:
            self.folder_list.addItem(folder)

    def _remove_folder(self) -> None:
        row = self.folder_list.currentRow()
        if row >= 0:
            self.folder_list.takeItem(row)
