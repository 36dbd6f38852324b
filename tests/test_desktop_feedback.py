"""Feedback in the window, driven with pytest-qt: 👍 / 👎 / "The right answer is…" under
a fresh answer and under one reopened from the history, kept with its turn."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

from pathlib import Path
from typing import Any

from agent import conversations
from agent.monitor import feedback
from tests import test_desktop as base
from tests.conftest import WAIT_MS
from tests.fakes.engines import FakeEngine
from tests.test_desktop import ask
from tests.test_desktop_actions import click_action

notes, open_window = base.notes, base.open_window


def test_thumbs_and_the_right_answer_are_kept_with_the_turn(
    qtbot: Any, open_window: Any, notes: Path
) -> None:
    window = open_window(FakeEngine("At 7:40.", "At 9:00."), folders=[notes])
    ask(qtbot, window)
    qtbot.waitUntil(lambda: not window.is_answering, timeout=WAIT_MS)
    assert "👍 Good answer · 👎 Wrong · The right answer is…" in window.transcript.toPlainText()
    store = window.workspace.store

    click_action(window, 0, "fb-up")
    qtbot.waitUntil(lambda: window.feedback.last is not None, timeout=WAIT_MS)
    assert "kept with this answer" in window.statusBar().currentMessage()
    (kept,) = feedback.collected(store)
    assert (kept.rating, kept.answer) == ("up", "At 7:40.")

    asked: list[str] = []

    def answer_box(_parent: Any, _title: str, label: str) -> tuple[str, bool]:
        asked.append(label)
        return "7:40 from pier 3", True

    window.feedback._ask_text = answer_box
    window.feedback.last = None
    click_action(window, 0, "fb-right")
    qtbot.waitUntil(lambda: window.feedback.last is not None, timeout=WAIT_MS)
    assert "evaluation set" in asked[0]
    (kept,) = feedback.collected(store)
    assert (kept.rating, kept.correction) == ("up", "7:40 from pier 3")

    # A reopened chat: the answer finds its turn through the history.
    cid = window.conversation_id
    window.new_chat()
    window.session.show_conversation(cid, conversations.load_messages(store, cid))
    window.feedback.last = None
    click_action(window, 0, "fb-down")
    qtbot.waitUntil(lambda: window.feedback.last is not None, timeout=WAIT_MS)
    (kept,) = feedback.collected(store)
    assert (kept.rating, kept.correction) == ("down", "7:40 from pier 3")
