"""Mail in the desktop app: the first-run mail step, Settings › Sources (mail on disk, Sync
mail now against a real Dovecot on loopback), a cited message in the preview pane, and the
notice shown when Ollama is absent (its button opens the official page, nothing else)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent import secrets
from agent.engines.ollama_install import install_instructions
from agent.mail_accounts import ImapAccount, add_account, load_message
from agent.workspace import Workspace
from desktop.onboarding import maybe_onboard
from desktop.qt import QObject, Qt, QUrl
from tests import test_desktop as base
from tests.conftest import WAIT_MS
from tests.fakes.dovecot import Dovecot, dovecot_available
from tests.fakes.engines import FakeEngine
from tests.mail_corpus import mbox_bytes
from tests.test_desktop import ask

open_window = base.open_window
CLOSED_PORT = "http://127.0.0.1:9"  # nothing listens: Ollama reads as absent


def message(n: int, subject: str, body: str) -> bytes:
    return (
        f"From: Sara Haddad <sara@example.com>\r\nTo: omar@example.com\r\n"
        f"Subject: {subject}\r\nDate: Tue, 05 Mar 2024 10:0{n % 10}:00 +0000\r\n"
        f"Message-ID: <desk{n}@example.com>\r\n\r\n{body}\r\n"
    ).encode()


@pytest.fixture
def mbox(tmp_path: Path) -> Path:
    path = tmp_path / "archive.mbox"
    path.write_bytes(
        mbox_bytes(
            message(1, "Boat tickets", "The tickets for the Hydra boat are in the blue folder."),
            message(2, "Lunch", "Lunch on Friday at the harbour café."),
        )
    )
    return path


@pytest.fixture
def no_ollama(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No ``ollama`` program on PATH, whatever the machine has."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def mail_count(window: Any) -> int:
    return window.workspace.store.conn.execute(
        "SELECT count(*) FROM documents WHERE source = 'mail'"
    ).fetchone()[0]


def test_onboarding_mail_step_and_ollama_notice(
    qtbot: Any, open_window: Any, mbox: Path, no_ollama: None
) -> None:
    opened: list[QUrl] = []
    window = open_window(
        choose_mail_path=lambda _parent, _kind: str(mbox), open_url=lambda u: opened.append(u)
    )
    window.workspace.settings.ollama_host = CLOSED_PORT
    wizard = maybe_onboard(window)
    wizard.next()  # the model page: Ollama is absent, so it says how to get it
    box = wizard.model_page.box
    qtbot.waitUntil(lambda: box.download_button.isVisibleTo(box), timeout=WAIT_MS)
    guide = install_instructions()
    assert guide.text in box.status.text() and "built-in model" in box.status.text()
    qtbot.mouseClick(box.download_button, Qt.MouseButton.LeftButton)
    assert opened == [QUrl(guide.url)]  # the official page, through the seam; nothing else
    assert guide.url.startswith("https://ollama.com/download")

    wizard.next()  # notes folders: skipped
    wizard.next()  # mail
    page = wizard.mail_page
    qtbot.mouseClick(
        page.findChild(QObject, "addMailFile"), Qt.MouseButton.LeftButton
    )  # indexed in the background
    root = str(mbox.resolve())
    assert page.paths.names() == [root] and window.workspace.settings.mail_paths == [root]
    qtbot.waitUntil(lambda: not window.is_indexing, timeout=WAIT_MS)
    assert mail_count(window) == 2
    assert "Mail synced" in window.statusBar().currentMessage()
    assert "2 new" in page.paths.message.text()

    name = "me@imap.example.org:993"  # the account form: the password only to the keyring
    password = f"pw-{uuid.uuid4().hex}"
    qtbot.keyClicks(page.accounts.host, "imap.example.org")
    qtbot.keyClicks(page.accounts.user, "me")
    qtbot.keyClicks(page.accounts.password, password)
    page.accounts.folders.setText("INBOX, Archive")
    qtbot.mouseClick(page.accounts.add_button, Qt.MouseButton.LeftButton)
    try:
        qtbot.waitUntil(lambda: page.accounts.names() == [name], timeout=WAIT_MS)
        assert secrets.get_secret(f"imap:{name}") == password
        assert page.accounts.password.text() == ""
        saved = window.workspace.paths.settings_file.read_text(encoding="utf-8")
        assert password not in saved
        kept = Workspace(window.workspace.paths).settings.mail_accounts
        assert kept[0]["folders"] == ["INBOX", "Archive"]
    finally:
        secrets.delete_secret(f"imap:{name}")
    wizard.next()
    assert wizard.currentPage() is wizard.index_page
    wizard.reject()
    assert window.workspace.settings.onboarded


def test_models_page_explains_absent_ollama(qtbot: Any, open_window: Any, no_ollama: None) -> None:
    opened: list[QUrl] = []
    window = open_window(open_url=lambda u: opened.append(u) or True)
    window.workspace.settings.ollama_host = CLOSED_PORT
    dialog = window.open_settings("Models")
    box = dialog.ollama
    qtbot.waitUntil(lambda: box.download_button.isVisibleTo(box), timeout=WAIT_MS)
    assert "not installed" in box.status.text()
    qtbot.mouseClick(box.download_button, Qt.MouseButton.LeftButton)
    assert opened == [QUrl(install_instructions().url)]
    dialog.reject()


def test_mail_citation_shows_the_message_with_the_passage(
    qtbot: Any, open_window: Any, mbox: Path
) -> None:
    window = open_window(FakeEngine("In the blue folder.", "In the blue folder."))
    qtbot.waitUntil(lambda: window.history.ready, timeout=WAIT_MS)
    op = window.sync_mail([str(mbox)])
    qtbot.waitUntil(lambda: op.done, timeout=WAIT_MS)
    assert mail_count(window) == 2
    ask(qtbot, window, "Where are the Hydra boat tickets?")
    qtbot.waitUntil(lambda: not window.is_answering, timeout=WAIT_MS)
    panel = window.sources
    ref = panel.current_source()
    assert ref is not None and ref.is_mail and ref.name == "Boat tickets"
    qtbot.waitUntil(lambda: "From: Sara Haddad" in panel.location.text(), timeout=WAIT_MS)
    assert "Subject: Boat tickets" in panel.location.text()
    assert "2024" in panel.location.text()
    assert "blue folder" in panel.highlighted_text()
    assert panel.preview.toPlainText().startswith("From: Sara Haddad")
    assert not panel.open_button.isEnabled()  # mail is never handed to another program
    message = load_message(window.workspace.store, ref.uri)
    assert message is not None and message.text[ref.start : ref.end] in message.text


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    if not dovecot_available():
        pytest.fail("dovecot-imapd is not installed (scripts/system-deps installs it)")
    base_dir = Path(tempfile.mkdtemp(prefix="fanous-dovecot-"))  # see tests/test_mail_imap.py
    server = Dovecot(base_dir)
    try:
        yield server.start()
    finally:
        server.stop()
        shutil.rmtree(base_dir, ignore_errors=True)


def test_sources_page_syncs_imap_and_mail_on_disk(
    qtbot: Any, open_window: Any, mbox: Path, dovecot: Dovecot
) -> None:
    dovecot.deliver(message(7, "Ferry", "The ferry timetable changed for the winter."))
    window = open_window(choose_mail_path=lambda _parent, _kind: str(mbox))
    account = add_account(
        window.workspace,
        ImapAccount(
            host="127.0.0.1",
            user=dovecot.user,
            port=dovecot.imaps_port,
            trusted_cert=str(dovecot.cert),
        ),
        dovecot.password,
    )
    try:
        dialog = window.open_settings("Sources")
        qtbot.mouseClick(dialog.mail_paths.add_file_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not window.is_indexing, timeout=WAIT_MS)
        assert mail_count(window) == 2  # the mbox, indexed as soon as it was added

        progress: list[str] = []
        window.statusBar().messageChanged.connect(progress.append)
        qtbot.mouseClick(dialog.sync_button, Qt.MouseButton.LeftButton)
        assert window.is_indexing
        qtbot.waitUntil(lambda: not window.is_indexing, timeout=WAIT_MS)
        assert mail_count(window) == 3  # the IMAP message joined
        assert any(m.startswith("Syncing mail") for m in progress)
        assert "Mail synced" in window.statusBar().currentMessage()
        assert account.name in window.statusBar().currentMessage()

        dialog.mail_paths.paths.setCurrentRow(0)
        qtbot.mouseClick(dialog.mail_paths.remove_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.mail_paths.names() == [], timeout=WAIT_MS)
        qtbot.waitUntil(lambda: mail_count(window) == 1, timeout=WAIT_MS)
        assert window.workspace.settings.mail_paths == []
        dialog.reject()
    finally:
        secrets.delete_secret(account.secret_name)


def test_window_has_the_app_icon(open_window: Any) -> None:
    window = open_window()
    assert not window.windowIcon().isNull()
