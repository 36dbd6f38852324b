"""Stored conversations, written by real chat turns and read back by agent.conversations."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent import conversations
from agent.workspace import Workspace
from contracts.errors import FanousError


@pytest.fixture
def chatted(fake_workspace: Workspace, notes_dir: Path) -> Workspace:
    """Two conversations: the ferry one (two turns), then the dentist one (one turn)."""
    ws = fake_workspace
    ws.index_notes(str(notes_dir))
    ws.engine.replies += ["At 7:40.", "12 euros.", "Tuesday at 10:00."]
    first = ws.ask("When does the ferry leave?")
    ws.ask("How much is a ferry ticket?", conversation_id=first.conversation_id)
    ws.ask("When is the dentist?")
    return ws


def test_lists_newest_first_with_counts(chatted: Workspace) -> None:
    listed = conversations.list_conversations(chatted.store)
    assert [c.title for c in listed] == ["When is the dentist?", "When does the ferry leave?"]
    assert [c.messages for c in listed] == [2, 4]
    assert listed[0].updated >= listed[1].updated


def test_search_matches_titles_and_message_text(chatted: Workspace) -> None:
    store = chatted.store
    assert [c.title for c in conversations.list_conversations(store, query="DENTIST")] == [
        "When is the dentist?"
    ]
    # "euros" is only in an answer of the ferry conversation
    assert [c.title for c in conversations.list_conversations(store, query="euros")] == [
        "When does the ferry leave?"
    ]
    assert conversations.list_conversations(store, query="100%_") == []  # no LIKE syntax
    assert len(conversations.list_conversations(store, query="  ")) == 2


def test_load_messages_gives_roles_routes_and_sources(chatted: Workspace) -> None:
    ferry = conversations.list_conversations(chatted.store, query="ferry leave")[0]
    messages = conversations.load_messages(chatted.store, ferry.id)
    assert [m.role for m in messages] == ["user", "assistant", "user", "assistant"]
    assert messages[1].content == "At 7:40."
    assert messages[1].route == "local" and messages[1].model == "fake-model"
    assert messages[1].sources[0]["path"].endswith("ferry.md")
    assert messages[1].sources[0]["span"][1] > messages[1].sources[0]["span"][0]
    assert messages[0].sources == [] and messages[0].route is None


def test_rename_and_delete(chatted: Workspace) -> None:
    store = chatted.store
    dentist = conversations.list_conversations(store, query="dentist")[0]
    assert conversations.rename(store, dentist.id, "  Teeth\n stuff ") == "Teeth stuff"
    assert conversations.list_conversations(store)[0].title == "Teeth stuff"
    with pytest.raises(FanousError, match="needs a title"):
        conversations.rename(store, dentist.id, "   ")

    assert conversations.delete(store, dentist.id)
    assert not conversations.delete(store, dentist.id)
    assert [c.title for c in conversations.list_conversations(store)] == [
        "When does the ferry leave?"
    ]
    left = store.conn.execute("SELECT count(*) FROM messages").fetchone()[0]
    assert left == 4  # only the ferry conversation's messages remain
    with pytest.raises(FanousError, match="no longer exists"):
        conversations.load_messages(store, dentist.id)
    with pytest.raises(FanousError, match="no longer exists"):
        conversations.rename(store, dentist.id, "x")


def test_arabic_titles_and_search(fake_workspace: Workspace, tmp_path: Path) -> None:
    notes = tmp_path / "ar"
    notes.mkdir()
    (notes / "safar.md").write_text("# السفر\n\nتغادر العبارة في السابعة.\n", encoding="utf-8")
    fake_workspace.index_notes(str(notes))
    fake_workspace.engine.replies.append("في السابعة.")
    fake_workspace.ask("متى تغادر العبارة؟")
    found = conversations.list_conversations(fake_workspace.store, query="العبارة")
    assert [c.title for c in found] == ["متى تغادر العبارة؟"]
