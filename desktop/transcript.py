"""The conversation view: questions and answers, answers rendered as Markdown.

Tokens stream in as plain text; when an answer ends, its range is replaced by the same
text parsed as GitHub Markdown with raw HTML off (code blocks, lists, tables). No resource
is ever loaded (``loadResource`` returns nothing, images stay empty boxes) and links never
open: a click on a source link only emits ``source_clicked``, and one on an action link
under an answer (save to notes, remind me, review a proposal) ``action_clicked``.

Each message follows its own text direction: an Arabic question or answer (its label
included) is laid out right to left, whatever the language of the window.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from desktop.qt import (
    QColor,
    QEvent,
    QFont,
    QPalette,
    Qt,
    QTextBlockFormat,
    QTextBrowser,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QUrl,
    QWidget,
    Signal,
)

__all__ = ["ACTION_SCHEME", "SOURCE_SCHEME", "Transcript", "route_line", "text_direction"]

SOURCE_SCHEME = "fanous-source"
ACTION_SCHEME = "fanous-action"
_MARKDOWN = (
    QTextDocument.MarkdownFeature.MarkdownDialectGitHub
    | QTextDocument.MarkdownFeature.MarkdownNoHTML
)
_RTL_CLASSES = {"R", "AL"}


def text_direction(text: str) -> Qt.LayoutDirection:
    """The direction of the first strong character (Unicode's rule P2), LTR when none."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in _RTL_CLASSES:
            return Qt.LayoutDirection.RightToLeft
        if kind == "L":
            return Qt.LayoutDirection.LeftToRight
    return Qt.LayoutDirection.LeftToRight


def _block_format(*, top: int = 0, background: QColor | None = None) -> QTextBlockFormat:
    block = QTextBlockFormat()
    block.setTopMargin(top)
    block.setLeftMargin(6)
    block.setRightMargin(6)
    if background is not None:
        block.setBackground(background)
    return block


def route_line(
    kind: str | None,
    model: str | None,
    *,
    engine: str | None = None,
    tokens_per_second: float | None = None,
    seconds: float | None = None,
    cost_usd: float | None = None,
    stopped: bool = False,
) -> str:
    """The line under an answer: where it ran, on what, how fast, what it cost."""
    kinds = {"local": Transcript.tr("Local"), "cloud": Transcript.tr("Cloud")}
    parts = [kinds.get(kind or "local", (kind or "").capitalize())]
    parts += [p for p in (engine, model) if p]
    if tokens_per_second:
        parts.append(Transcript.tr("{rate} tokens/s").format(rate=f"{tokens_per_second:.1f}"))
    if seconds is not None:
        parts.append(Transcript.tr("{seconds} s").format(seconds=f"{seconds:.1f}"))
    if cost_usd:
        parts.append(f"${cost_usd:.4f}")
    if stopped:
        parts.append(Transcript.tr("stopped"))
    return " · ".join(parts)


def answer_markdown(text: str, grounding: dict[str, Any] | None) -> str:
    """A quote from the notes is shown as one."""
    if grounding and grounding.get("shown") == "quote":
        return "\n".join(f"> {line}" for line in text.splitlines())
    return text


def grounding_line(grounding: dict[str, Any] | None) -> tuple[str, str]:
    """The badge under an answer, and its tone ("good", "warn", "none"), from the
    answer's ``Grounding.to_json()``."""
    if not grounding:
        return "", "none"
    verdict, shown = grounding.get("verdict"), grounding.get("shown")
    if verdict == "quoted":
        return Transcript.tr("✓ Quoted from your notes"), "good"
    if verdict == "supported":
        return Transcript.tr("✓ Every fact checked against your notes"), "good"
    if verdict == "unsupported" and shown == "quote":
        return Transcript.tr(
            "⚠ The model's answer stated what your notes don't say; quoted from them instead"
        ), "warn"
    if verdict == "unsupported":
        return Transcript.tr(
            "⚠ The model's answer stated what your notes don't say, and no passage answers"
        ), "warn"
    return Transcript.tr("Not in your notes"), "none"


class Transcript(QTextBrowser):
    source_clicked = Signal(int, int)  # turn number, source index
    action_clicked = Signal(int, str)  # turn number, action name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transcript")
        self.setAccessibleName(self.tr("Conversation"))
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.anchorClicked.connect(self._on_anchor)
        self._answer_start: int | None = None  # where the streaming answer's text begins
        self._status_shown = False  # the answer area holds a status line, not tokens yet
        self._direction = Qt.LayoutDirection.LeftToRight  # the last answer's, for its meta
        self._answer_direction_set = False
        self.restyle()

    def restyle(self) -> None:
        """Take the colours from the palette (again, after a light/dark switch)."""
        palette = self.palette()
        shade = palette.color(QPalette.ColorRole.AlternateBase)
        if shade == palette.color(QPalette.ColorRole.Base):
            shade = palette.color(QPalette.ColorRole.Midlight)
        self._question_label_block = _block_format(top=14, background=shade)
        self._question_block = _block_format(background=shade)
        self._answer_label_block = _block_format(top=10)
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
        # A generated draft streams muted: the checked answer replaces it when it ends.
        self._draft = QTextCharFormat()
        self._draft.setForeground(palette.color(QPalette.ColorRole.PlaceholderText))
        self._badge = {tone: QTextCharFormat(self._meta) for tone in ("good", "warn", "none")}
        for tone, colour in (("good", QColor("#2e7d32")), ("warn", QColor("#b26a00"))):
            self._badge[tone].setForeground(colour)
            self._badge[tone].setFontItalic(False)
        self._link = QTextCharFormat(self._meta)
        self._link.setFontItalic(False)
        self._link.setForeground(palette.color(QPalette.ColorRole.Link))
        self._link.setAnchor(True)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:  # light/dark switched by the system
            self.restyle()
        super().changeEvent(event)

    def loadResource(self, kind: int, url: QUrl) -> object:
        return None  # never fetch images or styles, not even local files

    # -- writing ---------------------------------------------------------------------

    def add_question(self, text: str) -> None:
        direction = text_direction(text)
        self._block(self._question_label_block, self._label, self.tr("You"), direction)
        self._block(self._question_block, self._text, text, direction)

    def begin_answer(self) -> None:
        self._direction = Qt.LayoutDirection.LeftToRight
        self._block(self._answer_label_block, self._answer_label, self.tr("Fanous"))
        self._block(self._answer_block, self._text, "")
        self._answer_start = self._end_position()
        self._answer_direction_set = False

    def show_status(self, text: str) -> None:
        """What is happening before the first token ("Reading 3 passages…")."""
        start = self._answer_start
        if start is None or (not self._status_shown and self._end_position() > start):
            return  # tokens are already streaming

        def write(cursor: QTextCursor) -> None:
            cursor.setPosition(start)
            cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(text, self._meta)

        self._insert(write)
        self._status_shown = True

    def append_token(self, text: str) -> None:
        if self._status_shown and self._answer_start is not None:
            start = self._answer_start

            def clear(cursor: QTextCursor) -> None:
                cursor.setPosition(start)
                cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
                cursor.removeSelectedText()

            self._insert(clear)
            self._status_shown = False
        if not self._answer_direction_set and text.strip():
            # The first words set the direction of the answer (and its label) while it
            # streams, so Arabic does not jump from left to right when it finishes.
            self._answer_direction_set = True
            self._set_direction(self._answer_label_start(), text_direction(text))
        self._insert(lambda cursor: cursor.insertText(text, self._draft))

    def finish_answer(self, markdown: str) -> None:
        """Replace the streamed plain text with the answer rendered as Markdown."""
        start, self._answer_start = self._answer_start, None
        self._status_shown = False
        if start is None:
            return

        def render(cursor: QTextCursor) -> None:
            cursor.setPosition(start)
            cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()
            cursor.setBlockFormat(self._answer_block)
            cursor.setCharFormat(self._text)
            if markdown.strip():
                cursor.insertMarkdown(markdown, _MARKDOWN)

        self._insert(render)
        self._direction = text_direction(markdown)
        self._set_direction(self._answer_label_start(start), self._direction)
        self._tidy_blocks(start)

    def add_meta(self, text: str) -> None:
        """A line under the answer (route, timing), on the answer's side."""
        self._block(self._answer_block, self._meta, text, self._direction)

    def add_badge(self, grounding: dict[str, Any] | None) -> None:
        """How far the notes back the answer, under it (nothing for old answers)."""
        text, tone = grounding_line(grounding)
        if text:
            self._block(self._answer_block, self._badge[tone], text, self._direction)
            note = (grounding or {}).get("note")
            if note and tone == "warn":
                self._block(self._answer_block, self._meta, note, self._direction)

    def add_sources(self, turn: int, names: Sequence[str]) -> None:
        """A line of links under an answer; a click emits ``source_clicked(turn, i)``."""
        if not names:
            return

        block = QTextBlockFormat(self._answer_block)
        block.setLayoutDirection(self._direction)
        heading = self.tr("Sources: ")
        tip = self.tr("Show the passage from {name}")

        def write(cursor: QTextCursor) -> None:
            cursor.insertBlock(block, self._meta)
            cursor.insertText(heading, self._meta)
            for i, name in enumerate(names):
                if i:
                    cursor.insertText(" · ", self._meta)
                link = QTextCharFormat(self._link)
                link.setAnchorHref(f"{SOURCE_SCHEME}:{turn}/{i}")
                link.setToolTip(tip.format(name=name))
                cursor.insertText(name, link)

        self._insert(write)

    def add_actions(self, turn: int, links: Sequence[tuple[str, str]]) -> None:
        """A line of action links under an answer: (name, label) each; a click emits
        ``action_clicked(turn, name)``. Nothing happens without the confirmation after."""
        if not links:
            return
        block = QTextBlockFormat(self._answer_block)
        block.setLayoutDirection(self._direction)

        def write(cursor: QTextCursor) -> None:
            cursor.insertBlock(block, self._meta)
            for i, (name, label) in enumerate(links):
                if i:
                    cursor.insertText(" · ", self._meta)
                link = QTextCharFormat(self._link)
                link.setAnchorHref(f"{ACTION_SCHEME}:{turn}/{name}")
                cursor.insertText(label, link)

        self._insert(write)

    def show_stored(
        self, messages: Sequence[Any], add_sources: Callable[[list[Any]], None]
    ) -> None:
        """Render stored messages (``agent.conversations.StoredMessage``); each answer's
        sources go to ``add_sources``, which writes their line under it."""
        for message in messages:
            if message.role == "user":
                self.add_question(message.content)
                continue
            self.begin_answer()
            self.finish_answer(answer_markdown(message.content, message.grounding))
            self.add_badge(message.grounding)
            self.add_meta(
                route_line(
                    message.route,
                    message.model,
                    engine=message.engine,
                    seconds=message.seconds,  # tokens/s needs the first-token time: not kept
                    stopped=message.finish_reason in ("cancelled", "error"),
                )
            )
            add_sources(message.sources)

    def clear(self) -> None:
        super().clear()
        self._answer_start = None

    # -- helpers -----------------------------------------------------------------------

    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme() == ACTION_SCHEME:
            turn, _, name = url.path().partition("/")
            if turn.isdigit() and name:
                self.action_clicked.emit(int(turn), name)
            return
        if url.scheme() != SOURCE_SCHEME:
            return  # model-written links are shown, never followed
        try:
            turn, index = (int(part) for part in url.path().split("/"))
        except ValueError:
            return
        self.source_clicked.emit(turn, index)

    def _end_position(self) -> int:
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        return cursor.position()

    def _answer_label_start(self, start: int | None = None) -> int:
        """The position of the "Fanous" label block above the answer starting at start."""
        at = self._answer_start if start is None else start
        block = self.document().findBlock(at or 0)
        return block.previous().position() if block.previous().isValid() else 0

    def _set_direction(self, from_position: int, direction: Qt.LayoutDirection) -> None:
        block = self.document().findBlock(from_position)
        while block.isValid():
            cursor = QTextCursor(block)
            fmt = QTextBlockFormat()
            fmt.setLayoutDirection(direction)
            cursor.mergeBlockFormat(fmt)
            block = block.next()

    def _tidy_blocks(self, from_position: int) -> None:
        """Markdown blocks keep the bubble's side margins."""
        block = self.document().findBlock(from_position)
        while block.isValid():
            fmt = QTextBlockFormat()
            fmt.setLeftMargin(max(6.0, block.blockFormat().leftMargin()))
            fmt.setRightMargin(6)
            QTextCursor(block).mergeBlockFormat(fmt)
            block = block.next()

    def _block(
        self,
        block: QTextBlockFormat,
        char: QTextCharFormat,
        text: str,
        direction: Qt.LayoutDirection | None = None,
    ) -> None:
        fmt = QTextBlockFormat(block)
        if direction is not None:
            fmt.setLayoutDirection(direction)

        def write(cursor: QTextCursor) -> None:
            if self.document().isEmpty():  # reuse the empty first block: no blank line
                cursor.setBlockFormat(fmt)
                cursor.setBlockCharFormat(char)
            else:
                cursor.insertBlock(fmt, char)
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
