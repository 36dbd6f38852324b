"""Tool calling as proposals: each engine offers tools in its API's own form and brings
back the model's calls (llama.cpp's real OpenAI-compatible server, the Ollama and
Anthropic doubles); the turn offers only the tools the user's question asks for, and a
call becomes a proposal shown as the model's, never an action."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.actions import Actions, Confirmation, model_tools
from agent.engines.anthropic import AnthropicEngine
from agent.engines.base import ChatChunk
from agent.engines.ollama import OllamaEngine
from agent.engines.openai_compat import OpenAICompatEngine
from agent.workspace import Workspace
from tests.actions_helpers import Grants
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.ollama_server import FakeModel, FakeOllama
from tests.llama_server import start_llama_server

ASK = [{"role": "user", "content": "Remind me to call the dentist tomorrow at 10."}]
REMINDER = model_tools.TOOLS["reminder"]


def final(chunks: list[ChatChunk]) -> ChatChunk:
    (last,) = [c for c in chunks if c.done]
    return last


@pytest.fixture(scope="module")
def llama_tools_server() -> Iterator[str]:
    """llama_cpp.server with its chatml-function-calling format: a real OpenAI-compatible
    peer that streams ``delta.tool_calls`` (grammar-constrained to the tool's schema)."""
    pytest.importorskip("llama_cpp.server.app", reason="needs llama-cpp-python[server]")
    with start_llama_server("--n_ctx", "2048", "--chat_format", "chatml-function-calling") as url:
        yield url


def test_openai_compatible_tool_calls_from_a_real_server(llama_tools_server: str) -> None:
    engine = OpenAICompatEngine(
        base_url=llama_tools_server, model="smollm2", api_key="none", provider="custom"
    )
    options = {"max_tokens": 200, "tools": [REMINDER], "tool_choice": {"name": "add_reminder"}}
    last = final(list(engine.chat(ASK, options=options)))
    (call,) = last.tool_calls
    assert call.name == "add_reminder"
    assert set(call.arguments) == {"what", "when"}  # the schema held the model to its fields
    assert all(isinstance(v, str) for v in call.arguments.values())


def test_ollama_tools_go_out_in_its_form_and_calls_come_back() -> None:
    with FakeOllama() as fake:
        fake.tool_calls = [
            {"name": "add_reminder", "arguments": {"what": "call the dentist", "when": "10:00"}},
            {"name": "delete_everything", "arguments": {}},  # not offered: never made
        ]
        with OllamaEngine(fake.url, "llama3.2:1b") as engine:
            last = final(list(engine.chat(ASK, options={"tools": [REMINDER]})))
        (sent,) = fake.bodies("/api/chat")
        assert sent["tools"] == [{"type": "function", "function": REMINDER}]
        assert "tools" not in sent["options"]
        assert [(c.name, c.arguments) for c in last.tool_calls] == [
            ("add_reminder", {"what": "call the dentist", "when": "10:00"})
        ]


def test_an_ollama_model_without_tools_is_asked_again_without_them() -> None:
    models = {"gemma:2b": FakeModel("gemma:2b", capabilities=["completion"])}
    with FakeOllama(models=models, reply="Noted.") as fake:
        with OllamaEngine(fake.url, "gemma:2b") as engine:
            chunks = list(engine.chat(ASK, options={"tools": [REMINDER]}))
        assert "".join(c.text for c in chunks) == "Noted." and final(chunks).tool_calls == ()
        first, second = fake.bodies("/api/chat")
        assert first["tools"] and not second.get("tools")


def test_anthropic_tool_use_blocks_become_calls() -> None:
    with FakeAnthropic(reply="I can add that.") as fake:
        fake.tool_calls = [("add_reminder", {"what": "call the dentist", "when": "tomorrow 10"})]
        engine = AnthropicEngine(
            base_url=fake.url, model="claude-3-5-haiku-latest", api_key="sk-ant-test"
        )
        chunks = list(engine.chat(ASK, options={"tools": [REMINDER]}))
    assert "".join(c.text for c in chunks) == "I can add that."
    last = final(chunks)
    assert last.finish_reason == "tool_use"
    assert [(c.name, c.arguments) for c in last.tool_calls] == [
        ("add_reminder", {"what": "call the dentist", "when": "tomorrow 10"})
    ]
    tool = fake.requests[-1]["body"]["tools"][0]
    assert tool["name"] == "add_reminder" and tool["input_schema"] == REMINDER["parameters"]


@pytest.fixture
def ollama_ws(paths, notes_dir: Path) -> Iterator[tuple[Workspace, FakeOllama]]:
    with FakeOllama(reply="I will remind you.") as fake:
        ws = Workspace(paths, engine=OllamaEngine(fake.url, "llama3.2:1b"))
        ws.settings.time_zone = "Asia/Amman"
        ws.add_notes_folder(str(notes_dir))
        ws.index_notes(str(notes_dir))
        yield ws, fake
        ws.close()


def test_only_the_tools_the_question_asks_for_are_offered(ollama_ws) -> None:
    ws, fake = ollama_ws
    fake.tool_calls = [{"name": "save_note", "arguments": {"title": "x", "text": "y"}}]
    question = "When is the dentist appointment?"
    assert model_tools.offer(question, ws.engine) is None
    answer = ws.ask(question, tools=model_tools.offer(question, ws.engine))
    assert not fake.bodies("/api/chat")[-1].get("tools")
    assert answer.tool_calls == []
    assert model_tools.proposals(Actions(ws), question, answer) == []


def test_a_model_call_is_a_proposal_marked_as_the_models(ollama_ws) -> None:
    ws, fake = ollama_ws
    fake.tool_calls = [
        {"name": "add_reminder",
         "arguments": {"what": "Call the dentist", "when": "tomorrow at 10:00",
                       "folder": "/etc/cron.d", "confirmed": True}},
        {"name": "save_note", "arguments": {"title": "x", "text": "y"}},  # not asked for
    ]  # fmt: skip
    question = "Remind me to call the dentist tomorrow at 10"
    offered = model_tools.offer(question, ws.engine)
    assert [t["name"] for t in offered] == ["add_reminder"]
    answer = ws.ask(question, tools=offered)
    actions = Actions(ws)
    (proposal,) = model_tools.proposals(actions, question, answer)
    assert proposal.origin.proposer == "model"
    assert proposal.origin.describe().startswith("proposed by the model ollama llama3.2:1b")
    assert proposal.details["ignored_arguments"] == ["confirmed", "folder"]
    assert proposal.target.root == actions.reminders_root
    assert list(Path(actions.reminders_root).iterdir()) == []  # nothing until the user says yes
    entry = actions.confirm(proposal, Confirmation("window dialog"))
    assert entry.origin.startswith("proposed by the model") and entry.conversation_id
    assert len(list(Path(actions.reminders_root).iterdir())) == 1


def test_without_tool_calling_the_users_own_request_makes_the_proposal(
    paths, tmp_path: Path
) -> None:
    from agent.mail_accounts import add_mail_path, index_mail_path
    from tests.fakes.engines import FakeEngine

    mail = tmp_path / "mail"
    mail.mkdir()
    (mail / "omar.eml").write_bytes(
        b"From: Omar Khalil <omar@example.org>\r\nTo: sara@example.com\r\n"
        b"Subject: Ferry\r\nMessage-ID: <f-1@example.org>\r\n\r\nShall we take the 7:40?\r\n"
    )
    ws = Workspace(paths, engine=FakeEngine("Yes, the 7:40 ferry suits me."))
    try:
        add_mail_path(ws, str(mail))
        index_mail_path(ws, str(mail))
        Grants(ws.settings).allow("drafts", str(mail))
        question = "Reply to Omar that the 7:40 ferry suits me"
        assert model_tools.offer(question, ws.engine) is None  # the fake has no tool calling
        answer = ws.ask(question)
        (proposal,) = model_tools.proposals(Actions(ws), question, answer)
        assert proposal.kind == "draft" and proposal.origin.proposer == "you"
        assert proposal.origin.via == "chat" and proposal.origin.conversation_id
        assert b"To: Omar Khalil <omar@example.org>" in proposal.data
        assert "Yes, the 7:40 ferry suits me." in proposal.text  # what the model wrote
    finally:
        ws.close()
