"""Actions in the window, driven with pytest-qt: the links under an answer, the buttons
under a source, the confirmation dialog (Cancel by default, Enter never confirms), the
proposal marked as the model's, and the action log in Settings › Privacy with Undo."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

from pathlib import Path
from typing import Any

from agent.actions import Origin, Proposal, Target
from agent.actions import log as action_log
from agent.config import load_settings
from desktop.confirm_action import ConfirmAction
from desktop.main_window import MainWindow
from desktop.qt import Qt, QUrl
from desktop.transcript import ACTION_SCHEME
from tests import test_desktop as base
from tests.conftest import WAIT_MS
from tests.fakes.engines import FakeEngine
from tests.test_desktop import ask

notes, open_window = base.notes, base.open_window
# What the notes say (an answer stating more would be replaced by the quote).
ANSWER = "The ferry to Hydra leaves at 7:40 from pier 3."


def click_action(window: MainWindow, turn: int, name: str) -> None:
    window.transcript.anchorClicked.emit(QUrl(f"{ACTION_SCHEME}:{turn}/{name}"))


def reminders(window: MainWindow) -> list[Path]:
    folder = window.workspace.paths.data_dir / "reminders"
    return sorted(folder.iterdir()) if folder.exists() else []


def answered(qtbot: Any, open_window: Any, notes: Path) -> MainWindow:
    window = open_window(FakeEngine(ANSWER), folders=[notes])
    ask(qtbot, window)
    qtbot.waitUntil(lambda: not window.is_answering, timeout=WAIT_MS)
    return window


def test_remind_me_under_an_answer_asks_then_saves_and_the_log_undoes_it(
    qtbot: Any, open_window: Any, notes: Path
) -> None:
    window = answered(qtbot, open_window, notes)
    text = window.transcript.toPlainText()
    assert "Save to notes · Remind me" in text

    click_action(window, 0, "remind")
    qtbot.waitUntil(lambda: window.actions.dialog is not None, timeout=WAIT_MS)
    dialog = window.actions.dialog
    assert dialog.windowTitle() == "Save this reminder?"
    assert "BEGIN:VEVENT" in dialog.preview.toPlainText()
    assert "Where: pier 3" in dialog.preview.toPlainText()
    assert dialog.origin.text() == "Asked for by you (window)."
    assert reminders(window) == []  # shown, not written

    # Enter cancels: the default button is Cancel.
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.actions.dialog is None, timeout=WAIT_MS)
    assert reminders(window) == []
    assert action_log.entries(window.workspace.store) == []

    click_action(window, 0, "remind")
    qtbot.waitUntil(lambda: window.actions.dialog is not None, timeout=WAIT_MS)
    qtbot.mouseClick(window.actions.dialog.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(reminders(window)) == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "Saved:" in window.statusBar().currentMessage(), timeout=WAIT_MS)
    (entry,) = action_log.entries(window.workspace.store)
    assert entry.confirmed_by.endswith("(window dialog)") and entry.kind == "reminder"

    settings = window.open_settings("Privacy")
    box = settings.action_log
    qtbot.waitUntil(lambda: box.table.rowCount() == 1, timeout=WAIT_MS)
    assert box.table.item(0, 1).text() == "reminder"
    assert not box.undo_button.isEnabled()
    box.table.selectRow(0)
    assert box.undo_button.isEnabled()
    qtbot.mouseClick(box.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: reminders(window) == [], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: box.table.item(0, 5).text().startswith("undone"), timeout=WAIT_MS)
    exported = window.workspace.paths.data_dir / "log.json"
    box._choose_file = lambda _parent: str(exported)
    qtbot.mouseClick(box.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(exported.exists, timeout=WAIT_MS)
    assert '"status": "undone"' in exported.read_text(encoding="utf-8")
    settings.reject()


def test_save_to_notes_without_a_writable_folder_says_how_to_allow_one(
    qtbot: Any, open_window: Any, notes: Path
) -> None:
    window = answered(qtbot, open_window, notes)
    before = sorted(p.name for p in notes.rglob("*"))
    click_action(window, 0, "note")
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=WAIT_MS)
    assert "No notes folder may be written" in window.banner.text()
    assert "Settings › Privacy" in window.banner.text()
    assert window.actions.dialog is None
    assert sorted(p.name for p in notes.rglob("*")) == before

    # Settings › Privacy: tick the notes folder; the next save is proposed there.
    dialog = window.open_settings("Privacy")
    boxes = dialog.permissions.list
    assert [boxes.item(i).text() for i in range(boxes.count())] == [
        f"{notes.resolve()}: write notes"
    ]
    assert dialog.permissions.allowed() == []
    boxes.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.reject()  # each tick is saved at once, whatever the dialog does after
    saved = load_settings(window.workspace.paths)
    assert list(saved.source_permissions.values()) == [{"write_notes": True}]
    click_action(window, 0, "note")
    qtbot.waitUntil(lambda: window.actions.dialog is not None, timeout=WAIT_MS)
    assert window.actions.dialog.proposal.target.root == str(notes.resolve())


def test_a_model_proposal_is_marked_and_cancel_writes_nothing(qtbot: Any, tmp_path: Path) -> None:
    folder = tmp_path / "reminders"
    folder.mkdir()
    proposal = Proposal(
        kind="reminder",
        target=Target("reminders", str(folder), str(folder), "a.ics", str(folder / "a.ics")),
        data=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        summary="an event 'Call the dentist'",
        text="Event: Call the dentist",
        origin=Origin("model", "ollama llama3.2 (tool call)"),
        details={"ignored_arguments": ["confirmed", "folder"]},
    )
    dialog = ConfirmAction(proposal)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "Proposed by the model ollama llama3.2" in dialog.origin.text()
    assert "Ignored what it also asked for: confirmed, folder" in dialog.origin.text()
    assert "b35c00" in dialog.origin.styleSheet()
    assert dialog.cancel_button.isDefault() and not dialog.confirm_button.isDefault()
    with qtbot.waitSignal(dialog.rejected):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert list(folder.iterdir()) == []


def test_save_to_notes_and_draft_a_reply_from_the_window(
    qtbot: Any, open_window: Any, notes: Path, tmp_path: Path
) -> None:
    from agent.mail_accounts import add_mail_path, index_mail_path
    from agent.sources import find_source, set_permission

    mail = tmp_path / "mail"
    mail.mkdir()
    (mail / "omar.eml").write_bytes(
        b"From: Omar Khalil <omar@example.org>\r\nTo: sara@example.com\r\n"
        b"Subject: Ferry time\r\nMessage-ID: <f-1@example.org>\r\n\r\n"
        b"The ferry leaves at 7:40 from pier 3. Shall we take it?\r\n"
    )
    window = open_window(FakeEngine(ANSWER, "Yes, see you at pier 3."), folders=[notes])
    ws = window.workspace
    add_mail_path(ws, str(mail))
    index_mail_path(ws, str(mail))
    for place, name in ((notes, "write_notes"), (mail, "write_drafts")):
        set_permission(ws.settings, find_source(ws.settings, str(place)).id, name, True)
    ws.save_settings()
    ask(qtbot, window, "When does the ferry leave from pier 3?")
    qtbot.waitUntil(lambda: not window.is_answering, timeout=WAIT_MS)

    click_action(window, 0, "note")
    qtbot.waitUntil(lambda: window.actions.dialog is not None, timeout=WAIT_MS)
    dialog = window.actions.dialog
    assert dialog.windowTitle() == "Save this note?"
    assert "title: When does the ferry leave from pier 3?" in dialog.preview.toPlainText()
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    saved = notes / "When does the ferry leave from pier 3.md"
    qtbot.waitUntil(saved.exists, timeout=WAIT_MS)
    assert ANSWER in saved.read_text(encoding="utf-8")

    # The mail among the answer's sources: Draft a reply, with what it should say.
    sources = window.sources
    items = [sources.list.item(i) for i in range(sources.list.count())]
    mails = [n for n, item in enumerate(items) if item.data(Qt.ItemDataRole.UserRole).is_mail]
    sources.list.setCurrentRow(mails[0])
    assert sources.draft_button.isEnabled()
    window.actions._ask_text = lambda *_args: ("yes, pier 3 at 7:40", True)
    qtbot.mouseClick(sources.draft_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.actions.dialog is not None, timeout=WAIT_MS)
    dialog = window.actions.dialog
    text = dialog.preview.toPlainText()
    assert "To: Omar Khalil <omar@example.org>" in text and "Subject: Re: Ferry time" in text
    assert "Yes, see you at pier 3." in text  # written by the model, as the route says
    assert "never sends mail" in dialog.findChild(type(dialog.origin), "actionSummary").text()
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (mail / "Drafts").exists(), timeout=WAIT_MS)
    (draft,) = (mail / "Drafts").iterdir()
    assert b"In-Reply-To: <f-1@example.org>" in draft.read_bytes()
    assert [e.kind for e in action_log.entries(ws.store)] == ["draft", "note"]
