"""The chat in the main window: the current conversation and the question being answered.

A question runs on the store's worker (``host.ops``, after any indexing queued before
it) and streams its tokens into the transcript; in confirm-each mode, and when only the
notes' text could have sent a question out (a weak draft), the worker waits while a
dialog shows exactly what would leave the computer. Only the current answer's
signals count, so a stopped or abandoned one never writes into a newer chat. Each shown
answer keeps its sources and the actions proposed with it, for the links under it.

The session drives the chat column (transcript, banner, question box) and the two parts
that make the links under an answer; everything else it asks of its host, ``ChatHost``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

from agent import conversations
from agent.actions import Actions, model_tools
from agent.chat import Answer
from contracts.errors import EngineError
from desktop.actions_part import ActionsPart, TurnRecord
from desktop.chat_panel import ChatPanel
from desktop.confirm_send import ConfirmSend
from desktop.feedback_part import PREFIX, FeedbackPart
from desktop.ops import Op, OpContext
from desktop.sources_panel import SourceRef
from desktop.status import MESSAGE_MS
from desktop.transcript import answer_markdown, route_line
from desktop.window_part import WindowHost, WindowPart

__all__ = ["ChatHost", "ChatSession"]

_READING = re.compile(r"^Reading (\d+) passages?…$")


class ChatHost(WindowHost, Protocol):
    """What the chat session asks of the window beyond ``WindowHost``."""

    def update_busy(self) -> None:
        """Send, Stop and their actions follow whether something runs."""
        ...

    def focus_prompt(self) -> None: ...

    def show_sources(self, sources: Sequence[Any], select: int = 0) -> None:
        """The sources pane: these passages, ``select`` previewed ([] clears it)."""
        ...

    def show_current_conversation(self, conversation_id: int | None) -> None:
        """The conversation list marks this one as the one shown."""
        ...

    def refresh_conversations(self) -> None:
        """The conversation list reads the history again (a new or longer chat)."""
        ...

    def answer_shown(self, answer: Answer) -> None:
        """The route indicator (and where the model sits) follow the latest answer."""
        ...


class ChatSession(WindowPart):
    def __init__(
        self, host: ChatHost, chat: ChatPanel, *, actions: ActionsPart, feedback: FeedbackPart
    ) -> None:
        """``chat``: the column it writes into; ``actions`` and ``feedback``: the parts
        that make the links under an answer and answer their clicks."""
        super().__init__(host)
        self._host = host
        self._transcript, self._banner, self._prompt = chat.transcript, chat.banner, chat.prompt
        self._actions, self._feedback = actions, feedback
        self._op: Op | None = None
        self._settled = False  # the current answer ended with a result or an error
        self.conversation_id: int | None = None
        self.last_answer: Answer | None = None
        self.turns: list[TurnRecord] = []  # per shown answer: its sources and actions
        self.confirm_dialog: ConfirmSend | None = None  # confirm-each mode, while it asks

    @property
    def is_answering(self) -> bool:
        return self._op is not None

    def send(self, question: str | None = None) -> None:
        host = self._host
        question = (question or self._prompt.toPlainText()).strip()
        if not question or self.is_answering:
            return
        self._prompt.clear()
        self._banner.hide()
        host.show_sources([])
        self._transcript.add_question(question)
        self._transcript.begin_answer()
        self._transcript.show_status(self.tr("Searching your notes…"))  # at once: no blank wait
        if host.ops.busy:
            host.show_message(self.tr("Your question starts when indexing finishes…"))
        workspace, conversation = host.workspace, self.conversation_id

        def work(ctx: OpContext) -> tuple[Answer, list[Any]]:
            answer = workspace.ask(
                question,
                on_token=ctx.token,
                on_status=ctx.status,
                cancel=ctx.cancel,
                conversation_id=conversation,
                tools=model_tools.offer(question, workspace.engine),  # only those asked for
                # Asked in confirm-each mode, and when only the notes could have sent it
                # out: the user sees exactly what would leave, and decides.
                confirm=lambda outbound: bool(ctx.ask(outbound)),
            )
            # Actions the question asked for: proposals only, confirmed in a dialog.
            return answer, model_tools.proposals(Actions(workspace), question, answer)

        op = host.ops.run(work)
        self._op, self._settled = op, False
        # Signals arrive through the event loop, so connecting after run() misses none.
        op.token.connect(lambda text: self._on_token(op, text))
        op.status.connect(lambda text: self._on_status(op, text))
        op.asked.connect(lambda outbound: self._confirm_cloud(op, outbound))
        op.succeeded.connect(lambda result: self._on_answer(op, question, *result))
        op.failed.connect(lambda error: self._on_failed(op, error))
        op.finished.connect(lambda: self._on_finished(op))
        host.update_busy()

    def stop(self) -> None:
        if self._op is not None:
            self._op.cancel()
            self._host.show_message(self.tr("Stopping…"), MESSAGE_MS)

    def new_chat(self, *, focus: bool = True) -> None:
        host = self._host
        if self._op is not None:  # its late tokens must not land in the new chat
            self._op.cancel()
            self._op = None
        self.conversation_id = None
        self.turns.clear()
        self._transcript.clear()
        host.show_sources([])
        self._banner.hide()
        host.show_current_conversation(None)
        host.update_busy()
        if focus:
            host.focus_prompt()

    def show_conversation(
        self, conversation_id: int, messages: Sequence[conversations.StoredMessage]
    ) -> None:
        """A stored conversation, opened from the list: its messages, its last sources."""
        self.new_chat(focus=False)
        self.conversation_id = conversation_id
        self._host.show_current_conversation(conversation_id)
        asked = [
            (messages[n - 1].content if n and messages[n - 1].role == "user" else "", m)
            for n, m in enumerate(messages)
            if m.role == "assistant"
        ]

        def stored_turn(sources: Sequence[Any]) -> None:
            question, m = asked[len(self.turns)]
            self._add_turn(
                TurnRecord(question, m.content, list(sources), conversation_id, message_id=m.id)
            )

        self._transcript.show_stored(messages, stored_turn)
        last = next((m for m in reversed(messages) if m.role == "assistant"), None)
        if last is not None:
            self._host.show_sources(last.sources)
        self._host.focus_prompt()

    def _add_turn(self, record: TurnRecord) -> None:
        """The lines under an answer: its sources, then what can be done with it."""
        self.turns.append(record)
        turn = len(self.turns) - 1
        names = [SourceRef.of(s).label for s in record.sources]
        self._transcript.add_sources(turn, names)
        links = self._actions.links(record) + self._feedback.links(record)
        self._transcript.add_actions(turn, links)

    def show_turn_source(self, turn: int, index: int) -> None:
        """A source link under an answer was clicked: show that passage in the preview."""
        if 0 <= turn < len(self.turns):
            self._host.show_sources(self.turns[turn].sources, select=index)

    def turn_action(self, turn: int, name: str) -> None:
        """An action link under an answer was clicked."""
        if 0 <= turn < len(self.turns):
            if name.startswith(PREFIX):
                self._feedback.clicked(self.turns[turn], name)
            else:
                self._actions.clicked(self.turns[turn], name)

    def _confirm_cloud(self, op: Op, outbound: Any) -> ConfirmSend:
        """Confirm-each mode: show what would be sent; the answer waits for the choice."""
        dialog = ConfirmSend(outbound, self._host.window())
        dialog.finished.connect(lambda result: op.reply(result == ConfirmSend.DialogCode.Accepted))
        dialog.finished.connect(lambda _result: setattr(self, "confirm_dialog", None))
        dialog.finished.connect(dialog.deleteLater)
        self.confirm_dialog = dialog
        dialog.open()
        return dialog

    def _on_token(self, op: Op, text: str) -> None:
        if op is self._op:
            self._transcript.append_token(text)

    def _on_status(self, op: Op, text: str) -> None:
        if op is self._op:
            self._transcript.show_status(self._translated(text))

    def _translated(self, status: str) -> str:
        """The core's status lines (English) in the window's language."""
        if m := _READING.match(status):
            return self.tr("Reading %n passage(s)…", "", int(m.group(1)))
        if status.startswith("Checking"):
            return self.tr("Checking the answer against your notes…")
        return status

    def _on_answer(self, op: Op, question: str, answer: Answer, proposals: list[Any]) -> None:
        if op is not self._op:
            return
        host = self._host
        self._settled = True
        self.conversation_id = answer.conversation_id
        self.last_answer = answer
        grounding = answer.grounding.to_json() if answer.grounding else None
        self._transcript.finish_answer(answer_markdown(answer.text, grounding))
        self._transcript.add_badge(grounding)
        self._transcript.add_meta(
            route_line(
                answer.route.kind,
                answer.model,
                engine=answer.engine,
                tokens_per_second=answer.tokens_per_second,
                seconds=answer.seconds,
                cost_usd=answer.cost_usd,
                stopped=op.cancelled,
            )
        )
        self._add_turn(
            TurnRecord(question, answer.text, list(answer.sources), answer.conversation_id,
                       proposals, turn_id=answer.turn_id)
        )  # fmt: skip
        host.show_sources(answer.sources)
        host.answer_shown(answer)
        host.show_message(self.tr("Stopped") if op.cancelled else self.tr("Answered"), MESSAGE_MS)
        host.refresh_conversations()
        if answer.not_saved:  # a full disk: the answer stands, its history entry does not
            self._banner.show_message(
                self.tr("This answer is not in your history. {reason}").format(
                    reason=answer.not_saved
                )
            )

    def _on_failed(self, op: Op, error: Exception) -> None:
        if op is not self._op:
            return
        self._settled = True
        engine_error = error if isinstance(error, EngineError) else None
        partial = engine_error.partial_text if engine_error else ""  # streamed: keep it
        self._transcript.finish_answer(partial)
        self._transcript.add_meta(
            self.tr("Answer interrupted") if partial else self.tr("No answer")
        )
        self._host.show_error(error)
        # The question (and the partial answer) is in the history: stay in its conversation.
        saved = engine_error.conversation_id if engine_error else None
        if saved is not None:
            self.conversation_id = saved
            self._host.refresh_conversations()

    def _on_finished(self, op: Op) -> None:
        if op is not self._op:
            return
        if self.confirm_dialog is not None:
            self.confirm_dialog.reject()  # stopped while asking: nothing is sent
        if not self._settled:  # cancelled while waiting for the indexing
            self._transcript.finish_answer("")
            self._transcript.add_meta(self.tr("stopped"))
            self._host.show_message(self.tr("Stopped"), MESSAGE_MS)
        self._op = None
        self._host.update_busy()
