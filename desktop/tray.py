"""The system tray icon: quick ask, show the window, quit.

Some desktops have no tray (GNOME without the AppIndicator extension, offscreen tests):
``install_tray`` then returns None and the app works without it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from desktop.qt import (
    QAction,
    QCoreApplication,
    QIcon,
    QInputDialog,
    QMenu,
    QSystemTrayIcon,
    QWidget,
)

__all__ = ["app_icon", "icons_dir", "install_tray", "quick_ask"]


def icons_dir() -> Path:
    """resources/icons: in the installed app under the bundle's folder (PyInstaller's
    ``sys._MEIPASS``, as agent/engines/packaged.py finds the model), else the checkout's."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle and (Path(bundle) / "resources" / "icons").is_dir():
        return Path(bundle) / "resources" / "icons"
    return Path(__file__).resolve().parent.parent / "resources" / "icons"


def app_icon() -> QIcon:
    """The lantern at every size we ship; an empty icon when resources are missing."""
    icon = QIcon()
    folder = icons_dir()
    for size in (16, 24, 32, 48, 64, 128, 256):
        path = folder / f"fanous-{size}.png"
        if path.exists():
            icon.addFile(str(path))
    return icon


def quick_ask(window: QWidget, ask: Callable[[str], object]) -> None:
    """Ask one question from the tray; ``ask`` shows the answer in ``window``."""
    question, ok = QInputDialog.getText(
        None,
        QCoreApplication.translate("Tray", "Ask Fanous"),
        QCoreApplication.translate("Tray", "Question:"),
    )
    if ok and question.strip():
        show_window(window)
        ask(question)


def show_window(window: QWidget) -> None:
    window.showNormal()
    window.raise_()
    window.activateWindow()


def install_tray(window: QWidget, ask: Callable[[str], object]) -> QSystemTrayIcon | None:
    """The icon, parented to ``window`` (which keeps it alive); ``ask`` takes a question."""
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    tray = QSystemTrayIcon(app_icon(), window)
    tray.setToolTip(QCoreApplication.translate("Tray", "Fanous"))
    menu = QMenu(window)
    ask_action = QAction(QCoreApplication.translate("Tray", "Quick ask…"), menu)
    ask_action.triggered.connect(lambda _checked=False: quick_ask(window, ask))
    show = QAction(QCoreApplication.translate("Tray", "Show Fanous"), menu)
    show.triggered.connect(lambda _checked=False: show_window(window))
    quit_action = QAction(QCoreApplication.translate("Tray", "Quit"), menu)
    quit_action.triggered.connect(lambda _checked=False: window.close())
    menu.addActions([ask_action, show])
    menu.addSeparator()
    menu.addAction(quit_action)
    tray.setContextMenu(menu)

    def activated(reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            show_window(window)

    tray.activated.connect(activated)
    tray.show()
    return tray
