"""The list of stored conversations beside the chat: search, open, rename, delete.

The widget only shows summaries and asks; ``ConversationSidebar`` runs the queries on a
worker (``agent.conversations``) and feeds the results back with ``show_conversations``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from agent.conversations import ConversationSummary
from desktop.qt import (
    QAbstractItemView,
    QAction,
    QHBoxLayout,
    QInputDialog,
    QKeySequence,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPoint,
    Qt,
    QTimer,
    QToolButton,
    QVBoxLayout,
    QWidget,
    Signal,
)

__all__ = ["ConversationList"]

_SEARCH_DELAY_MS = 200  # wait for a pause in typing before querying


def _when(stamp: float, now: float) -> str:
    if now - stamp < 86_400 and time.localtime(stamp).tm_mday == time.localtime(now).tm_mday:
        return time.strftime("%H:%M", time.localtime(stamp))
    return time.strftime("%d %b", time.localtime(stamp))


class ConversationList(QWidget):
    open_requested = Signal(int)
    rename_requested = Signal(int, str)
    delete_requested = Signal(int)
    search_changed = Signal(str)
    new_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationList")
        self.search = QLineEdit()
        self.search.setObjectName("conversationSearch")
        self.search.setAccessibleName(self.tr("Search conversations"))
        self.search.setPlaceholderText(self.tr("Search conversations"))
        self.search.setClearButtonEnabled(True)
        new = QToolButton()
        new.setObjectName("newConversation")
        new.setText("+")
        new.setToolTip(self.tr("New chat (Ctrl+N)"))
        new.setAccessibleName(self.tr("New chat"))
        new.clicked.connect(self.new_requested)
        self.list = QListWidget()
        self.list.setObjectName("conversations")
        self.list.setAccessibleName(self.tr("Conversations"))
        self.list.setToolTip(
            self.tr("Click to open · F2 rename · Delete removes · right-click for more")
        )
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)

        for key, slot in (("F2", self.ask_rename), ("Delete", self.ask_delete)):
            action = QAction(self.list)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(lambda _checked=False, s=slot: self._on_current(s))
            self.list.addAction(action)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(_SEARCH_DELAY_MS)
        self._timer.timeout.connect(lambda: self.search_changed.emit(self.query()))
        self.search.textChanged.connect(lambda _t: self._timer.start())

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(new)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        self._current: int | None = None

    def query(self) -> str:
        return self.search.text().strip()

    def show_conversations(self, conversations: Sequence[ConversationSummary]) -> None:
        now = time.time()
        self.list.blockSignals(True)
        self.list.clear()
        for c in conversations:
            questions = c.messages // 2
            count = self.tr("{count} Q", "questions asked in a conversation", questions)
            item = QListWidgetItem(
                f"{c.title}\n{_when(c.updated, now)} · {count.format(count=questions)}"
            )
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            item.setToolTip(c.title)
            self.list.addItem(item)
            if c.id == self._current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        if not conversations:
            empty = QListWidgetItem(self.tr("No matching conversations") if self.query() else "")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            if empty.text():
                self.list.addItem(empty)

    def set_current(self, conversation_id: int | None) -> None:
        self._current = conversation_id
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == conversation_id:
                self.list.setCurrentItem(item)
                return
        self.list.clearSelection()

    def titles(self) -> list[str]:
        return [
            self.list.item(i).text().split("\n")[0]
            for i in range(self.list.count())
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) is not None
        ]

    def item_for(self, conversation_id: int) -> QListWidgetItem | None:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == conversation_id:
                return self.list.item(i)
        return None

    # -- asking -------------------------------------------------------------------------

    def ask_rename(self, conversation_id: int) -> None:
        item = self.item_for(conversation_id)
        old = item.toolTip() if item else ""
        title, ok = QInputDialog.getText(
            self, self.tr("Rename conversation"), self.tr("Title:"), text=old
        )
        if ok and title.strip():
            self.rename_requested.emit(conversation_id, title)

    def ask_delete(self, conversation_id: int) -> None:
        item = self.item_for(conversation_id)
        title = item.toolTip() if item else self.tr("this conversation")
        answer = QMessageBox.question(
            self,
            self.tr("Delete conversation"),
            self.tr("Delete “{title}” and its messages?").format(title=title),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_requested.emit(conversation_id)

    def _on_current(self, slot: Callable[[int], None]) -> None:
        item = self.list.currentItem()
        cid = item.data(Qt.ItemDataRole.UserRole) if item else None
        if cid is not None:
            slot(cid)

    def _activated(self, item: QListWidgetItem) -> None:
        cid = item.data(Qt.ItemDataRole.UserRole)
        if cid is not None and cid != self._current:
            self.open_requested.emit(cid)

    def _menu(self, pos: QPoint) -> None:
        item = self.list.itemAt(pos)
        cid = item.data(Qt.ItemDataRole.UserRole) if item else None
        if cid is None:
            return
        menu = QMenu(self)
        rename = QAction(self.tr("Rename…"), menu)
        rename.triggered.connect(lambda: self.ask_rename(cid))
        delete = QAction(self.tr("Delete…"), menu)
        delete.triggered.connect(lambda: self.ask_delete(cid))
        menu.addActions([rename, delete])
        menu.popup(self.list.viewport().mapToGlobal(pos))
