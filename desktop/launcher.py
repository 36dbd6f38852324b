"""The `fanous` entry point: the command line of ``agent.cli``, plus what only the
desktop layer may do — open the window when no command is given, and the hidden
``_startup-check``. Qt is imported only when the window opens, so ``fanous index`` and
the other commands start without it."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from agent import cli
from desktop import startup_check

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, open_app=open_app, extra=[startup_check])


def open_app() -> int:
    if _no_display():
        print("error: there is no graphical display to open the app on", file=sys.stderr)
        print(
            "  fix: start Fanous from your desktop session, or use it from the "
            "command line (fanous --help)",
            file=sys.stderr,
        )
        return 1
    from desktop.app import main as launch

    return launch()


def _no_display() -> bool:
    """On Linux without X11, Wayland or an explicit Qt platform, Qt would abort."""
    return sys.platform.startswith("linux") and not any(
        os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    )


if __name__ == "__main__":
    sys.exit(main())
