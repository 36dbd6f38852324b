"""What the conversation list beside the chat asks for: list and search the stored
conversations, open, rename and delete one.

The queries run on the history worker (``window.history``, its own database connection),
so the list stays usable during a long indexing; an opened conversation is shown by the
chat session.
"""

from __future__ import annotations

from collections.abc import Sequence

from agent import conversations
from desktop.status import MESSAGE_MS
from desktop.window_part import WindowPart

__all__ = ["ConversationSidebar"]


class ConversationSidebar(WindowPart):
    def refresh(self) -> None:
        query = self._window.conversations.query()
        self._window.history.run(
            lambda store: conversations.list_conversations(store, query=query), self._show
        )

    def _show(self, summaries: Sequence[conversations.ConversationSummary]) -> None:
        self._window.conversations.show_conversations(summaries)
        self._window.conversations.set_current(self._window.conversation_id)

    def open(self, conversation_id: int) -> None:
        self._window.history.run(
            lambda store: conversations.load_messages(store, conversation_id),
            lambda messages: self._window.session.show_conversation(conversation_id, messages),
        )

    def rename(self, conversation_id: int, title: str) -> None:
        self._window.history.run(
            lambda store: conversations.rename(store, conversation_id, title),
            lambda _title: self.refresh(),
        )

    def delete(self, conversation_id: int) -> None:
        if conversation_id == self._window.conversation_id:
            self._window.new_chat()

        def done(_gone: bool) -> None:
            self._window.statusBar().showMessage(self.tr("Conversation deleted"), MESSAGE_MS)
            self.refresh()

        self._window.history.run(lambda store: conversations.delete(store, conversation_id), done)
