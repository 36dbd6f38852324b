"""The system tray icon: quick ask, show the window, quit.

Some desktops have no tray (GNOME without the AppIndicator extension, offscreen tests):
``install_tray`` then returns None and the app works without it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.qt import QAction, QCoreApplication, QIcon, QInputDialog, QMenu, QSystemTrayIcon

if TYPE_CHECKING:
    from desktop.main_window import MainWindow

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


def quick_ask(window: MainWindow) -> None:
    """Ask one question from the tray; the answer appears in the main window."""
    question, ok = QInputDialog.getText(
        None,
        QCoreApplication.translate("Tray", "Ask Fanous"),
        QCoreApplication.translate("Tray", "Question:"),
    )
    if ok and question.strip():
        show_window(window)
        window.send(question)


def show_window(window: MainWindow) -> None:
    window.showNormal()
    window.raise_()
    window.activateWindow()


def install_tray(window: MainWindow) -> QSystemTrayIcon | None:
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    tray = QSystemTrayIcon(app_icon(), window)
    tray.setToolTip(QCoreApplication.translate("Tray", "Fanous"))
    menu = QMenu(window)
    ask = QAction(QCoreApplication.translate("Tray", "Quick ask…"), menu)
    ask.triggered.connect(lambda _checked=False: quick_ask(window))
    show = QAction(QCoreApplication.translate("Tray", "Show Fanous"), menu)
    show.triggered.connect(lambda _checked=False: show_window(window))
    quit_action = QAction(QCoreApplication.translate("Tray", "Quit"), menu)
    quit_action.triggered.connect(lambda _checked=False: window.close())
    menu.addActions([ask, show])
    menu.addSeparator()
    menu.addAction(quit_action)
    tray.setContextMenu(menu)

    def activated(reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            show_window(window)

    tray.activated.connect(activated)
    tray.show()
    return tray
