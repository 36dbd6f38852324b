"""First run, settings pages, the status bar and the tray: set-up as a user meets it."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import sys
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from agent import secrets
from agent.config import Paths
from agent.privacy import ledger
from agent.sources import source_id
from agent.workspace import Workspace
from contracts.errors import EngineError, StorageError
from desktop import tray
from desktop.app import build_window
from desktop.onboarding import Onboarding, maybe_onboard
from desktop.pickers import picker
from desktop.qt import (
    QColor,
    QDialogButtonBox,
    QObject,
    QPalette,
    QPoint,
    Qt,
    QWizard,
    Signal,
)
from desktop.settings_dialog import PAGES, SettingsDialog
from desktop.tray import install_tray
from tests import test_desktop as base
from tests.conftest import WAIT_MS
from tests.fakes.engines import FakeEngine
from tests.fakes.ollama_server import FakeOllama
from tests.test_desktop import ask
from tests.test_models_cli import free_port

notes, open_window = base.notes, base.open_window


def press_ok(qtbot: Any, dialog: SettingsDialog) -> None:
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def test_onboarding_detects_picks_indexes_and_is_shown_once(
    qtbot: Any, open_window: Any, notes_dir: Path
) -> None:
    window = open_window(choose_folder=lambda _parent: str(notes_dir))
    wizard = maybe_onboard(window)
    assert isinstance(wizard, Onboarding) and wizard.isVisible()
    qtbot.waitUntil(lambda: "CPU" in wizard.machine.hardware.text(), timeout=WAIT_MS)
    assert "embedded" in wizard.machine.model.text()

    wizard.next()  # the optional Ollama model: the page says what it found
    box = wizard.model_page.box
    qtbot.waitUntil(lambda: box.status.text() != "Looking for Ollama…", timeout=WAIT_MS)
    wizard.next()
    qtbot.mouseClick(
        wizard.folders_page.findChild(QObject, "onboardingAddFolder"), Qt.MouseButton.LeftButton
    )
    assert wizard.folders() == [str(notes_dir.resolve())]
    wizard.next()  # mail: skipped (tests/test_desktop_mail.py adds some)
    wizard.next()  # the indexing page starts the indexing
    assert window.is_indexing
    bar = wizard.index_page.progress
    qtbot.waitUntil(lambda: not window.is_indexing, timeout=WAIT_MS)
    assert bar.value() == bar.maximum() == 4
    assert "4 new" in wizard.index_page.status.text()
    wizard.button(QWizard.WizardButton.FinishButton).click()

    assert window.workspace.settings.onboarded
    assert Workspace(window.workspace.paths).settings.onboarded  # saved
    assert maybe_onboard(window) is None  # shown once
    ask(qtbot, window, "When is the dentist?")
    qtbot.waitUntil(lambda: not window.is_answering, timeout=WAIT_MS)
    assert window.last_answer.sources  # the onboarding's folder answers


def test_onboarding_pull_hint_names_the_fields_model_and_pickers_start_at_home(
    qtbot: Any, open_window: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    window = open_window()
    window.workspace.settings.ollama_host = f"http://127.0.0.1:{free_port()}"  # nothing there
    wizard = maybe_onboard(window)
    wizard.next()
    box = wizard.model_page.box
    qtbot.waitUntil(lambda: "not installed" in box.status.text(), timeout=WAIT_MS)
    box.name.clear()
    qtbot.keyClicks(box.name, "llama3.2:1b")  # the field's model, as the catalog fills it
    assert "`ollama pull llama3.2:1b`" in box.status.text()
    qtbot.keyClicks(box.name, "-q8")  # edited: the hint follows
    assert "`ollama pull llama3.2:1b-q8`" in box.status.text()
    wizard.reject()

    monkeypatch.chdir(tmp_path)  # started from some other folder
    for folder in (True, False):
        dialog = picker(None, "Add", folder=folder)
        assert Path(dialog.directory().absolutePath()).resolve() == Path.home().resolve()


def test_onboarding_can_be_skipped_at_once(qtbot: Any, open_window: Any) -> None:
    window = open_window()
    wizard = maybe_onboard(window)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.CustomButton1), Qt.MouseButton.LeftButton)
    assert not wizard.isVisible()
    assert window.workspace.settings.onboarded and window.workspace.settings.notes_folders == []


def test_settings_pages_write_settings_and_offline_wins(
    qtbot: Any, open_window: Any, notes: Path
) -> None:
    window = open_window(FakeEngine("At 7:40.", "At 7:40."), folders=[notes])
    dialog = window.open_settings("Privacy")
    assert [dialog.nav.item(i).text() for i in range(dialog.nav.count())] == list(PAGES)
    assert dialog.stack.currentIndex() == PAGES.index("Privacy")
    box = dialog.offline_checkbox  # click its box: the widget is wider than box and label
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    dialog.never_send.setPlainText(f"{notes}\n\n")
    dialog.show_page("Cloud")
    dialog.cloud_checkbox.setChecked(True)
    dialog.budget.setValue(2.5)
    dialog.show_page("Models")
    assert not dialog.free_memory.isChecked()
    dialog.free_memory.setChecked(True)
    press_ok(qtbot, dialog)

    settings = Workspace(window.workspace.paths).settings  # as saved
    assert settings.offline and settings.cloud_escalation
    assert settings.free_model_memory_on_quit
    assert settings.monthly_budget_usd == 2.5
    # A never-send line naming a source becomes that source's permission.
    assert settings.never_send_sources == []
    assert settings.source_permissions == {source_id("notes", str(notes)): {"never_send": True}}
    assert window.route_indicator.text() == "Offline"
    ask(qtbot, window)
    qtbot.waitUntil(lambda: not window.is_answering, timeout=WAIT_MS)
    assert window.last_answer.route.kind == "local"
    assert "offline" in window.last_answer.route.reason


def test_api_key_goes_to_the_keyring_only(qtbot: Any, open_window: Any) -> None:
    window = open_window()
    key = f"sk-test-{uuid.uuid4().hex}"
    dialog = window.open_settings("Cloud")
    provider = dialog.provider_combo.currentData()
    qtbot.keyClicks(dialog.api_key, key)
    press_ok(qtbot, dialog)
    try:
        qtbot.waitUntil(lambda: secrets.get_secret(provider) == key, timeout=WAIT_MS)
        for path in Path(window.workspace.paths.config_dir).parent.rglob("*"):
            if path.is_file():
                assert key.encode() not in path.read_bytes(), path
    finally:
        secrets.delete_secret(provider)


def test_status_bar_shows_engine_gpu_and_index(qtbot: Any, open_window: Any, notes: Path) -> None:
    window = open_window(folders=[notes])
    status = window.status
    qtbot.waitUntil(lambda: status.engine.text() == "fake · fake-model", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: status.gpu.text() not in ("", "GPU: …"), timeout=WAIT_MS)
    assert status.gpu.text() == "CPU only" or status.gpu.text().startswith("GPU: ")
    qtbot.waitUntil(lambda: status.index.text() == "1 notes indexed", timeout=WAIT_MS)
    assert not status.progress.isVisible()
    assert window.route_indicator.text() == "Local"


def test_status_bar_follows_background_embedding_and_says_when_it_stops(
    qtbot: Any, tmp_path: Path, notes: Path
) -> None:
    class Gated:
        """An embedder that waits for the test, then works or fails as told."""

        name = "gated"

        def __init__(self) -> None:
            self.gate, self.fail = threading.Event(), False

        def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
            self.gate.wait(10)
            if self.fail:
                raise EngineError("the embedding model is gone")
            return np.ones((len(texts), 8), dtype=np.float32)

        def embed_query(self, text: str) -> np.ndarray:
            return np.ones(8, dtype=np.float32)

    embedder = Gated()
    home = Paths.resolve(tmp_path / "home")
    workspace = Workspace(home, engine=FakeEngine(), embedder=embedder)
    workspace.add_notes_folder(str(notes))
    window = build_window(workspace)
    qtbot.addWidget(window)
    window.show()
    try:
        vectors = window.status.vectors
        qtbot.waitUntil(lambda: vectors.isVisible(), timeout=WAIT_MS)
        assert vectors.text() == "Embedding 0 %"
        assert "0 of 2 new passages" in vectors.toolTip()
        embedder.fail = True
        embedder.gate.set()
        qtbot.waitUntil(lambda: vectors.text() == "Search by meaning paused", timeout=WAIT_MS)
        assert "the embedding model is gone" in vectors.toolTip()
        embedder.fail = False
        workspace.embed_in_background()  # tried again (as the next index run does)
        window.status.track_embedding(workspace)
        qtbot.waitUntil(lambda: not vectors.isVisible(), timeout=WAIT_MS)
    finally:
        embedder.gate.set()
        window.close()
        workspace.close()


def test_a_database_opened_read_only_on_a_full_disk_is_announced(
    qtbot: Any, tmp_path: Path
) -> None:
    workspace = Workspace(Paths.resolve(tmp_path / "home"), engine=FakeEngine())
    full = StorageError("The disk is full: Fanous could not save", fix="free some space")
    workspace.store.read_only = full  # what Store does when the disk has no room at all
    window = build_window(workspace)
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(window.banner.isVisible, timeout=WAIT_MS)
        assert "The disk is full" in window.banner.text()
        assert "nothing new can be saved" in window.banner.text()
        assert "free some space" in window.banner.text()
    finally:
        window.close()
        workspace.close()


def test_no_tray_is_fine_and_controls_have_names(qtbot: Any, open_window: Any) -> None:
    window = open_window()
    assert install_tray(window, window.send) is None  # offscreen has no system tray
    for name in ("prompt", "send", "stop", "transcript", "sources", "conversations"):
        widget = window.findChild(QObject, name)
        assert widget is not None and widget.accessibleName(), name
    shortcuts = {
        a.objectName(): a.shortcut().toString()
        for a in (window.action_new_chat, window.action_focus, window.action_stop)
    }
    assert shortcuts == {
        "actionNewChat": "Ctrl+N",
        "actionFocusInput": "Ctrl+L",
        "actionStop": "Esc",
    }
    assert window.action_settings.shortcut().toString() == "Ctrl+,"


def test_quick_ask_hands_the_question_to_the_window(
    qtbot: Any, open_window: Any, monkeypatch: Any
) -> None:
    """The tray's Quick ask: the typed question goes to ``ask``; a cancelled one does not."""
    window = open_window()
    asked: list[str] = []
    answers = iter([("When is the dentist?", True), ("ignored", False), ("   ", True)])
    monkeypatch.setattr(tray.QInputDialog, "getText", lambda *_a, **_k: next(answers))
    for _ in range(3):
        tray.quick_ask(window, asked.append)
    assert asked == ["When is the dentist?"]
    assert window.isVisible()


class _Emitter(QObject):
    ping = Signal(object)


def test_signal_emit_keeps_reference_counts() -> None:
    """PySide6 6.12.0 dropped a reference to True on every emit; the app then aborts after
    a few thousand signals (Python 3.11). pyproject excludes it; this catches a relapse."""
    emitter = _Emitter()
    emitter.ping.connect(lambda _x: None)
    before = sys.getrefcount(True)
    for _ in range(200):
        emitter.ping.emit(1)
    assert sys.getrefcount(True) - before > -50


def test_models_page_pulls_with_progress_cancels_and_removes(qtbot: Any, open_window: Any) -> None:
    with FakeOllama() as fake:  # an Ollama API double on loopback
        window = open_window()
        window.workspace.settings.ollama_host = fake.url
        dialog = window.open_settings("Models")
        box = dialog.ollama
        qtbot.waitUntil(lambda: "runs at" in box.status.text(), timeout=WAIT_MS)
        assert "llama3.2:1b" in box.installed_names()

        values: list[int] = []
        box.progress.valueChanged.connect(values.append)
        box.name.setText("qwen3:0.6b")
        qtbot.mouseClick(box.pull_button, Qt.MouseButton.LeftButton)
        assert box.cancel_button.isEnabled() and not box.pull_button.isEnabled()
        qtbot.waitUntil(lambda: "qwen3:0.6b" in box.installed_names(), timeout=WAIT_MS)
        assert box.last_result.status == "installed"
        assert values == sorted(values) and values[-1] == 1000  # fast: first and last only

        fake.pull_steps, fake.chunk_delay = 200, 0.01  # a slow pull, cancelled midway
        box.name.setText("gemma3:1b")
        qtbot.mouseClick(box.pull_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: 0 < box.progress.value() < 1000, timeout=WAIT_MS)  # midway
        qtbot.mouseClick(box.cancel_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: box.last_result.status == "cancelled", timeout=WAIT_MS)
        assert "resumes" in box.status.text()
        assert "gemma3:1b" not in fake.models

        fake.pull_steps, fake.chunk_delay = 4, 0.0
        qtbot.waitUntil(lambda: not box.busy, timeout=WAIT_MS)
        box.installed.setCurrentRow(box.installed_names().index("qwen3:0.6b"))
        qtbot.mouseClick(box.remove_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "qwen3:0.6b" not in box.installed_names(), timeout=WAIT_MS)
        assert "qwen3:0.6b" not in fake.models
        dialog.reject()


def test_mail_account_password_goes_to_the_keyring(qtbot: Any, open_window: Any) -> None:
    window = open_window()
    dialog = window.open_settings("Sources")
    mail = dialog.mail
    password = f"pw-{uuid.uuid4().hex}"
    qtbot.keyClicks(mail.host, "imap.example.org")
    qtbot.keyClicks(mail.user, "me")
    qtbot.keyClicks(mail.password, password)
    qtbot.mouseClick(mail.add_button, Qt.MouseButton.LeftButton)
    name = "me@imap.example.org:993"
    try:
        qtbot.waitUntil(lambda: mail.names() == [name], timeout=WAIT_MS)
        assert secrets.get_secret(f"imap:{name}") == password
        saved = window.workspace.paths.settings_file.read_text(encoding="utf-8")
        assert "imap.example.org" in saved and password not in saved
        mail.accounts.setCurrentRow(0)
        qtbot.mouseClick(mail.remove_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: mail.names() == [], timeout=WAIT_MS)
        assert secrets.get_secret(f"imap:{name}") is None
    finally:
        secrets.delete_secret(f"imap:{name}")
    dialog.reject()


def test_colours_follow_a_palette_change(qtbot: Any, open_window: Any) -> None:
    """A light/dark switch by the system arrives as a palette change: new text follows."""
    window = open_window()
    before = window.transcript._question_block.background().color()
    dark = QPalette(QColor("#202124"))  # a dark palette derived from one colour
    window.setPalette(dark)
    after = window.transcript._question_block.background().color()
    assert after != before and after.lightness() < 128


def test_privacy_page_shows_the_egress_ledger(qtbot: Any, open_window: Any) -> None:
    window = open_window()
    qtbot.waitUntil(lambda: window.history.ready, timeout=WAIT_MS)
    ledger.record(
        window.workspace.store,
        ledger.LedgerEntry(
            at=time.time(), provider="openai", model="gpt-4o-mini", host="api.openai.com",
            bytes_sent=1234, cost_usd=0.0021, status="ok",
        ),
    )  # fmt: skip
    dialog = window.open_settings("Privacy")
    table = dialog.ledger_table
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=WAIT_MS)
    row = [table.item(0, c).text() for c in range(table.columnCount())]
    assert row[1:] == ["openai", "gpt-4o-mini", "1,234 B", "$0.0021", "ok"]
    assert "1 request" in dialog.ledger_status.text()
    dialog.reject()
