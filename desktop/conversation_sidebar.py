"""What the conversation list beside the chat asks for: list and search the stored
conversations, open, rename and delete one.

The queries run on the history worker (``History``, its own database connection), so the
list stays usable during a long indexing; an opened conversation is shown by the chat
session.
"""

from __future__ import annotations

from collections.abc import Sequence

from agent import conversations
from desktop.chat_session import ChatSession
from desktop.conversation_list import ConversationList
from desktop.history import History
from desktop.status import MESSAGE_MS
from desktop.window_part import WindowHost, WindowPart

__all__ = ["ConversationSidebar"]


class ConversationSidebar(WindowPart):
    def __init__(
        self,
        host: WindowHost,
        conversation_list: ConversationList,
        *,
        history: History,
        session: ChatSession,
    ) -> None:
        super().__init__(host)
        self._host = host
        self._list, self._history, self._session = conversation_list, history, session

    def refresh(self) -> None:
        query = self._list.query()
        self._history.run(
            lambda store: conversations.list_conversations(store, query=query), self._show
        )

    def _show(self, summaries: Sequence[conversations.ConversationSummary]) -> None:
        self._list.show_conversations(summaries)
        self._list.set_current(self._session.conversation_id)

    def open(self, conversation_id: int) -> None:
        self._history.run(
            lambda store: conversations.load_messages(store, conversation_id),
            lambda messages: self._session.show_conversation(conversation_id, messages),
        )

    def rename(self, conversation_id: int, title: str) -> None:
        self._history.run(
            lambda store: conversations.rename(store, conversation_id, title),
            lambda _title: self.refresh(),
        )

    def delete(self, conversation_id: int) -> None:
        if conversation_id == self._session.conversation_id:
            self._session.new_chat()

        def done(_gone: bool) -> None:
            self._host.show_message(self.tr("Conversation deleted"), MESSAGE_MS)
            self.refresh()

        self._history.run(lambda store: conversations.delete(store, conversation_id), done)
