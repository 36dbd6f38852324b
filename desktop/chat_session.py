"""The chat in the main window: the current conversation and the question being answered.

A question runs on the store's worker (``window.ops``, after any indexing queued before
it) and streams its tokens into the transcript; in confirm-each mode, and when only the
notes' text could have sent a question out (a weak draft), the worker waits while a
dialog shows exactly what would leave the computer. Only the current answer's
signals count, so a stopped or abandoned one never writes into a newer chat. Each shown
answer keeps its sources and the actions proposed with it, for the links under it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from agent import conversations
from agent.actions import Actions, model_tools
from agent.chat import Answer
from contracts.errors import EngineError
from desktop.actions_part import TurnRecord
from desktop.confirm_send import ConfirmSend
from desktop.feedback_part import PREFIX
from desktop.ops import Op, OpContext
from desktop.sources_panel import SourceRef
from desktop.status import MESSAGE_MS
from desktop.transcript import answer_markdown, route_line
from desktop.window_part import WindowPart

if TYPE_CHECKING:
    from desktop.main_window import MainWindow

__all__ = ["ChatSession"]

_READING = re.compile(r"^Reading (\d+) passages?…$")


class ChatSession(WindowPart):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
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
        w = self._window
        question = (question or w.prompt.toPlainText()).strip()
        if not question or self.is_answering:
            return
        w.prompt.clear()
        w.banner.hide()
        w.sources.clear()
        w.transcript.add_question(question)
        w.transcript.begin_answer()
        w.transcript.show_status(self.tr("Searching your notes…"))  # at once: no blank wait
        if w.ops.busy:
            w.statusBar().showMessage(self.tr("Your question starts when indexing finishes…"))
        workspace, conversation = w.workspace, self.conversation_id

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

        op = w.ops.run(work)
        self._op, self._settled = op, False
        # Signals arrive through the event loop, so connecting after run() misses none.
        op.token.connect(lambda text: self._on_token(op, text))
        op.status.connect(lambda text: self._on_status(op, text))
        op.asked.connect(lambda outbound: self._confirm_cloud(op, outbound))
        op.succeeded.connect(lambda result: self._on_answer(op, question, *result))
        op.failed.connect(lambda error: self._on_failed(op, error))
        op.finished.connect(lambda: self._on_finished(op))
        w.update_busy()

    def stop(self) -> None:
        if self._op is not None:
            self._op.cancel()
            self._window.statusBar().showMessage(self.tr("Stopping…"), MESSAGE_MS)

    def new_chat(self, *, focus: bool = True) -> None:
        w = self._window
        if self._op is not None:  # its late tokens must not land in the new chat
            self._op.cancel()
            self._op = None
        self.conversation_id = None
        self.turns.clear()
        w.transcript.clear()
        w.sources.clear()
        w.banner.hide()
        w.conversations.set_current(None)
        w.update_busy()
        if focus:
            w.focus_prompt()

    def show_conversation(
        self, conversation_id: int, messages: Sequence[conversations.StoredMessage]
    ) -> None:
        """A stored conversation, opened from the list: its messages, its last sources."""
        w = self._window
        self.new_chat(focus=False)
        self.conversation_id = conversation_id
        w.conversations.set_current(conversation_id)
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

        w.transcript.show_stored(messages, stored_turn)
        last = next((m for m in reversed(messages) if m.role == "assistant"), None)
        if last is not None:
            w.sources.show_sources(last.sources)
        w.focus_prompt()

    def _add_turn(self, record: TurnRecord) -> None:
        """The lines under an answer: its sources, then what can be done with it."""
        self.turns.append(record)
        turn = len(self.turns) - 1
        names = [SourceRef.of(s).label for s in record.sources]
        self._window.transcript.add_sources(turn, names)
        links = self._window.actions.links(record) + self._window.feedback.links(record)
        self._window.transcript.add_actions(turn, links)

    def show_turn_source(self, turn: int, index: int) -> None:
        """A source link under an answer was clicked: show that passage in the preview."""
        if 0 <= turn < len(self.turns):
            self._window.sources.show_sources(self.turns[turn].sources, select=index)

    def turn_action(self, turn: int, name: str) -> None:
        """An action link under an answer was clicked."""
        if 0 <= turn < len(self.turns):
            part = self._window.feedback if name.startswith(PREFIX) else self._window.actions
            part.clicked(self.turns[turn], name)

    def _confirm_cloud(self, op: Op, outbound: Any) -> ConfirmSend:
        """Confirm-each mode: show what would be sent; the answer waits for the choice."""
        dialog = ConfirmSend(outbound, self._window)
        dialog.finished.connect(lambda result: op.reply(result == ConfirmSend.DialogCode.Accepted))
        dialog.finished.connect(lambda _result: setattr(self, "confirm_dialog", None))
        dialog.finished.connect(dialog.deleteLater)
        self.confirm_dialog = dialog
        dialog.open()
        return dialog

    def _on_token(self, op: Op, text: str) -> None:
        if op is self._op:
            self._window.transcript.append_token(text)

    def _on_status(self, op: Op, text: str) -> None:
        if op is self._op:
            self._window.transcript.show_status(self._translated(text))

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
        w = self._window
        self._settled = True
        self.conversation_id = answer.conversation_id
        self.last_answer = answer
        grounding = answer.grounding.to_json() if answer.grounding else None
        w.transcript.finish_answer(answer_markdown(answer.text, grounding))
        w.transcript.add_badge(grounding)
        w.transcript.add_meta(
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
        w.sources.show_sources(answer.sources)
        # Answered here by a server that says where its model sits: GPU, or not?
        if answer.route.kind == "local" and w.workspace.engine.capabilities.reports_residency:
            w.status.probe_residency(w.workspace.settings.ollama_host, w.probes)
        w.sync_cloud()
        w.statusBar().showMessage(
            self.tr("Stopped") if op.cancelled else self.tr("Answered"), MESSAGE_MS
        )
        w.sidebar.refresh()
        if answer.not_saved:  # a full disk: the answer stands, its history entry does not
            w.banner.show_message(
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
        self._window.transcript.finish_answer(partial)
        self._window.transcript.add_meta(
            self.tr("Answer interrupted") if partial else self.tr("No answer")
        )
        self._window.show_error(error)
        # The question (and the partial answer) is in the history: stay in its conversation.
        saved = engine_error.conversation_id if engine_error else None
        if saved is not None:
            self.conversation_id = saved
            self._window.sidebar.refresh()

    def _on_finished(self, op: Op) -> None:
        if op is not self._op:
            return
        w = self._window
        if self.confirm_dialog is not None:
            self.confirm_dialog.reject()  # stopped while asking: nothing is sent
        if not self._settled:  # cancelled while waiting for the indexing
            w.transcript.finish_answer("")
            w.transcript.add_meta(self.tr("stopped"))
            w.statusBar().showMessage(self.tr("Stopped"), MESSAGE_MS)
        self._op = None
        w.update_busy()
