"""A hidden command for packaging checks: ``fanous _startup-check`` opens the main window
(offscreen under ``QT_QPA_PLATFORM=offscreen``), lets the event loop turn once, closes it
and prints how long the start took, as JSON. The installer tests and benchmarks run it
from the built app to measure start-up to a usable window.
"""

from __future__ import annotations

import argparse
import os
import time

from agent.cli.common import print_json

__all__ = ["register", "seconds_since_process_start"]


def seconds_since_process_start() -> float | None:
    """Wall time since this process was started (Linux: /proc; elsewhere None)."""
    try:
        with open("/proc/self/stat") as f:
            # Field 22 (starttime, in clock ticks after boot) follows the ")" of the name.
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))


def cmd_startup_check(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    # Imported here: `fanous COMMAND` must not load Qt for the commands that do not need it.
    from agent.workspace import Workspace, setup_logging
    from desktop.app import build_window, create_app
    from desktop.i18n import install_language
    from desktop.qt import Qt

    app = create_app()
    workspace = Workspace()
    try:
        setup_logging(workspace.paths)
        language = install_language(app, workspace.settings.language)  # as the app starts
        window = build_window(workspace)
        window.show()
        app.processEvents()  # one turn of the event loop: shown, laid out, painted
        visible = window.isVisible()
        report = {
            "window": window.windowTitle(),
            "visible": visible,
            "language": language,
            "right_to_left": app.layoutDirection() == Qt.LayoutDirection.RightToLeft,
            "send_button": window.send_button.text(),
            "platform": app.platformName(),
            "shown_at": time.time(),  # epoch: a caller can measure from its own spawn
            "in_process_s": round(time.perf_counter() - t0, 3),
            "since_process_start_s": seconds_since_process_start(),
        }
        window.close()
        app.processEvents()
    finally:
        workspace.close()
    print_json(report)
    return 0 if visible else 1


def register(sub: argparse._SubParsersAction) -> None:
    # No help text: the command stays out of `fanous --help`.
    check = sub.add_parser("_startup-check")
    check.set_defaults(run=cmd_startup_check)
