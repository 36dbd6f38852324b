"""Take the README's screenshots from the real app: run by ``scripts/screenshots``.

A throw-away Fanous home, a sample notes folder (English and Arabic), the real embedded
model answering; each main screen is grabbed to ``resources/screenshots/*.png``, and a
draft reply proposed from the window (its confirmation dialog) with the Privacy page's
write permissions and action log, and the Monitor page over the turns asked.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent.actions import Actions, Confirmation, Origin  # noqa: E402
from agent.config import Paths  # noqa: E402
from agent.mail_accounts import add_mail_path, index_mail_path  # noqa: E402
from agent.sources import find_source, set_permission  # noqa: E402
from agent.workspace import Workspace  # noqa: E402
from desktop.app import create_app  # noqa: E402
from desktop.i18n import install_language  # noqa: E402
from desktop.main_window import MainWindow  # noqa: E402
from desktop.onboarding import Onboarding  # noqa: E402
from desktop.qt import QApplication, QLocale, QWidget  # noqa: E402
from desktop.sources_panel import SourceRef  # noqa: E402

OUT = ROOT / "resources" / "screenshots"
WINDOW = Origin("you", "window")
# `scripts/screenshots NAME…` retakes only those (e.g. action-draft settings-privacy).
ONLY = set(sys.argv[1:])
SAMPLE_MAIL_ID = "mid:ferry-1@example.org"
SAMPLE_MAIL = (
    b"From: Omar Khalil <omar@example.org>\r\nTo: Sara Haddad <sara@example.com>\r\n"
    b"Subject: Ferry on Saturday\r\nDate: Tue, 05 Mar 2024 10:00:00 +0200\r\n"
    b"Message-ID: <ferry-1@example.org>\r\n\r\n"
    b"Hi Sara,\r\n\r\nShall we take the 7:40 ferry to Hydra on Saturday? I can buy the "
    b"tickets at the kiosk.\r\n\r\nOmar\r\n"
)
SAMPLE_NOTES = {
    "travel/hydra.md": "# Travel\n\n## Ferry to Hydra\n\nThe ferry to Hydra leaves at 7:40 "
    "from pier 3 in Piraeus. Tickets cost 12 euros at the kiosk; the trip takes two hours.\n\n"
    "## Packing\n\n- passport\n- sun hat\n- 20 euros in cash for the water taxi\n",
    "work/standup.md": "# Work\n\n## Standup\n\nThe team standup is every weekday at 9:15 in "
    "room Cedar. Bring blockers, not status.\n",
    "home/garden.md": "# Garden\n\nWater the olive tree every Sunday. The lemon tree needs "
    "citrus feed in April.\n",
    "recipes/hummus.md": "# Hummus\n\nSoak 250 g chickpeas overnight, cook 1 hour, blend with "
    "3 tbsp tahini, 1 lemon, 1 garlic clove and salt.\n",
    "سفر/القاهرة.md": "# السفر\n\n## القطار إلى الإسكندرية\n\nيغادر القطار إلى الإسكندرية من "
    "محطة رمسيس في الساعة الثامنة صباحا. سعر التذكرة مئة جنيه.\n",
}


def pump(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def wait(app: QApplication, condition, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the app did not get there in time")
        app.processEvents()
        time.sleep(0.01)


def save(widget: QWidget, name: str) -> None:
    if ONLY and name not in ONLY:
        return
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(f"wrote {path.relative_to(ROOT)}")


def ask(app: QApplication, window: MainWindow, question: str) -> None:
    window.prompt.setPlainText(question)
    window.send()
    wait(app, lambda: not window.is_answering)
    pump(app, 0.3)


def write_notes(root: Path) -> Path:
    for rel, text in SAMPLE_NOTES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def open_window(app: QApplication, home: Path, notes: Path) -> MainWindow:
    workspace = Workspace(Paths.resolve(home))
    workspace.settings.engine = "embedded"  # the real packaged model, never the network
    workspace.settings.onboarded = True
    workspace.save_settings()
    workspace.add_notes_folder(str(notes))
    window = MainWindow(workspace)
    window.resize(1240, 760)
    window.show()
    wait(app, lambda: not window.is_indexing and window.hardware is not None)
    pump(app, 0.5)
    return window


def propose_draft(app: QApplication, window: MainWindow, mail: Path, notes: Path) -> None:
    """A mail folder whose drafts Fanous may write and a notes folder it may write to;
    a reminder saved (so the action log has a row), then a reply proposed from the
    window — written by the real model — and its confirmation dialog grabbed."""
    ws = window.workspace
    mail.mkdir(parents=True, exist_ok=True)
    (mail / "omar.eml").write_bytes(SAMPLE_MAIL)
    add_mail_path(ws, str(mail))
    index_mail_path(ws, str(mail))
    for place, name in ((notes, "write_notes"), (mail, "write_drafts")):
        set_permission(ws.settings, find_source(ws.settings, str(place)).id, name, True)
    ws.save_settings()
    actions = Actions(ws)
    actions.confirm(
        actions.propose_reminder(text="Ferry to Hydra on Saturday at 7:40", origin=WINDOW),
        Confirmation("window dialog"),
    )
    window.actions._ask_text = lambda *_args: ("Yes, the 7:40 ferry suits me.", True)
    window.actions.draft_reply(SourceRef("Ferry on Saturday", None, SAMPLE_MAIL_ID, "", 0, 0))
    wait(app, lambda: window.actions.dialog is not None, timeout=300)
    pump(app, 0.5)
    save(window.actions.dialog, "action-draft")
    window.actions.dialog.reject()
    pump(app, 0.3)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    app = create_app(["fanous"])
    tmp = Path(tempfile.mkdtemp(prefix="fanous-shots-"))
    notes = write_notes(tmp / "Notes")

    # First run: the onboarding over an empty window.
    first = Workspace(Paths.resolve(tmp / "first"))
    first.settings.engine = "embedded"
    window = MainWindow(first, choose_folder=lambda _parent: str(notes))
    window.resize(1240, 760)
    window.show()
    wizard = Onboarding(window)
    wizard.show()
    wait(
        app,
        lambda: "CPU" in wizard.machine.hardware.text() or "GPU" in wizard.machine.hardware.text(),
    )
    pump(app, 0.3)
    save(wizard, "onboarding-1-machine")
    wizard.next()
    wait(app, lambda: wizard.model_page.box.status.text() != "Looking for Ollama…")
    pump(app, 0.3)
    save(wizard, "onboarding-2-model")
    wizard.next()
    wizard.add_folder()
    pump(app, 0.2)
    save(wizard, "onboarding-3-folders")
    wizard.next()
    pump(app, 0.2)
    save(wizard, "onboarding-3-mail")
    wizard.next()
    wait(app, lambda: not window.is_indexing)
    pump(app, 0.3)
    save(wizard, "onboarding-4-indexing")
    wizard.accept()
    window.close()
    first.close()

    # Daily use: two earlier conversations in the list, then one asked live.
    window = open_window(app, tmp / "home", notes)
    ask(app, window, "How do I make hummus?")
    window.new_chat()
    ask(app, window, "When is the standup?")
    window.new_chat()
    ask(app, window, "When does the ferry to Hydra leave?")
    ask(app, window, "How much are the ferry tickets?")
    wait(app, lambda: len(window.conversations.titles()) == 3)
    window.show_turn_source(0, 0)
    wait(app, lambda: window.sources.highlighted_text() != "")
    pump(app, 0.5)
    save(window, "main-window")

    # The Monitor page over the turns just asked (the real model's own figures).
    page = window.open_monitor()
    wait(app, lambda: "turns:" in page.summary.text())
    page.resize(1000, 720)
    pump(app, 0.5)
    save(page, "monitor")
    page.reject()

    propose_draft(app, window, tmp / "Mail", notes)

    dialog = window.open_settings()
    for page in ("Sources", "Models", "Cloud", "Privacy"):
        dialog.show_page(page)
        pump(app, 0.3)
        save(dialog, f"settings-{page.lower()}")
    dialog.reject()
    window.close()
    window.workspace.close()

    # Arabic: the window translated and laid out right to left (language = "ar").
    QLocale.setDefault(QLocale("ar_EG"))
    install_language(app, "ar")
    window = open_window(app, tmp / "home-ar", notes)
    ask(app, window, "متى يغادر القطار إلى الإسكندرية؟")
    pump(app, 0.5)
    save(window, "main-window-arabic")
    dialog = window.open_settings("Models")
    pump(app, 0.3)
    save(dialog, "settings-models-arabic")
    dialog.reject()
    window.close()
    window.workspace.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
