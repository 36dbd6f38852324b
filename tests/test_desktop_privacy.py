"""Settings › Privacy in the window: never-send for every kind of source (a notes folder,
a mail path, an IMAP account, an IMAP folder), by source id; and a plain-http cloud base
URL refused with the reason (the API key would cross the network in clear)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

from pathlib import Path
from typing import Any

from agent.sources import all_sources
from agent.workspace import Workspace
from desktop.qt import Qt
from tests import test_desktop as base
from tests.test_desktop_setup import press_ok

notes, open_window = base.notes, base.open_window
ACCOUNT = {"host": "mail.example.org", "user": "sara", "port": 993, "folders": ["INBOX", "Bank"]}


def test_every_kind_of_source_can_be_kept_local(
    qtbot: Any, open_window: Any, notes: Path, tmp_path: Path
) -> None:
    window = open_window(folders=[notes])
    mbox = tmp_path / "old.mbox"
    mbox.write_bytes(b"")
    settings = window.workspace.settings
    settings.mail_paths = [str(mbox)]
    settings.mail_accounts = [dict(ACCOUNT)]
    dialog = window.open_settings("Privacy")
    boxes = dialog.privacy.sources
    rows = {boxes.item(i).text(): boxes.item(i) for i in range(boxes.count())}
    assert set(rows) == {
        f"{notes.resolve()} (notes folder)",
        f"{mbox} (mail path)",
        "sara@mail.example.org:993 (IMAP account)",
        "sara@mail.example.org:993/INBOX (IMAP folder)",
        "sara@mail.example.org:993/Bank (IMAP folder)",
    }
    for label in (
        f"{notes.resolve()} (notes folder)",
        "sara@mail.example.org:993/Bank (IMAP folder)",
    ):
        rows[label].setCheckState(Qt.CheckState.Checked)
    press_ok(qtbot, dialog)

    saved = Workspace(window.workspace.paths).settings
    ids = {s.label: s.id for s in all_sources(saved)}
    assert saved.source_permissions == {
        ids[str(notes.resolve())]: {"never_send": True},
        ids["sara@mail.example.org:993/Bank"]: {"never_send": True},
    }
    # Opened again, the boxes say what was saved; unticking takes it back.
    dialog = window.open_settings("Privacy")
    boxes = dialog.privacy.sources
    ticked = [boxes.item(i).text() for i in range(boxes.count())
              if boxes.item(i).checkState() == Qt.CheckState.Checked]  # fmt: skip
    assert sorted(ticked) == sorted(
        [f"{notes.resolve()} (notes folder)", "sara@mail.example.org:993/Bank (IMAP folder)"]
    )
    for i in range(boxes.count()):
        boxes.item(i).setCheckState(Qt.CheckState.Unchecked)
    press_ok(qtbot, dialog)
    assert Workspace(window.workspace.paths).settings.source_permissions == {}


def test_a_plain_http_cloud_address_is_refused(qtbot: Any, open_window: Any) -> None:
    window = open_window()
    dialog = window.open_settings("Cloud")
    dialog.base_url.setText("http://api.example.com/v1")
    press_ok(qtbot, dialog)
    assert dialog.isVisible() and dialog.base_url_error.isVisible()
    assert "https://" in dialog.base_url_error.text()
    assert Workspace(window.workspace.paths).settings.cloud_base_url == ""
    dialog.base_url.setText("http://127.0.0.1:8080/v1")  # this machine: allowed
    press_ok(qtbot, dialog)
    assert not dialog.isVisible()
    assert Workspace(window.workspace.paths).settings.cloud_base_url == "http://127.0.0.1:8080/v1"
