"""Permissions by what a file is: symlinks are resolved before any scope, never-send or
indexing decision. The adversarial run's findings, each as it was reproduced: a file
symlink to /etc/passwd in a notes folder was indexed and searchable; one into a
never-send folder was indexed under the notes folder's path and its password went out in
the cloud request. Mail folders followed file links too."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.engines.anthropic import AnthropicEngine
from agent.index.search import search
from agent.mail_accounts import add_mail_path, index_mail_path
from agent.sources import find_source, set_permission
from agent.workspace import Workspace
from connectors.links import LINK_OUTSIDE
from connectors.notes import NotesFolder
from contracts.documents import SourceItem
from contracts.errors import ConnectorError
from tests.conftest import write_notes
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.engines import FakeEngine

PASSWD = "root:x:0:0:root:/root:/bin/bash\nsara:x:1000:1000:Sara Haddad:/home/sara:/bin/sh\n"


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic(api_key="k") as f:
        yield f


@pytest.fixture
def ws(paths) -> Iterator[Workspace]:
    w = Workspace(paths, engine=FakeEngine("The ferry leaves at 7:40."))
    w.settings.cloud_escalation = True
    yield w
    w.close()


def cloud(fake: FakeAnthropic) -> AnthropicEngine:
    return AnthropicEngine(base_url=fake.url, model="claude-3-5-haiku-latest", api_key="k")


def test_a_link_out_of_the_notes_folder_is_not_read(ws, tmp_path: Path) -> None:
    outside = tmp_path / "etc" / "passwd.md"
    outside.parent.mkdir()
    outside.write_text(PASSWD)
    notes = write_notes(tmp_path / "notes", {"a.md": "Ferry at 7:40."})
    (notes / "passwd.md").symlink_to(outside)
    (notes / "system.txt").symlink_to("/etc/passwd")
    report = ws.index_notes(str(ws.add_notes_folder(str(notes))))
    assert report.added == 1
    assert sorted(report.errors) == [
        (str(notes / "passwd.md"), LINK_OUTSIDE),
        (str(notes / "system.txt"), LINK_OUTSIDE),
    ]
    assert search(ws.store, "root bash sara") == []
    paths = [p for (p,) in ws.store.conn.execute("SELECT path FROM documents")]
    assert paths == [str(notes / "a.md")]


def test_a_link_into_a_never_send_folder_does_not_leave(ws, fake, tmp_path: Path) -> None:
    vault = write_notes(tmp_path / "vault", {"pw.md": "Ferry to Hydra locker password: 8812-OPEN"})
    notes = write_notes(tmp_path / "notes", {"ferry.md": "Ferry to Hydra leaves at 7:40."})
    (notes / "locker.md").symlink_to(vault / "pw.md")
    for folder in (notes, vault):
        ws.add_notes_folder(str(folder))
    set_permission(ws.settings, find_source(ws.settings, str(vault)).id, "never_send", True)
    ws.index_all()
    # Indexed once, where it really lives, under the source it belongs to.
    rows = ws.store.conn.execute("SELECT root, path FROM documents WHERE path LIKE '%pw.md'")
    assert rows.fetchall() == [(str(vault), str(vault / "pw.md"))]
    answer = ws.ask("Plan my ferry trip to Hydra", cloud=cloud(fake), embedder=None)
    assert answer.route.kind == "cloud"
    sent = json.dumps([r["body"] for r in fake.requests])
    assert "8812" not in sent and "7:40" in sent


def test_a_link_into_a_never_send_sub_folder_does_not_leave(ws, fake, tmp_path: Path) -> None:
    notes = write_notes(
        tmp_path / "notes",
        {"ferry.md": "Ferry to Hydra leaves at 7:40.", "private/pw.md": "Ferry locker: 8812-OPEN"},
    )
    (notes / "locker.md").symlink_to(notes / "private" / "pw.md")
    ws.index_notes(ws.add_notes_folder(str(notes)))
    ws.settings.never_send_sources = [str(notes / "private")]
    ws.ask("Plan my ferry trip to Hydra", cloud=cloud(fake), embedder=None)
    sent = json.dumps([r["body"] for r in fake.requests])
    assert "8812" not in sent and "7:40" in sent


def test_live_indexing_does_not_follow_a_link(tmp_path: Path) -> None:
    notes = write_notes(tmp_path / "notes", {"a.md": "x"})
    (notes / "b.md").symlink_to("/etc/passwd")
    folder = NotesFolder(notes)
    assert folder.item_for(str(notes / "b.md")) is None
    assert folder.item_for(str(notes / "a.md")) is not None


def test_a_link_swapped_in_after_the_scan_is_not_read(tmp_path: Path) -> None:
    notes = write_notes(tmp_path / "notes", {"a.md": "harmless"})
    folder = NotesFolder(notes)
    (item,) = folder.scan(lambda p, r: None)
    os.unlink(notes / "a.md")
    (notes / "a.md").symlink_to("/etc/passwd")
    with pytest.raises(ConnectorError, match="link"):
        folder.load(SourceItem(item.uri, item.path, item.mtime_ns, item.size))


def test_mail_folders_do_not_follow_links_out(ws, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.eml").write_bytes(
        b"From: a@b.example\nSubject: outside\nMessage-ID: <o@b>\n\nnot chosen 4711\n"
    )
    mail = tmp_path / "mail"
    (mail / "cur").mkdir(parents=True)
    (mail / "new").mkdir()
    (mail / "cur" / "1.host:2,S").write_bytes(
        b"From: c@d.example\nSubject: inside\nMessage-ID: <i@d>\n\nchosen 1234\n"
    )
    (mail / "cur" / "2.host:2,S").symlink_to(outside / "secret.eml")
    (mail / "passwd").symlink_to("/etc/passwd")  # sniffs as a header block: was indexed
    (mail / "copy.eml").symlink_to(mail / "cur" / "1.host:2,S")  # inside: read once, there
    report = index_mail_path(ws, add_mail_path(ws, str(mail)))
    assert report.added == 1
    assert sorted(p for p, _ in report.errors) == [
        str(mail / "cur" / "2.host:2,S"),
        str(mail / "passwd"),
    ]
    assert all(why == LINK_OUTSIDE for _, why in report.errors)
    assert search(ws.store, "4711") == [] and search(ws.store, "root") == []
    assert len(search(ws.store, "1234")) == 1
