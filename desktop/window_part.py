"""The base of the main window's parts (the chat session, the conversation sidebar, the
indexing runs): behaviour the window hands off, reaching its widgets through it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.qt import QObject

if TYPE_CHECKING:
    from desktop.main_window import MainWindow

__all__ = ["WindowPart"]


class WindowPart(QObject):
    def __init__(self, window: MainWindow) -> None:
        # A child of the window: when the window is deleted, Qt drops the connections to
        # this object's methods, so a worker's late result updates nothing.
        super().__init__(window)
        self._window = window
