"""Start the desktop application: ``python -m desktop`` or ``desktop.app.main()``."""

from __future__ import annotations

import gc
import logging
import sys
from typing import Any

from agent.config import APP_NAME
from agent.workspace import Workspace, setup_logging
from contracts.errors import FanousError
from desktop.i18n import install_language, layout_direction_for
from desktop.main_window import MainWindow
from desktop.onboarding import maybe_onboard
from desktop.qt import QApplication, QGuiApplication, QLocale, QMessageBox, Qt
from desktop.single_instance import SingleInstance
from desktop.tray import app_icon, install_tray, show_window

__all__ = ["build_window", "create_app", "layout_direction_for", "main"]

log = logging.getLogger(__name__)

ORGANIZATION = "Fanous"


def create_app(argv: list[str] | None = None) -> QApplication:
    """The running QApplication, created (and named) on first use.

    Qt 6 scales for high-DPI screens by itself; fractional factors (125 %, 150 %) are
    passed through rather than rounded, so text stays sharp and sized as the system says.
    Colours follow the system's light or dark scheme (Qt 6.5+ reads it from the platform
    and repaints on a change); the layout runs right to left when the locale is Arabic."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication(list(sys.argv if argv is None else argv))
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setDesktopFileName("fanous")
    app.setWindowIcon(app_icon())
    app.setLayoutDirection(layout_direction_for(QLocale()))
    return app


def build_window(workspace: Workspace, **seams: Any) -> MainWindow:
    """The main window, not shown, for an application that already exists (tests, main).

    ``seams`` go to ``MainWindow``: ``ops``, ``choose_folder``, ``open_url``."""
    window = MainWindow(workspace, **seams)
    # What is alive now lives as long as the app: move it out of the collector's reach,
    # so full collections stay short and never stall the event loop (measured: 60-100 ms
    # pauses on a large heap without this).
    gc.collect()
    gc.freeze()
    return window


def main(argv: list[str] | None = None, *, workspace: Workspace | None = None) -> int:
    app = create_app(argv)
    owned = workspace is None
    try:
        if workspace is None:
            workspace = Workspace()
    except FanousError as e:  # e.g. a broken settings file: say what to do, then leave
        install_language(app, "")
        QMessageBox.critical(None, APP_NAME, str(e))
        return 1
    try:
        setup_logging(workspace.paths)
        instance = SingleInstance(str(workspace.paths.database), app)
        if not instance.claim():  # Fanous already runs on this home: it came forward
            log.info("another Fanous runs on %s: showed its window", workspace.paths.database)
            return 0
        # Before any widget exists: each takes its texts (and direction) when it is made.
        install_language(app, workspace.settings.language)
        window = build_window(workspace)
        window.show()
        workspace.warm_search()  # the first question then finds its vectors read
        instance.activated.connect(lambda: show_window(window))
        install_tray(window, window.send)  # parented to the window, which keeps it alive
        maybe_onboard(window)
        return app.exec()
    finally:
        if owned:
            workspace.close()
