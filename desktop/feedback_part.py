"""Feedback from the window: 👍, 👎 and "The right answer is…" under every answer that
has a turn (answers from before the turn log have none). The word is kept with the turn
on the store's worker (``agent.monitor.feedback``); the status bar says it was kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from agent.monitor import feedback
from contracts.errors import InputError
from desktop.qt import QInputDialog
from desktop.status import MESSAGE_MS
from desktop.window_part import WindowHost, WindowPart

if TYPE_CHECKING:
    from desktop.actions_part import TurnRecord

__all__ = ["PREFIX", "FeedbackPart"]

PREFIX = "fb-"  # the link names this part answers


class FeedbackPart(WindowPart):
    def __init__(
        self, host: WindowHost, *, ask_text: Callable[..., tuple[str, bool]] | None = None
    ) -> None:
        super().__init__(host)
        self._host = host
        self._ask_text = ask_text or QInputDialog.getMultiLineText
        self.last: feedback.Feedback | None = None  # what was kept last (tests read it)

    def links(self, record: TurnRecord) -> list[tuple[str, str]]:
        if record.turn_id is None and record.message_id is None:
            return []
        return [
            (f"{PREFIX}up", self.tr("👍 Good answer")),
            (f"{PREFIX}down", self.tr("👎 Wrong")),
            (f"{PREFIX}right", self.tr("The right answer is…")),
        ]

    def clicked(self, record: TurnRecord, name: str) -> None:
        what = name.removeprefix(PREFIX)
        if what in ("up", "down"):
            self.give(record, rating=what)
        elif what == "right":
            text, ok = self._ask_text(
                self._host.window(),
                self.tr("The right answer"),
                self.tr(
                    "What is the right answer to “{question}”? It is kept with this answer "
                    "and joins your own evaluation set (fanous eval)."
                ).format(question=" ".join(record.question.split())[:120]),
            )
            if ok and text.strip():
                self.give(record, correction=text)

    def give(
        self, record: TurnRecord, *, rating: Any = None, correction: str | None = None
    ) -> None:
        store = self._host.workspace.store

        def work(_ctx: Any) -> feedback.Feedback:
            turn = record.turn_id
            if turn is None and record.message_id is not None:
                turn = feedback.turn_for_message(store, record.message_id)
            if turn is None:
                raise InputError(
                    "This answer was given before Fanous kept a turn log",
                    fix="rate an answer given since; ask the question again to rate it",
                )
            return feedback.give(store, turn, rating=rating, correction=correction)

        self._host.ops.run(work, on_success=self._done, on_failure=self._host.show_error)

    def _done(self, kept: feedback.Feedback) -> None:
        self.last = kept
        self._host.show_message(
            self.tr("Thank you: kept with this answer for your evaluation set"), MESSAGE_MS
        )
