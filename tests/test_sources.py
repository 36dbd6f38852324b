"""One identity for sources: stable ids for a notes folder, a mail path, an IMAP account
and an IMAP folder; permissions attached to them; the older never-send list migrated;
never-send held for every kind through whole turns (the cloud is a real HTTP double, IMAP a
real Dovecot)."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent import secrets
from agent.config import Paths, Settings, load_settings
from agent.engines.anthropic import AnthropicEngine
from agent.mail_accounts import ImapAccount, add_account, add_mail_path, sync_account
from agent.sources import (
    Permissions,
    SourcePolicy,
    all_sources,
    find_source,
    migrate_never_send,
    set_permission,
    source_id,
)
from agent.workspace import Workspace
from tests.conftest import write_notes
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.dovecot import Dovecot
from tests.fakes.engines import FakeEngine
from tests.mail_corpus import mbox_bytes

ACCOUNT = {"host": "mail.example.org", "user": "sara", "port": 993, "folders": ["INBOX", "Bank"]}


def settings_with(tmp_path: Path) -> Settings:
    notes = tmp_path / "notes"
    notes.mkdir(exist_ok=True)
    mbox = tmp_path / "old.mbox"
    mbox.write_bytes(b"")
    return Settings(
        notes_folders=[str(notes)], mail_paths=[str(mbox)], mail_accounts=[dict(ACCOUNT)]
    )


def test_every_kind_has_a_stable_id(tmp_path: Path) -> None:
    s = settings_with(tmp_path)
    kinds = {src.kind: src for src in all_sources(s)}
    assert set(kinds) == {"notes", "mail", "imap", "imap-folder"}
    assert kinds["notes"].id.startswith("notes-") and kinds["mail"].id.startswith("mail-")
    account = kinds["imap"]
    assert account.label == "sara@mail.example.org:993"
    folders = [src for src in all_sources(s) if src.kind == "imap-folder"]
    assert [f.id for f in folders] == [f"{account.id}/INBOX", f"{account.id}/Bank"]
    assert all(f.parent == account.id for f in folders)
    # The same source, however it is written, has one id; ids do not move between runs.
    link = tmp_path / "link-to-notes"
    link.symlink_to(tmp_path / "notes")
    for form in (str(tmp_path / "notes"), str(tmp_path / "notes") + "/", str(link)):
        assert find_source(s, form) == kinds["notes"], form
    assert source_id("notes", str(tmp_path / "notes")) == kinds["notes"].id
    # The core spells an account's location as the IMAP connector does.
    assert account.location == ImapAccount.from_dict(ACCOUNT).root
    assert all_sources(s) == all_sources(settings_with(tmp_path))


# The forms the adversarial run tried for an IMAP account and folder: none matched then.
ACCOUNT_FORMS = [
    "sara@mail.example.org:993",
    "sara@mail.example.org",
    "imap://sara@mail.example.org:993",
    "imap://sara@mail.example.org:993/",
    "imap://sara@mail.example.org",
    "imaps://sara@mail.example.org",
    "mail.example.org",
    "IMAP://sara@MAIL.example.org:993",
]
FOLDER_FORMS = [
    "sara@mail.example.org:993/Bank",
    "sara@mail.example.org/Bank",
    "imap://sara@mail.example.org:993/Bank",
    "imap://sara@mail.example.org:993/Bank/",
    "imap://sara@mail.example.org:993/Bank/;UIDVALIDITY=7/;UID=3",
    "mail.example.org/Bank",
]


@pytest.mark.parametrize("form", ACCOUNT_FORMS)
def test_an_imap_account_is_found_by_every_form(tmp_path: Path, form: str) -> None:
    s = settings_with(tmp_path)
    found = find_source(s, form)
    assert found is not None and found.kind == "imap", form


@pytest.mark.parametrize("form", FOLDER_FORMS)
def test_an_imap_folder_is_found_by_every_form(tmp_path: Path, form: str) -> None:
    s = settings_with(tmp_path)
    found = find_source(s, form)
    assert found is not None and found.kind == "imap-folder" and found.label.endswith("/Bank")


def test_the_old_never_send_list_moves_to_the_sources(tmp_path: Path) -> None:
    s = settings_with(tmp_path)
    sub = str(tmp_path / "notes" / "private")
    s.never_send_sources = [
        str(tmp_path / "notes") + "/",  # a notes folder
        str(tmp_path / "old.mbox"),  # a mail path
        "imap://sara@mail.example.org:993",  # an account
        "sara@mail.example.org/Bank",  # a folder of it
        sub,  # finer than a source: stays a path rule
        "",
    ]
    assert migrate_never_send(s) is True
    policy = SourcePolicy(s)
    assert all(policy.permissions(src.id).never_send for src in all_sources(s))
    assert s.never_send_sources == [sub]
    assert migrate_never_send(s) is False  # nothing left to move


def test_an_old_settings_file_is_migrated_on_start(tmp_path: Path) -> None:
    paths = Paths.resolve(tmp_path / "home").ensure()
    notes = tmp_path / "notes"
    notes.mkdir()
    paths.settings_file.write_text(
        f'notes_folders = ["{notes}"]\nnever_send_sources = ["{notes}", "/elsewhere"]\n'
    )
    ws = Workspace(paths, engine=FakeEngine())
    ws.close()
    saved = load_settings(paths)
    assert saved.never_send_sources == ["/elsewhere"]
    assert saved.source_permissions == {source_id("notes", str(notes)): {"never_send": True}}


def test_the_permission_record_holds_every_permission(tmp_path: Path) -> None:
    s = settings_with(tmp_path)
    notes, account = (
        find_source(s, str(tmp_path / "notes")),
        find_source(s, "sara@mail.example.org"),
    )
    set_permission(s, notes.id, "write_notes", True)
    set_permission(s, account.id, "write_drafts", True)
    set_permission(s, account.id, "never_send", True)
    policy = SourcePolicy(s)
    assert policy.permissions(notes.id) == Permissions(write_notes=True)
    assert policy.permissions(account.id) == Permissions(never_send=True, write_drafts=True)
    # A folder carries its account's never-send and drafts.
    assert policy.permissions(f"{account.id}/Bank").never_send
    set_permission(s, notes.id, "write_notes", False)
    assert notes.id not in s.source_permissions  # a record of defaults is dropped
    with pytest.raises(ValueError):
        set_permission(s, notes.id, "send_everything", True)


def test_a_path_is_judged_by_what_it_is(tmp_path: Path) -> None:
    s = settings_with(tmp_path)
    notes = tmp_path / "notes"
    (notes / "pub").mkdir()
    secret = tmp_path / "vault"
    secret.mkdir()
    s.notes_folders.append(str(secret))
    set_permission(s, source_id("notes", str(secret)), "never_send", True)
    (secret / "pw.md").write_text("pw")
    (notes / "pub" / "pw.md").symlink_to(secret / "pw.md")
    policy = SourcePolicy(s)
    assert policy.for_path(str(notes / "pub" / "pw.md")).never_send  # the link's target
    assert not policy.for_path(str(notes / "pub" / "plain.md")).never_send
    outside = policy.for_path("/etc/passwd")
    assert not outside.read and outside.never_send


# -- never-send through whole turns, one test per kind ---------------------------------


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic(api_key="sk-ant-test") as f:
        yield f


def claude(fake: FakeAnthropic) -> AnthropicEngine:
    return AnthropicEngine(
        base_url=fake.url, model="claude-3-5-haiku-latest", api_key="sk-ant-test"
    )


@pytest.fixture
def ws(paths: Paths) -> Iterator[Workspace]:
    w = Workspace(paths, engine=FakeEngine("The ferry leaves at 7:40."))
    w.settings.cloud_escalation = True
    yield w
    for account in list(w.settings.mail_accounts):
        secrets.delete_secret(ImapAccount.from_dict(account).secret_name)
    w.close()


def sent(fake: FakeAnthropic) -> str:
    return json.dumps([r["body"] for r in fake.requests], ensure_ascii=False)


def test_a_never_send_notes_folder_never_leaves(ws, fake, tmp_path: Path) -> None:
    public = ws.add_notes_folder(
        str(write_notes(tmp_path / "pub", {"f.md": "Ferry to Hydra at 7:40."}))
    )
    private = ws.add_notes_folder(
        str(write_notes(tmp_path / "priv", {"d.md": "Ferry to Hydra: my PIN is 8812."}))
    )
    ws.index_all()
    set_permission(ws.settings, find_source(ws.settings, private).id, "never_send", True)
    ws.ask("Plan my ferry trip to Hydra", cloud=claude(fake))
    assert "Hydra at 7:40" in sent(fake) and "8812" not in sent(fake)
    assert not SourcePolicy(ws.settings).permissions(find_source(ws.settings, public).id).never_send


def test_a_never_send_mail_path_never_leaves(ws, fake, tmp_path: Path) -> None:
    ws.index_notes(str(write_notes(tmp_path / "pub", {"f.md": "Ferry to Hydra at 7:40."})))
    mbox = tmp_path / "bank.mbox"
    mbox.write_bytes(
        mbox_bytes(
            b"From: Bank <b@bank.example>\nSubject: Ferry card\nMessage-ID: <1@b>\n\n"
            b"Your ferry to Hydra card PIN is 8812.\n"
        )
    )
    root = add_mail_path(ws, str(mbox))
    from agent.mail_accounts import index_mail_path

    index_mail_path(ws, root)
    set_permission(ws.settings, find_source(ws.settings, str(mbox)).id, "never_send", True)
    ws.ask("Plan my ferry trip to Hydra", cloud=claude(fake))
    assert "Hydra at 7:40" in sent(fake) and "8812" not in sent(fake)


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    base = Path(tempfile.mkdtemp(prefix="fanous-dovecot-"))
    server = Dovecot(base)
    try:
        yield server.start()
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


def _mail(n: int, folder_word: str) -> bytes:
    return (
        f"From: Port <port@example.org>\r\nTo: sara@example.com\r\nSubject: ferry {n}\r\n"
        f"Message-ID: <ns{n}@example.org>\r\n\r\n"
        f"Ferry to Hydra ({folder_word}): code {n}{n}{n}7.\r\n"
    ).encode()


@pytest.mark.parametrize("marked", ["folder", "account", "old-style entry"])
def test_never_send_holds_for_imap_accounts_and_folders(ws, fake, dovecot, marked: str) -> None:
    dovecot.deliver(_mail(1, "inbox"))
    dovecot.deliver(_mail(2, "bank"), folder="Bank")
    account = ImapAccount(
        host="127.0.0.1",
        user=dovecot.user,
        port=dovecot.imaps_port,
        trusted_cert=str(dovecot.cert),
        folders=["INBOX", "Bank"],
    )
    add_account(ws, account, dovecot.password)
    sync_account(ws, account)
    if marked == "folder":
        sid = find_source(ws.settings, f"{account.name}/Bank").id
        set_permission(ws.settings, sid, "never_send", True)
    elif marked == "account":
        set_permission(ws.settings, find_source(ws.settings, account.name).id, "never_send", True)
    else:  # what a user of the older version wrote, migrated on save
        ws.settings.never_send_sources = [f"imap://{account.user}@127.0.0.1:{account.port}/Bank"]
        ws.save_settings()
        assert ws.settings.never_send_sources == []
    ws.ask("Plan my ferry trip to Hydra", cloud=claude(fake), embedder=None)
    out = sent(fake)
    assert "2227" not in out  # the Bank folder's message never leaves
    if marked == "account":
        assert fake.requests == [] or "1117" not in out
    else:
        assert "1117" in out  # the rest of the account still may
