"""The action commands as a user runs them: a proposal printed, a yes asked for (or given
with --yes), --json, the action log listed, exported and undone; errors with a fix."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import icalendar

from tests.conftest import write_notes


def fanous(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "FANOUS_HOME": str(home), "TZ": "Europe/Athens"}
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", *args],
        input=stdin, capture_output=True, text=True, env=env, timeout=180,
    )  # fmt: skip


def test_remind_shows_the_proposal_and_writes_only_with_yes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = home / "data" / "reminders"
    shown = fanous(home, "remind", "--text", "Call the dentist tomorrow at 10:00", stdin="")
    assert shown.returncode == 1
    assert "Event: Call the dentist" in shown.stdout and "BEGIN:VCALENDAR" in shown.stdout
    assert "origin: asked for by you (command line)" in shown.stdout
    assert "confirmation needs a terminal" in shown.stderr and "fix:" in shown.stderr
    assert list(folder.iterdir()) == []

    done = fanous(home, "remind", "--text", "Call the dentist tomorrow at 10:00", "--yes", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["confirmed"] and result["action"]["status"] == "done"
    assert result["proposal"]["kind"] == "reminder"
    assert result["action"]["confirmed_by"].endswith("(--yes)")
    (ics,) = folder.iterdir()
    event = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")[0]
    assert event["DTSTART"].params["TZID"] == "Europe/Athens"  # the system zone ($TZ)
    assert event.decoded("DTSTART").hour == 10

    listed = json.loads(fanous(home, "actions", "--json").stdout)
    assert [(r["kind"], r["status"]) for r in listed] == [("reminder", "done")]
    undone = fanous(home, "actions", "undo", str(listed[0]["id"]))
    assert undone.returncode == 0 and "Undone" in undone.stdout
    assert list(folder.iterdir()) == []
    again = fanous(home, "actions", "undo", str(listed[0]["id"]))
    assert again.returncode == 1 and "already undone" in again.stderr

    exported = fanous(home, "actions", "--export", str(tmp_path / "actions.csv"))
    assert exported.returncode == 0
    assert "reminder" in (tmp_path / "actions.csv").read_text(encoding="utf-8")
    text = fanous(home, "actions").stdout
    assert "undone" in text and "reminder" in text


def test_a_notes_folder_without_permission_is_refused_with_the_fix(tmp_path: Path) -> None:
    home = tmp_path / "home"
    notes = write_notes(tmp_path / "notes")
    assert fanous(home, "index", "--notes", str(notes), "--no-embed").returncode == 0
    before = sorted(p.name for p in notes.rglob("*"))
    refused = fanous(
        home, "note", "save", "--folder", str(notes), "--title", "Plan", "--text", "x", "--yes"
    )
    assert refused.returncode == 1
    assert "not allowed to write notes" in refused.stderr
    assert "fix:" in refused.stderr and "write-notes" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert sorted(p.name for p in notes.rglob("*")) == before
    outside = fanous(
        home, "note", "save", "--folder", str(tmp_path), "--title", "x", "--text", "y", "--yes"
    )
    assert outside.returncode == 1 and "not inside any notes folder" in outside.stderr

    wrong = fanous(home, "sources", "write-drafts", str(notes), "on")
    assert wrong.returncode == 1 and "only a mail path or an IMAP account" in wrong.stderr
    allowed = fanous(home, "sources", "write-notes", str(notes), "on")
    assert allowed.returncode == 0 and "may write notes" in allowed.stdout
    listed = json.loads(fanous(home, "sources", "list", "--json").stdout)["sources"]
    assert listed[0]["permissions"]["write_notes"] is True
    saved = fanous(
        home, "note", "save", "--folder", str(notes / "travel"), "--title", "Ferry plan",
        "--text", "Take the 7:40 ferry.", "--tag", "travel", "--yes", "--json",
    )  # fmt: skip
    assert saved.returncode == 0, saved.stderr
    result = json.loads(saved.stdout)
    assert result["action"]["status"] == "done" and result["proposal"]["kind"] == "note"
    assert (notes / "travel" / "Ferry plan.md").read_text(encoding="utf-8").startswith("---\n")
    found = json.loads(fanous(home, "search", "7:40 ferry plan", "--json").stdout)
    assert any(r["title"] == "Ferry plan" for r in found["results"])  # indexed at once
    assert fanous(home, "sources", "write-notes", str(notes), "off").returncode == 0
    refused = fanous(
        home, "note", "save", "--folder", str(notes), "--title", "x", "--text", "y", "--yes"
    )
    assert refused.returncode == 1 and "not allowed" in refused.stderr


def test_draft_reply_to_a_folder_of_eml_files(tmp_path: Path) -> None:
    home = tmp_path / "home"
    mail = tmp_path / "mail"
    mail.mkdir()
    (mail / "omar.eml").write_bytes(
        b"From: Omar Khalil <omar@example.org>\r\nTo: sara@example.com\r\n"
        b"Subject: Ferry\r\nMessage-ID: <f-1@example.org>\r\n\r\nShall we take the 7:40?\r\n"
    )
    assert fanous(home, "index", "--mail", str(mail), "--no-embed").returncode == 0
    args = ("draft", "reply", "f-1@example.org", "--say", "Yes, 7:40 suits me.", "--as-is")
    refused = fanous(home, *args, "--yes")
    assert refused.returncode == 1 and "not allowed to save drafts" in refused.stderr
    assert fanous(home, "sources", "write-drafts", str(mail), "on").returncode == 0
    shown = fanous(home, *args, stdin="")
    assert "In-Reply-To: <f-1@example.org>" in shown.stdout and "Subject: Re: Ferry" in shown.stdout
    assert not (mail / "Drafts").exists()
    done = fanous(home, *args, "--yes")
    assert done.returncode == 0, done.stderr
    (draft,) = (mail / "Drafts").iterdir()
    assert b"To: Omar Khalil <omar@example.org>" in draft.read_bytes()
    (entry,) = json.loads(fanous(home, "actions", "--json").stdout)
    assert entry["kind"] == "draft" and entry["target"] == str(draft)
    assert fanous(home, "actions", "undo", str(entry["id"])).returncode == 0
    assert not (mail / "Drafts").exists()  # the folder it made is gone too


def test_errors_say_what_to_do(tmp_path: Path) -> None:
    home = tmp_path / "home"
    missing = fanous(home, "draft", "reply", "mid:nobody@example.com", "--say", "hi", "--yes")
    assert missing.returncode == 1
    assert "No indexed message" in missing.stderr and "fix:" in missing.stderr
    nothing = fanous(home, "note", "save", "--from-answer", "--folder", str(tmp_path), "--yes")
    assert nothing.returncode == 1 and "no answer to save" in nothing.stderr
    vague = fanous(home, "remind", "--text", "Buy lemons", "--yes")
    assert vague.returncode == 1 and "No date or time" in vague.stderr
    assert "Traceback" not in missing.stderr + nothing.stderr + vague.stderr


def test_ask_shows_the_action_a_question_asks_for_as_a_proposal(tmp_path: Path) -> None:
    home = tmp_path / "home"
    notes = write_notes(tmp_path / "notes")
    assert fanous(home, "index", "--notes", str(notes), "--no-embed").returncode == 0
    asked = fanous(home, "ask", "Remind me to call the dentist tomorrow at 10:00", "--json")
    assert asked.returncode == 0, asked.stderr
    (proposal,) = json.loads(asked.stdout)["proposals"]
    assert proposal["kind"] == "reminder" and proposal["origin"]["proposer"] == "you"
    assert "call the dentist" in proposal["summary"]
    assert not (home / "data" / "reminders").exists() or not any(
        (home / "data" / "reminders").iterdir()
    )  # proposed, not written
    plain = fanous(home, "ask", "When is the standup?", "--json")
    assert json.loads(plain.stdout)["proposals"] == []
