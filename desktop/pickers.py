"""File and folder pickers that open in the user's home folder, not in whatever folder
Fanous happened to be started from (the installed app's, or a terminal's)."""

from __future__ import annotations

from pathlib import Path

from desktop.qt import QFileDialog, QWidget

__all__ = ["pick", "picker"]


def picker(parent: QWidget | None, title: str, *, folder: bool, filters: str = "") -> QFileDialog:
    """The dialog, not yet shown (tests look at it without a modal loop)."""
    dialog = QFileDialog(parent, title, str(Path.home()), filters)
    if folder:
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    else:
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    return dialog


def pick(parent: QWidget | None, title: str, *, folder: bool, filters: str = "") -> str | None:
    """Ask for one folder or file; None when the user cancels."""
    dialog = picker(parent, title, folder=folder, filters=filters)
    if not dialog.exec():
        return None
    chosen = dialog.selectedFiles()
    return chosen[0] if chosen else None
