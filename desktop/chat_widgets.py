"""The widgets of the chat window: transcript, prompt, sources and the message banner.

They hold no workspace and start no work; ``main_window`` wires them to the core.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from agent.chat import Answer, Source
from agent.errors import FanousError
from desktop.qt import (
    QAbstractItemView,
    QColor,
    QFont,
    QFrame,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPalette,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QTextBlockFormat,
    QTextBrowser,
    QTextCharFormat,
    QTextCursor,
    QToolButton,
    QUrl,
    QVBoxLayout,
    QWidget,
    Signal,
)

__all__ = [
    "MessageBanner",
    "PromptEdit",
    "RouteIndicator",
    "SourcesPanel",
    "Transcript",
    "describe_error",
]

_SNIPPET_CHARS = 120


def describe_error(error: BaseException) -> tuple[str, str | None]:
    """A message and a fix a user can act on; never a traceback."""
    if isinstance(error, FanousError):
        return error.message, error.fix
    return (
        f"Something went wrong: {error}",
        "Try again; if it keeps happening, the log file has the details",
    )


def _block_format(*, top: int = 0, background: QColor | None = None) -> QTextBlockFormat:
    block = QTextBlockFormat()
    block.setTopMargin(top)
    block.setLeftMargin(6)
    block.setRightMargin(6)
    if background is not None:
        block.setBackground(background)
    return block


def _snippet(text: str) -> str:
    """The passage as one line, without the Markdown heading lines the list shows anyway."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    snippet = " ".join(" ".join(lines).split())
    if len(snippet) > _SNIPPET_CHARS:
        snippet = snippet[:_SNIPPET_CHARS].rstrip() + "…"
    return snippet


class Transcript(QTextBrowser):
    """Read-only conversation. Text goes in through a cursor as plain text, so nothing a
    model writes is ever parsed as HTML, and no resource (local or remote) is loaded."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transcript")
        self.setAccessibleName("Conversation")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        palette = self.palette()
        shade = palette.color(QPalette.ColorRole.AlternateBase)
        # A turn opens with a spaced label block; its text blocks follow without a gap, so
        # the question's shading reads as one bubble.
        self._question_label_block = _block_format(top=12, background=shade)
        self._question_block = _block_format(background=shade)
        self._answer_label_block = _block_format(top=8)
        self._answer_block = _block_format()
        self._label = QTextCharFormat()
        self._label.setFontWeight(QFont.Weight.Bold)
        self._answer_label = QTextCharFormat(self._label)
        self._answer_label.setForeground(palette.color(QPalette.ColorRole.Highlight))
        self._text = QTextCharFormat()
        self._meta = QTextCharFormat()
        self._meta.setFontItalic(True)
        self._meta.setFontPointSize(max(7.0, self.font().pointSizeF() * 0.85))
        self._meta.setForeground(palette.color(QPalette.ColorRole.PlaceholderText))

    def loadResource(self, kind: int, url: QUrl) -> object:
        return None  # never fetch images or styles, not even local files

    def add_question(self, text: str) -> None:
        self._block(self._question_label_block, self._label, "You")
        self._block(self._question_block, self._text, text)

    def begin_answer(self) -> None:
        self._block(self._answer_label_block, self._answer_label, "Fanous")
        self._block(self._answer_block, self._text, "")

    def append_token(self, text: str) -> None:
        self._insert(lambda cursor: cursor.insertText(text, self._text))

    def add_meta(self, text: str) -> None:
        self._block(self._answer_block, self._meta, text)

    def _block(self, block: QTextBlockFormat, char: QTextCharFormat, text: str) -> None:
        def write(cursor: QTextCursor) -> None:
            if self.document().isEmpty():  # reuse the empty first block: no blank line
                cursor.setBlockFormat(block)
                cursor.setBlockCharFormat(char)
            else:
                cursor.insertBlock(block, char)
            cursor.insertText(text, char)

        self._insert(write)

    def _insert(self, write: Callable[[QTextCursor], object]) -> None:
        bar = self.verticalScrollBar()
        follow = bar.value() >= bar.maximum() - 4  # keep following unless scrolled up
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        write(cursor)
        if follow:
            bar.setValue(bar.maximum())


class PromptEdit(QPlainTextEdit):
    """Question input: Enter sends, Shift+Enter starts a new line."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("prompt")
        self.setAccessibleName("Question")
        self.setPlaceholderText("Ask about your notes…  (Enter sends, Shift+Enter: new line)")
        self.setTabChangesFocus(True)
        lines = 3
        self.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 16)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
            else:
                self.submitted.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class SourcesPanel(QWidget):
    """The latest answer's citations, a preview of the cited passage, and Open."""

    open_requested = Signal(str)  # a local file path

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setObjectName("sources")
        self.list.setAccessibleName("Sources")
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.preview = QPlainTextEdit()
        self.preview.setObjectName("sourcePreview")
        self.preview.setAccessibleName("Cited passage")
        self.preview.setReadOnly(True)
        self.preview.setPlaceholderText("Select a source to see the passage it cites.")
        self.open_button = QPushButton("Open")
        self.open_button.setObjectName("openSource")
        self.open_button.setAccessibleName("Open note")
        self.open_button.setEnabled(False)

        self.list.currentItemChanged.connect(self._show_current)
        self.list.itemDoubleClicked.connect(lambda _item: self._open_current())
        self.open_button.clicked.connect(self._open_current)

        title = QLabel("Sources")
        title.setFont(QFont(title.font().family(), -1, QFont.Weight.Bold))
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.list, 3)
        layout.addWidget(self.preview, 2)

    def show_sources(self, sources: Sequence[Source]) -> None:
        self.clear()
        for source in sources:
            hit = source.hit
            name = os.path.basename(hit.path) if hit.path else hit.title
            snippet = _snippet(hit.text)
            heading = f" — {hit.heading_path}" if hit.heading_path else ""
            item = QListWidgetItem(f"{name}{heading}\n{snippet}")
            item.setToolTip(hit.path or hit.uri)
            item.setData(Qt.ItemDataRole.UserRole, source)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def clear(self) -> None:
        self.list.clear()
        self.preview.clear()
        self.open_button.setEnabled(False)

    def current_source(self) -> Source | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _show_current(self) -> None:
        source = self.current_source()
        self.preview.setPlainText(source.hit.text if source else "")
        self.open_button.setEnabled(bool(source and source.hit.path))

    def _open_current(self) -> None:
        source = self.current_source()
        if source and source.hit.path:
            self.open_requested.emit(source.hit.path)


class MessageBanner(QFrame):
    """A non-modal message above the prompt: what went wrong and what to do about it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBanner")
        self.setAccessibleName("Message")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#messageBanner { background: #fff4e5; border: 1px solid #f0b35a; }"
            " #messageBanner QLabel { color: #5a3b00; }"
        )
        self.label = QLabel()
        self.label.setObjectName("messageText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setObjectName("dismissMessage")
        close.setAccessibleName("Dismiss message")
        close.setAutoRaise(True)
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(self, message: str, fix: str | None = None) -> None:
        self.label.setText(f"{message}\nWhat to do: {fix}" if fix else message)
        self.show()

    def text(self) -> str:
        return self.label.text()


class RouteIndicator(QLabel):
    """Local or cloud, always in sight; the tooltip says why the last answer went where."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("routeIndicator")
        self.setAccessibleName("Route")

    def show_route(self, cloud_on: bool, last: Answer | None) -> None:
        self.setText("Cloud escalation on" if cloud_on else "Local")
        color = "#b35c00" if cloud_on else "#2e7d32"
        self.setStyleSheet(f"color: {color}; font-weight: bold; padding: 0 6px;")
        lines = [
            "Cloud escalation is on: hard questions may go to a cloud model."
            if cloud_on
            else "Cloud escalation is off: nothing leaves this computer."
        ]
        if last is not None:
            lines.append(f"Last answer: {last.route.kind} — {last.route.reason}")
            lines.append(f"Engine: {last.engine} · model: {last.model}")
        self.setToolTip("\n".join(lines))
