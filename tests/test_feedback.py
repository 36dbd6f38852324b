"""Feedback on answers: thumbs up/down and the right answer, kept with the turn, read
back with its question as the user's evaluation set; from the command line too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent import conversations, turn_log
from agent.cli import main
from agent.monitor import feedback
from agent.workspace import Workspace
from contracts.errors import InputError
from tests.fakes.engines import FakeEngine


@pytest.fixture
def ws(paths, notes_dir: Path):
    w = Workspace(paths, engine=FakeEngine("The ferry leaves at 7:40.", "At 9:15 in Cedar."))
    w.index_notes(str(notes_dir))
    yield w
    w.close()


def test_feedback_is_kept_with_the_turn_and_its_question(ws) -> None:
    first = ws.ask("When does the ferry leave?")
    second = ws.ask("When is the standup?", conversation_id=first.conversation_id)
    assert first.turn_id is not None and second.turn_id is not None
    feedback.give(ws.store, first.turn_id, rating="down")
    kept = feedback.give(ws.store, first.turn_id, correction="  7:40 from   pier 3 ")
    assert (kept.rating, kept.correction) == ("down", "7:40 from pier 3")  # both kept
    assert (kept.question, kept.answer) == ("When does the ferry leave?", first.text)
    feedback.give(ws.store, second.turn_id, rating="up")
    items = feedback.collected(ws.store)
    assert [(f.turn_id, f.rating, f.question) for f in items] == [
        (first.turn_id, "down", "When does the ferry leave?"),
        (second.turn_id, "up", "When is the standup?"),
    ]
    assert (items[1].engine, items[1].model, items[1].route) == ("fake", "fake-model", "local")


def test_an_answer_in_the_history_finds_its_turn(ws) -> None:
    answer = ws.ask("When does the ferry leave?")
    assert answer.conversation_id is not None
    stored = conversations.load_messages(ws.store, answer.conversation_id)[-1]
    assert feedback.turn_for_message(ws.store, stored.id) == answer.turn_id
    assert feedback.turn_for_message(ws.store, stored.id + 100) is None


def test_deleting_a_chat_deletes_its_feedback_not_its_turn(ws) -> None:
    answer = ws.ask("When does the ferry leave?")
    assert answer.turn_id is not None and answer.conversation_id is not None
    feedback.give(ws.store, answer.turn_id, rating="up", correction="7:40")
    conversations.delete(ws.store, answer.conversation_id)
    assert feedback.collected(ws.store) == []
    (row,) = turn_log.rows(ws.store)
    assert row.conversation_id is None  # the figures stay, the words go


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "No feedback given"),
        ({"rating": "meh"}, "'meh' is not a rating"),
        ({"correction": "  \n "}, "The right answer is empty"),
        ({"correction": "x" * 2001}, "The right answer is 2,001 characters long"),
    ],
)
def test_bad_feedback_is_refused_and_changes_nothing(ws, kwargs, message) -> None:
    answer = ws.ask("When does the ferry leave?")
    assert answer.turn_id is not None
    with pytest.raises(InputError, match=message):
        feedback.give(ws.store, answer.turn_id, **kwargs)
    with pytest.raises(InputError, match="There is no turn 999"):
        feedback.give(ws.store, 999, rating="up")
    assert feedback.collected(ws.store) == []


def test_feedback_from_the_command_line(ws, paths, capsys, monkeypatch) -> None:
    monkeypatch.setenv("FANOUS_HOME", str(paths.data_dir.parent))
    assert main(["feedback", "up"]) == 1
    assert "There is no answer to give feedback on" in capsys.readouterr().err
    first = ws.ask("When does the ferry leave?")
    ws.ask("When is the standup?")
    assert main(["feedback", "up", "--json"]) == 0  # the last turn
    assert json.loads(capsys.readouterr().out)["question"] == "When is the standup?"
    assert main(["feedback", "right", "7:40", "--turn", str(first.turn_id)]) == 0
    assert "joins your evaluation set" in capsys.readouterr().out
    assert main(["feedback", "down", "--turn", str(first.turn_id), "--right", "7:40 sharp"]) == 0
    capsys.readouterr()
    assert main(["feedback", "right"]) == 1
    assert "fix: fanous feedback right" in capsys.readouterr().err
    assert main(["feedback", "down", "oops"]) == 1
    assert "Unexpected text after down" in capsys.readouterr().err
    assert main(["feedback", "list", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert [(i["rating"], i["correction"]) for i in items] == [("up", None), ("down", "7:40 sharp")]
    assert main(["feedback", "list"]) == 0
    assert "right answer: 7:40 sharp" in capsys.readouterr().out
