"""Start the desktop application: ``python -m desktop`` or ``desktop.app.main()``."""

from __future__ import annotations

import sys
from typing import Any

from agent.config import APP_NAME
from agent.errors import FanousError
from agent.workspace import Workspace, setup_logging
from desktop.main_window import MainWindow
from desktop.qt import QApplication, QMessageBox

__all__ = ["build_window", "create_app", "main"]

ORGANIZATION = "Fanous"


def create_app(argv: list[str] | None = None) -> QApplication:
    """The running QApplication, created (and named) on first use."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(list(sys.argv if argv is None else argv))
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setDesktopFileName("fanous")
    return app


def build_window(workspace: Workspace, **seams: Any) -> MainWindow:
    """The main window, not shown, for an application that already exists (tests, main).

    ``seams`` go to ``MainWindow``: ``ops``, ``choose_folder``, ``open_url``."""
    return MainWindow(workspace, **seams)


def main(argv: list[str] | None = None, *, workspace: Workspace | None = None) -> int:
    app = create_app(argv)
    owned = workspace is None
    try:
        if workspace is None:
            workspace = Workspace()
    except FanousError as e:  # e.g. a broken settings file: say what to do, then leave
        QMessageBox.critical(None, APP_NAME, str(e))
        return 1
    try:
        setup_logging(workspace.paths)
        window = build_window(workspace)
        window.show()
        return app.exec()
    finally:
        if owned:
            workspace.close()
