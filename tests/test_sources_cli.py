"""`fanous sources` as scripts use it: a real process, JSON out."""

from __future__ import annotations

import json
from pathlib import Path

from agent.config import Paths, load_settings
from tests.mail_corpus import mbox_bytes
from tests.test_cli import run


def test_list_never_send_and_remove(tmp_path: Path, notes_dir: Path) -> None:
    home = tmp_path / "home"
    mbox = tmp_path / "inbox.mbox"
    mbox.write_bytes(mbox_bytes(b"From: a@b.example\nSubject: hi\nMessage-ID: <1@b>\n\nHello.\n"))
    done = run(["index", "--notes", str(notes_dir), "--mail", str(mbox), "--no-embed"], home)
    assert done.returncode == 0, done.stderr

    listed = json.loads(run(["sources", "list", "--json"], home).stdout)
    notes, mail = listed["sources"]
    assert (notes["kind"], notes["location"], notes["documents"]) == ("notes", str(notes_dir), 4)
    assert (mail["kind"], mail["documents"]) == ("mail", 1)
    assert notes["permissions"] == {
        "read": True, "never_send": False, "write_drafts": False, "write_notes": False,
    }  # fmt: skip

    # By path (however it is typed) or by id: the same source.
    on = run(["sources", "never-send", str(notes_dir) + "/", "on", "--json"], home)
    assert on.returncode == 0, on.stderr
    assert json.loads(on.stdout)["id"] == notes["id"] and json.loads(on.stdout)["never_send"]
    assert run(["sources", "never-send", mail["id"], "on"], home).returncode == 0
    text = run(["sources", "list"], home).stdout
    assert f"{notes['id']}  notes folder  {notes_dir}  [4 documents; read, never-send]" in text
    settings = load_settings(Paths.resolve(home))
    assert settings.source_permissions == {
        notes["id"]: {"never_send": True},
        mail["id"]: {"never_send": True},
    }

    gone = run(["sources", "remove", str(mbox), "--json"], home)
    assert json.loads(gone.stdout) == {
        "removed": mail["id"], "location": str(mbox), "documents": 1,
    }  # fmt: skip
    settings = load_settings(Paths.resolve(home))
    assert settings.mail_paths == [] and mail["id"] not in settings.source_permissions
    left = json.loads(run(["sources", "list", "--json"], home).stdout)["sources"]
    assert [s["id"] for s in left] == [notes["id"]]


def test_an_unknown_source_is_a_clear_error(tmp_path: Path) -> None:
    result = run(["sources", "never-send", "notes-00000000", "on"], tmp_path / "home")
    assert result.returncode == 1
    assert "No source 'notes-00000000'" in result.stderr
    assert "fix: see the ids and paths with: fanous sources list" in result.stderr
