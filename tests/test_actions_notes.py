"""Saving to notes through the gate, on real files: a new note, a section appended,
the permission, confinement (no ``..``, no link out of the folder), the action log, and
undo that restores the exact bytes and time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from agent.actions import ActionRefused, Actions, Confirmation, Origin
from agent.actions import log as action_log
from agent.index.search import search
from tests.actions_helpers import Grants, actions, grants, ws  # noqa: F401

YOU = Origin("you", "command line")
YES = Confirmation("--yes")


@pytest.fixture
def notes(ws, notes_dir: Path) -> Path:  # noqa: F811
    ws.add_notes_folder(str(notes_dir))
    ws.index_notes(str(notes_dir))
    return notes_dir


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_new_note_has_front_matter_is_indexed_at_once_and_undo_removes_it(
    actions: Actions,  # noqa: F811
    grants: Grants,  # noqa: F811
    notes: Path,
) -> None:
    grants.allow("notes", str(notes))
    before = snapshot(notes)
    proposal = actions.propose_note(
        str(notes / "travel"),
        "Ferry plan",
        "Take the 7:40 ferry from pier 3.",
        origin=YOU,
        tags=["travel"],
        sources=[str(notes / "travel/ferry.md"), "mid:abc@example.com"],
    )
    assert proposal.target.label == str((notes / "travel/Ferry plan.md").resolve())
    assert not (notes / "travel/Ferry plan.md").exists()  # a proposal writes nothing

    entry = actions.confirm(proposal, YES)

    written = (notes / "travel/Ferry plan.md").read_text(encoding="utf-8")
    assert written.encode() == proposal.data
    front = yaml.safe_load(written.split("---\n")[1])
    assert front["title"] == "Ferry plan"
    assert front["tags"] == ["travel"]
    assert front["sources"] == ["travel/ferry.md", "mid:abc@example.com"]
    assert front["date"].endswith("+03:00")  # the user's zone (Asia/Amman)
    assert search(actions.ws.store, "pier ferry plan")[0].title == "Ferry plan"
    assert entry.status == "done" and entry.kind == "note" and entry.bytes == len(proposal.data)
    assert entry.confirmed_by.endswith("(--yes)")
    assert entry.origin == "asked for by you (command line)"

    undone = actions.undo(entry.id)
    assert undone.status == "undone"
    assert snapshot(notes) == before
    assert not any(h.title == "Ferry plan" for h in search(actions.ws.store, "ferry plan"))


def test_a_second_note_with_the_same_title_never_overwrites(
    actions: Actions,  # noqa: F811
    grants: Grants,  # noqa: F811
    notes: Path,
) -> None:
    grants.allow("notes", str(notes))
    first = actions.confirm(actions.propose_note(str(notes), "Plan", "one", origin=YOU), YES)
    second = actions.propose_note(str(notes), "Plan", "two", origin=YOU)
    assert second.target.rel == "Plan 2.md"
    # A file appearing between the proposal and the yes is never replaced.
    (notes / "Plan 2.md").write_text("mine", encoding="utf-8")
    with pytest.raises(ActionRefused, match="never overwrites"):
        actions.confirm(second, YES)
    assert (notes / "Plan 2.md").read_text(encoding="utf-8") == "mine"
    assert action_log.get(actions.ws.store, first.id).status == "done"
    assert action_log.entries(actions.ws.store)[0].status == "failed"


def test_an_appended_section_is_undone_to_the_exact_bytes_and_time(
    actions: Actions,  # noqa: F811
    grants: Grants,  # noqa: F811
    notes: Path,
) -> None:
    grants.allow("notes", str(notes))
    note = notes / "travel/ferry.md"
    os.utime(note, ns=(1_700_000_000_123_456_789, 1_700_000_000_123_456_789))
    before = note.read_bytes(), note.stat().st_mtime_ns
    proposal = actions.propose_append(
        str(note), "Return trip", "The last ferry back is at 19:00.", origin=YOU
    )
    entry = actions.confirm(proposal, YES)
    assert note.read_bytes() == before[0] + proposal.data
    added = "## Return trip\n\nThe last ferry back is at 19:00.\n"
    assert note.read_text(encoding="utf-8").endswith(added)
    assert search(actions.ws.store, "last ferry back")[0].path == str(note.resolve())

    actions.undo(entry.id)
    assert (note.read_bytes(), note.stat().st_mtime_ns) == before
    assert not any("last ferry back" in h.text for h in search(actions.ws.store, "ferry back"))


def test_undo_never_loses_an_edit_made_after_the_action(
    actions: Actions,  # noqa: F811
    grants: Grants,  # noqa: F811
    notes: Path,
) -> None:
    grants.allow("notes", str(notes))
    note = notes / "home/wifi.md"
    entry = actions.confirm(actions.propose_append(str(note), "Guest", "guest", origin=YOU), YES)
    with note.open("a", encoding="utf-8") as f:
        f.write("my own line\n")
    with pytest.raises(ActionRefused, match="edited after"):
        actions.undo(entry.id)
    assert note.read_text(encoding="utf-8").endswith("my own line\n")
    assert action_log.get(actions.ws.store, entry.id).status == "done"


def test_an_append_to_a_note_that_changed_since_the_proposal_is_refused(
    actions: Actions,  # noqa: F811
    grants: Grants,  # noqa: F811
    notes: Path,
) -> None:
    grants.allow("notes", str(notes))
    note = notes / "home/wifi.md"
    proposal = actions.propose_append(str(note), "Guest", "guest network", origin=YOU)
    note.write_text("rewritten\n", encoding="utf-8")
    with pytest.raises(ActionRefused, match="changed since"):
        actions.confirm(proposal, YES)
    assert note.read_text(encoding="utf-8") == "rewritten\n"


def test_a_folder_without_the_write_permission_is_refused_before_anything(
    actions: Actions,  # noqa: F811
    notes: Path,
) -> None:
    before = snapshot(notes)
    with pytest.raises(ActionRefused, match="not allowed to write notes") as refused:
        actions.propose_note(str(notes), "Plan", "text", origin=YOU)
    assert "fanous sources write-notes" in (refused.value.fix or "")
    assert snapshot(notes) == before
    assert action_log.entries(actions.ws.store) == []


def test_permission_withdrawn_after_the_proposal_refuses_the_write(
    actions: Actions,  # noqa: F811
    grants: Grants,  # noqa: F811
    notes: Path,
) -> None:
    grants.allow("notes", str(notes))
    proposal = actions.propose_note(str(notes), "Plan", "text", origin=YOU)
    grants.revoke_all()
    with pytest.raises(ActionRefused, match="not allowed"):
        actions.confirm(proposal, YES)
    assert not (notes / "Plan.md").exists()


def test_paths_are_confined_to_the_permitted_folder(
    actions: Actions,  # noqa: F811
    grants: Grants,  # noqa: F811
    notes: Path,
    tmp_path: Path,
) -> None:
    grants.allow("notes", str(notes))
    outside = tmp_path / "outside"
    outside.mkdir()
    # A folder outside every notes folder, reached by "..".
    with pytest.raises(ActionRefused, match="not inside any notes folder"):
        actions.propose_note(str(notes / ".." / "outside"), "x", "y", origin=YOU)
    # A link inside the notes folder that points out of it is judged by where it leads.
    (notes / "escape").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ActionRefused, match="not inside any notes folder"):
        actions.propose_note(str(notes / "escape"), "x", "y", origin=YOU)
    (notes / "passwd.md").symlink_to("/etc/passwd")
    with pytest.raises(ActionRefused, match=r"not a Markdown|not inside any notes folder"):
        actions.propose_append(str(notes / "passwd.md"), "x", "y", origin=YOU)
    # A title cannot name another folder: it becomes a plain file name.
    proposal = actions.propose_note(str(notes), "../../outside/evil", "y", origin=YOU)
    assert proposal.target.rel == "outside evil.md"
    assert os.path.dirname(proposal.target.label) == str(notes.resolve())
    assert list(outside.iterdir()) == []


def test_a_link_planted_after_the_proposal_cannot_redirect_the_write(
    actions: Actions,  # noqa: F811
    grants: Grants,  # noqa: F811
    notes: Path,
    tmp_path: Path,
) -> None:
    grants.allow("notes", str(notes))
    outside = tmp_path / "outside"
    outside.mkdir()
    proposal = actions.propose_note(str(notes / "work"), "Standup notes", "x", origin=YOU)
    # Between proposal and confirmation the file name becomes a link out of the folder.
    (notes / "work/Standup notes.md").symlink_to(outside / "stolen.md")
    with pytest.raises(ActionRefused):
        actions.confirm(proposal, YES)
    assert not (outside / "stolen.md").exists()
    # And the folder itself swapped for a link.
    proposal = actions.propose_note(str(notes / "home"), "Fresh", "x", origin=YOU)
    (notes / "home").rename(notes / "home-moved")
    (notes / "home").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ActionRefused):
        actions.confirm(proposal, YES)
    assert list(outside.iterdir()) == []


def test_the_log_lists_and_exports_every_action(
    actions: Actions,  # noqa: F811
    grants: Grants,  # noqa: F811
    notes: Path,
    tmp_path: Path,
) -> None:
    grants.allow("notes", str(notes))
    entry = actions.confirm(actions.propose_note(str(notes), "A", "secret words", origin=YOU), YES)
    actions.undo(entry.id)
    rows = actions.entries()
    assert [(r.kind, r.status) for r in rows] == [("note", "undone")]
    assert rows[0].undone_at is not None
    n = action_log.export(actions.ws.store, tmp_path / "log.csv")
    assert n == 1
    text = (tmp_path / "log.csv").read_text(encoding="utf-8")
    assert "undone" in text and str(notes.resolve()) in text
    assert "secret words" not in text  # the log never holds what was written
    action_log.export(actions.ws.store, tmp_path / "log.json")
    assert '"kind": "note"' in (tmp_path / "log.json").read_text(encoding="utf-8")


def test_save_the_last_answer_with_links_to_its_sources(
    actions: Actions,  # noqa: F811
    grants: Grants,  # noqa: F811
    notes: Path,
) -> None:
    grants.allow("notes", str(notes))
    actions.ws.engine.replies.append("The ferry leaves at 7:40 from pier 3.")  # a FakeEngine
    actions.ws.ask("When does the ferry leave?")
    answer = actions.last_answer()
    assert answer.text == "The ferry leaves at 7:40 from pier 3."
    assert str((notes / "travel/ferry.md").resolve()) in answer.sources
    proposal = actions.propose_note(
        str(notes), answer.question, answer.text, origin=YOU, sources=answer.sources
    )
    front = yaml.safe_load(proposal.text.split("---\n")[1])
    assert "travel/ferry.md" in front["sources"]
