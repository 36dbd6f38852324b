"""The main window's commands: one ``QAction`` each (text, object name, shortcut), and the
menu bar and toolbar that show them.

Every action is also added to the window itself, so its shortcut works even where no menu
shows it. The slots are the window's; this module only names and places the commands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from desktop.qt import QAction, QKeySequence, QMenuBar, QObject, QSizePolicy, QToolBar, QWidget

__all__ = ["ActionsHost", "WindowActions"]


class ActionsHost(Protocol):
    """The window the commands live in: where they are shown, and the slots they call."""

    def window(self) -> QWidget: ...
    # QMainWindow's own, under Qt's names
    def addAction(self, action: QAction) -> None: ...
    def menuBar(self) -> QMenuBar: ...
    def addToolBar(self, toolbar: QToolBar) -> None: ...
    # the window's commands
    def add_notes_folder(self) -> None: ...
    def reindex(self) -> object: ...
    def open_settings(self) -> object: ...
    def close(self) -> bool: ...
    def new_chat(self) -> None: ...
    def focus_prompt(self) -> None: ...
    def focus_search(self) -> None: ...
    def stop(self) -> None: ...
    def open_monitor(self) -> object: ...
    def set_cloud_escalation(self, on: bool) -> None: ...


def _action(
    window: ActionsHost,
    text: str,
    name: str,
    slot: Callable[[], object],
    shortcut: str | None = None,
) -> QAction:
    action = QAction(text, window.window())
    action.setObjectName(name)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{text.rstrip('…')} ({shortcut})")
    action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)  # shortcuts work even when the action is in no menu
    return action


class WindowActions(QObject):
    """A QObject only for ``tr``: its texts are translated under "WindowActions"."""

    def __init__(self, window: ActionsHost) -> None:
        super().__init__(window.window())
        w = window
        self.add_folder = _action(
            w, self.tr("Add notes folder…"), "actionAddFolder", w.add_notes_folder
        )
        self.reindex = _action(w, self.tr("Re-index"), "actionReindex", w.reindex, "F5")
        self.settings = _action(
            w, self.tr("Settings…"), "actionSettings", w.open_settings, "Ctrl+,"
        )
        self.settings.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.quit = _action(w, self.tr("Quit"), "actionQuit", w.close, "Ctrl+Q")
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.new_chat = _action(w, self.tr("New chat"), "actionNewChat", w.new_chat, "Ctrl+N")
        self.focus = _action(
            w, self.tr("Focus question"), "actionFocusInput", w.focus_prompt, "Ctrl+L"
        )
        self.search = _action(
            w, self.tr("Search conversations"), "actionSearch", w.focus_search, "Ctrl+F"
        )
        self.stop = _action(w, self.tr("Stop"), "actionStop", w.stop, "Esc")
        self.monitor = _action(
            w, self.tr("Monitor…"), "actionMonitor", w.open_monitor, "Ctrl+Shift+M"
        )
        self.cloud = QAction(self.tr("Cloud escalation"), window.window())
        self.cloud.setObjectName("actionCloudEscalation")
        self.cloud.setCheckable(True)
        self.cloud.setToolTip(self.tr("Off: nothing leaves this computer"))
        self.cloud.toggled.connect(window.set_cloud_escalation)

    def install(self, window: ActionsHost) -> None:
        """The menu bar (File, Chat, Privacy, Tools) and the toolbar."""
        bar = window.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addActions([self.add_folder, self.reindex])
        file_menu.addSeparator()
        file_menu.addAction(self.settings)
        file_menu.addSeparator()
        file_menu.addAction(self.quit)
        chat_menu = bar.addMenu(self.tr("&Chat"))
        chat_menu.addActions([self.new_chat, self.focus, self.search, self.stop])
        bar.addMenu(self.tr("&Privacy")).addAction(self.cloud)
        bar.addMenu(self.tr("&Tools")).addAction(self.monitor)

        toolbar = QToolBar(self.tr("Main"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.addActions([self.new_chat, self.add_folder, self.reindex])
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addAction(self.cloud)  # one click, always in sight
        toolbar.addAction(self.settings)
        window.addToolBar(toolbar)
