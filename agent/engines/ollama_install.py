"""What to tell a user who has no Ollama yet: per-OS steps and the official download page.

Qt-free so the desktop's first-run notice, `fanous doctor` and tests share one text. Fanous
never downloads or runs an installer itself: the user follows the page, and meanwhile the
embedded engine answers.
"""

from __future__ import annotations

import os
import platform
import shutil
from typing import Literal, NamedTuple

from agent.engines.ollama import SUGGESTED_CHAT_MODEL, ollama_running

__all__ = ["DOWNLOAD_URL", "InstallGuide", "install_instructions", "ollama_state"]

DOWNLOAD_URL = "https://ollama.com/download"

OllamaState = Literal["running", "installed", "absent"]

_MEANWHILE = (
    "Until then Fanous answers with its built-in model, on this computer only. Once Ollama "
    "runs, Fanous uses it automatically (engine setting: auto)."
)
_STEPS = {
    "Windows": (
        "Download OllamaSetup.exe from the Ollama download page and run it; Ollama then "
        "starts by itself and sits in the notification area. Open PowerShell and run "
        "`ollama pull {model}` to get a chat model.",
        f"{DOWNLOAD_URL}/windows",
    ),
    "Darwin": (
        "Download Ollama for macOS from the Ollama download page, move Ollama.app to "
        "Applications and open it (it runs in the menu bar). Then, in Terminal, run "
        "`ollama pull {model}` to get a chat model.",
        f"{DOWNLOAD_URL}/mac",
    ),
    "Linux": (
        "Follow the Linux instructions on the Ollama download page (your distribution's "
        "package or the official install command), then start it with `ollama serve` (the "
        "installer sets it up as a service) and run `ollama pull {model}` to get a chat model.",
        f"{DOWNLOAD_URL}/linux",
    ),
}


class InstallGuide(NamedTuple):
    """``text`` to show (plain, a few sentences) and ``url`` for an "Open download page"
    button. Unpacks as ``text, url = install_instructions()``."""

    text: str
    url: str


def install_instructions(
    system: str | None = None, *, model: str = SUGGESTED_CHAT_MODEL
) -> InstallGuide:
    """How to install Ollama on ``system`` (``platform.system()`` names: "Windows",
    "Darwin", "Linux"; the running one by default). Unknown systems get the general page."""
    system = system or platform.system()
    steps, url = _STEPS.get(
        system,
        (
            "Install Ollama from its download page, start it, and get a chat model with "
            "`ollama pull {model}`.",
            DOWNLOAD_URL,
        ),
    )
    text = "Ollama runs larger local models, on your GPU when you have one. " + steps.format(
        model=model
    )
    return InstallGuide(f"{text} {_MEANWHILE}", url)


def ollama_state(host: str = "", *, which: str | None = None) -> OllamaState:
    """ "running" when a server answers at ``host``; "installed" when the ``ollama`` program
    is on PATH (or ``which`` names one) but does not answer; else "absent"."""
    if ollama_running(host):
        return "running"
    program = which if which is not None else shutil.which("ollama")
    return "installed" if program and os.path.exists(program) else "absent"
