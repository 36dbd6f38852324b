"""Mail on disk through the real index: mbox, Maildir (sub-folders, cur/new, flags), .eml;
one copy per message wherever it is seen; threads; search operators; the CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from agent.config import Paths
from agent.index.mail import index_mail, thread_of
from agent.index.query import parse_query
from agent.index.search import search
from agent.mail_accounts import add_mail_path, index_mail_path
from agent.store import Store
from agent.workspace import Workspace
from connectors.mail.files import MailPath
from contracts.errors import ConnectorError
from tests.fakes.engines import FakeEngine
from tests.mail_corpus import mbox_bytes


def message(
    n: int,
    body: str,
    *,
    sender: str = "Sara Haddad <sara@example.com>",
    to: str = "Omar <omar@example.com>",
    subject: str | None = None,
    date: str = "Tue, 05 Mar 2024 10:00:00 +0100",
    extra: str = "",
) -> bytes:
    return (
        f"From: {sender}\nTo: {to}\nSubject: {subject or f'message {n}'}\nDate: {date}\n"
        f"Message-ID: <m{n}@example.com>\n{extra}Content-Type: text/plain; charset=utf-8\n\n"
        f"{body}\n"
    ).encode()


def maildir(root: Path, messages: dict[str, bytes]) -> Path:
    for rel, raw in messages.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        for sub in ("cur", "new", "tmp"):
            (path.parent.parent / sub).mkdir(exist_ok=True)
        path.write_bytes(raw)
    return root


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "index.db")
    yield s
    s.close()


def count(store: Store, sql: str = "SELECT count(*) FROM documents WHERE source = 'mail'") -> int:
    return store.conn.execute(sql).fetchone()[0]


def test_mbox_indexes_incrementally_and_cites_the_message(store: Store, tmp_path: Path) -> None:
    box = tmp_path / "Takeout.mbox"
    first = message(1, "The contract renews on the first of June.\nFrom here on, it is yearly.")
    box.write_bytes(mbox_bytes(first, message(2, "Lunch at noon?")))
    report = index_mail(store, MailPath(box))
    assert (report.added, report.errors) == (2, [])
    hit = search(store, "when does the contract renew", source="mail")[0]
    assert hit.uri == "mid:m1@example.com" and hit.path == str(box)
    assert hit.text.startswith("From: Sara Haddad <sara@example.com>\n")
    assert "Subject: message 1" in hit.text and "first of June" in hit.text
    assert "From here on, it is yearly." in hit.text  # mboxrd ">From " unescaped

    again = index_mail(store, MailPath(box))
    assert (again.added, again.unchanged, again.removed) == (0, 2, 0)
    box.write_bytes(mbox_bytes(message(2, "Lunch at noon?"), message(3, "New one")))
    third = index_mail(store, MailPath(box))
    assert (third.added, third.unchanged, third.removed) == (1, 1, 1)
    assert count(store) == 2


def test_truncated_mbox_keeps_what_can_be_read(store: Store, tmp_path: Path) -> None:
    box = tmp_path / "cut.mbox"
    whole = mbox_bytes(
        message(1, "Complete message."), message(2, "The boiler was serviced in May.")
    )
    box.write_bytes(whole[: whole.index(b"serviced") + 3])
    report = index_mail(store, MailPath(box))
    assert report.added == 2 and not report.errors
    assert search(store, "boiler", source="mail")[0].uri == "mid:m2@example.com"


def test_maildir_tree_flags_and_one_copy_per_message(store: Store, tmp_path: Path) -> None:
    same = message(7, "The ferry to Hydra leaves at 7:40.")
    root = maildir(
        tmp_path / "Mail",
        {
            "cur/1.host:2,S": same,
            "new/2.host": message(8, "Unread news."),
            ".Sent/cur/3.host:2,RS": same,  # the same message in another folder
            ".Archive.2023/cur/4.host:2,": message(9, "Old archive mail."),
        },
    )
    report = index_mail(store, MailPath(root))
    assert (report.scanned, report.added, report.duplicates) == (4, 3, 1)
    assert count(store) == 3
    assert count(store, "SELECT count(*) FROM mail_locations") == 4
    meta = json.loads(
        store.conn.execute(
            "SELECT meta FROM documents WHERE uri = 'mid:m8@example.com'"
        ).fetchone()[0]
    )
    assert meta["folder"] == "INBOX" and meta["flags"] == []
    folders = {json.loads(m)["folder"] for (m,) in store.conn.execute("SELECT meta FROM documents")}
    assert folders == {"INBOX", "Archive.2023"}

    # Read in a mail client: new/ -> cur/ with a flag; same message, no re-index.
    os.rename(root / "new/2.host", root / "cur/2.host:2,S")
    moved = index_mail(store, MailPath(root))
    assert (moved.added, moved.removed) == (0, 0)
    path = store.conn.execute("SELECT path FROM documents WHERE uri = 'mid:m8@example.com'")
    assert path.fetchone()[0] == str(root / "cur/2.host:2,S")

    # One copy deleted: the message stays; both deleted: it goes.
    os.remove(root / "cur/1.host:2,S")
    assert index_mail(store, MailPath(root)).removed == 0
    assert search(store, "ferry Hydra", source="mail")[0].path == str(
        root / ".Sent/cur/3.host:2,RS"
    )
    shutil.rmtree(root / ".Sent")
    assert index_mail(store, MailPath(root)).removed == 1
    assert search(store, "ferry Hydra", source="mail") == []


def test_same_message_from_two_sources_is_stored_once(store: Store, tmp_path: Path) -> None:
    eml_dir = tmp_path / "saved"
    eml_dir.mkdir()
    (eml_dir / "ferry.eml").write_bytes(message(1, "Pier 3, 7:40."))
    (eml_dir / "other.eml").write_bytes(message(2, "Something else."))
    (eml_dir / "notes.pdf").write_bytes(b"%PDF-1.4 not mail")
    box = tmp_path / "export.mbox"
    box.write_bytes(mbox_bytes(message(1, "Pier 3, 7:40.")))
    assert index_mail(store, MailPath(eml_dir)).added == 2
    second = index_mail(store, MailPath(box))
    assert (second.added, second.duplicates) == (0, 1)
    assert count(store) == 2
    # The .eml folder forgets it; the mbox still has it, so it stays (now under the mbox).
    (eml_dir / "ferry.eml").unlink()
    index_mail(store, MailPath(eml_dir))
    row = store.conn.execute("SELECT root FROM documents WHERE uri = 'mid:m1@example.com'")
    assert row.fetchone()[0] == str(box)
    single = index_mail(store, MailPath(eml_dir / "other.eml"))
    assert (single.scanned, single.duplicates) == (1, 1)


def test_not_mail_is_refused_with_a_fix(store: Store, tmp_path: Path) -> None:
    junk = tmp_path / "photo.jpg"
    junk.write_bytes(b"\xff\xd8\xff\xe0 not mail")
    with pytest.raises(ConnectorError) as info:
        index_mail(store, MailPath(junk))
    assert "neither an mbox" in info.value.message and info.value.fix
    with pytest.raises(ConnectorError):
        index_mail(store, MailPath(tmp_path / "missing"))


def test_threads_follow_references(store: Store, tmp_path: Path) -> None:
    root = maildir(
        tmp_path / "Mail",
        {
            "cur/1:2,S": message(1, "Shall we renew?", date="Mon, 04 Mar 2024 09:00:00 +0000"),
            "cur/2:2,S": message(
                2, "Yes.", date="Tue, 05 Mar 2024 09:00:00 +0000",
                extra="In-Reply-To: <m1@example.com>\nReferences: <m1@example.com>\n",
            ),
            "cur/3:2,S": message(
                3, "Signed.", date="Wed, 06 Mar 2024 09:00:00 +0000",
                extra="In-Reply-To: <m2@example.com>\n"
                "References: <m1@example.com> <m2@example.com>\n",
            ),
            "cur/4:2,S": message(4, "Unrelated."),
        },
    )  # fmt: skip
    index_mail(store, MailPath(root))
    thread = thread_of(store, "mid:m3@example.com")
    assert [m["uri"] for m in thread] == [f"mid:m{n}@example.com" for n in (1, 2, 3)]
    assert thread_of(store, "mid:m4@example.com")[0]["uri"] == "mid:m4@example.com"


def test_search_operators(store: Store, tmp_path: Path) -> None:
    root = maildir(
        tmp_path / "Mail",
        {
            "cur/1:2,S": message(1, "Invoice for March attached.", subject="Invoice March",
                                 date="Fri, 01 Mar 2024 09:00:00 +0000"),
            "cur/2:2,S": message(2, "Invoice for April attached.", subject="Invoice April",
                                 sender="Billing <billing@acme.test>", to="sara@example.com",
                                 date="Mon, 01 Apr 2024 09:00:00 +0000"),
            "cur/3:2,S": message(3, "Dinner on Friday?", sender="Omar <omar@example.com>",
                                 to="Sara <sara@example.com>",
                                 date="Wed, 01 May 2024 09:00:00 +0000"),
        },
    )  # fmt: skip
    index_mail(store, MailPath(root))

    def uris(q: str) -> list[str]:
        return [h.uri.removeprefix("mid:").removesuffix("@example.com") for h in search(store, q)]

    assert uris("invoice from:billing") == ["m2"]
    assert uris("invoice from:sara") == ["m1"]
    assert uris("from:omar") == ["m3"]  # operators alone list the messages
    assert sorted(uris("to:sara@example.com")) == ["m2", "m3"]
    assert uris('subject:"invoice march"') == ["m1"]
    assert sorted(uris("invoice after:2024-03-15")) == ["m2"]
    assert uris("before:2024-04") == ["m1"]
    assert uris("after:2024-04-01 before:2024-05-01") == ["m2"]
    assert uris("from:nobody") == []
    ops = parse_query('dinner from:"Omar K" after:yesterday')
    assert ops.text == "dinner after:yesterday" and ops.fields == (("sender", "Omar K"),)


def test_ask_from_mail_cites_sender_date_and_subject(paths: Paths, tmp_path: Path) -> None:
    box = tmp_path / "mail.mbox"
    box.write_bytes(
        mbox_bytes(message(1, "The contract renews automatically on 1 June.", subject="Contract"))
    )
    ws = Workspace(paths, engine=FakeEngine("It renews on 1 June."))
    try:
        add_mail_path(ws, str(box))
        index_mail_path(ws, str(box))
        answer = ws.ask("When does the contract renew?", source="mail")
        assert answer.text == "It renews on 1 June."
        source = answer.sources[0].to_json()
        assert source["uri"] == "mid:m1@example.com" and source["path"] == str(box)
        start, end = source["span"]
        doc = ws.store.conn.execute("SELECT id FROM documents WHERE uri = ?", (source["uri"],))
        cited = ws.store.conn.execute(
            "SELECT text FROM chunks WHERE doc_id = ? AND start = ? AND end = ?",
            (doc.fetchone()[0], start, end),
        ).fetchone()[0]
        assert cited.startswith("From: Sara Haddad <sara@example.com>")
        assert "Date: Tue, 05 Mar 2024" in cited and "Subject: Contract" in cited
        assert "renews automatically on 1 June" in str(ws.engine.calls[0])
        assert ws.settings.mail_paths == [str(box)]
    finally:
        ws.close()


def _fanous(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FANOUS_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", *args],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


def test_cli_index_mail_and_search(tmp_path: Path) -> None:
    box = tmp_path / "mail.mbox"
    box.write_bytes(mbox_bytes(message(1, "The ferry leaves at 7:40."), b"not even headers\n"))
    home = tmp_path / "home"
    result = _fanous(["index", "--mail", str(box), "--json"], home)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)[0]
    assert report["added"] == 2 and report["root"] == str(box)
    assert any("no headers" in w["reason"] for w in report["warnings"])
    found = json.loads(
        _fanous(["search", "ferry from:sara", "--source", "mail", "--json"], home).stdout
    )
    assert found["results"][0]["uri"] == "mid:m1@example.com"
    notes_only = json.loads(
        _fanous(["search", "ferry", "--source", "notes", "--json"], home).stdout
    )
    assert notes_only["results"] == []
    listed = json.loads(_fanous(["accounts", "list", "--json"], home).stdout)
    assert listed["mail_paths"] == [str(box)]


@pytest.mark.model
def test_cli_ask_source_mail_with_the_real_model(tmp_path: Path) -> None:
    box = tmp_path / "mail.mbox"
    box.write_bytes(mbox_bytes(message(1, "The ferry to Hydra leaves at 7:40 from pier 3.",
                                subject="Ferry times")))  # fmt: skip
    home = tmp_path / "home"
    assert _fanous(["index", "--mail", str(box)], home).returncode == 0
    result = _fanous(["ask", "When does the ferry leave?", "--source", "mail", "--json"], home)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert "7:40" in data["answer"]
    assert data["sources"][0]["uri"] == "mid:m1@example.com"


def test_unescaped_from_in_a_body_does_not_split_the_message(store: Store, tmp_path: Path) -> None:
    box = tmp_path / "mboxo"
    raw = message(1, "Opening hours:\nFrom 9:00 to 17:00 on weekdays.\nFrom Monday on, too.")
    box.write_bytes(b"From - Tue Mar 05 10:00:00 2024\n" + raw)
    assert index_mail(store, MailPath(box)).added == 1
    assert "From 9:00 to 17:00" in search(store, "weekdays opening", source="mail")[0].text
