"""The sources of an answer, and a preview of the cited note with the passage highlighted.

A citation is (path, span): the panel reads the note on a worker thread, shows it whole
and selects the cited characters; when the file changed since it was indexed and the span
no longer holds the passage, it looks the passage up, and failing that shows the passage
alone. "Open in the default app" hands the file to the desktop.

A cited mail message is read from the index itself (``load_mail``, set by the window:
nothing is fetched from a server and no remote content is loaded): its sender, date and
subject above, its text below with the passage highlighted; mail has no "open" button.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.chat import Source
from desktop.ops import Ops
from desktop.qt import (
    QAbstractItemView,
    QFont,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPalette,
    QPushButton,
    Qt,
    QTextCursor,
    QTextEdit,
    QVBoxLayout,
    QWidget,
    Signal,
)

__all__ = ["SourceRef", "SourcesPanel", "read_note"]

_SNIPPET_CHARS = 120
_MAX_PREVIEW_BYTES = 2_000_000


@dataclass(frozen=True, slots=True)
class SourceRef:
    """What the panel needs of a citation, from a live answer or a stored message."""

    title: str
    path: str | None
    uri: str
    heading_path: str
    start: int
    end: int
    text: str = ""  # the passage, when known (stored messages keep only the span)

    @property
    def is_mail(self) -> bool:
        return self.uri.startswith(("mid:", "mail:"))

    @property
    def name(self) -> str:
        if self.is_mail or not self.path:  # a message's path is its mailbox: use the subject
            return self.title
        return os.path.basename(self.path)

    @property
    def label(self) -> str:
        """The note and its section: "hydra.md › Packing"."""
        section = self.heading_path.split(" > ")[-1] if self.heading_path else ""
        return f"{self.name} › {section}" if section else self.name

    @classmethod
    def of(cls, source: Source | Mapping[str, Any]) -> SourceRef:
        if isinstance(source, Source):
            hit = source.hit
            return cls(hit.title, hit.path, hit.uri, hit.heading_path, hit.start, hit.end, hit.text)
        span = source.get("span") or [0, 0]
        return cls(
            str(source.get("title") or ""),
            source.get("path"),
            str(source.get("uri") or ""),
            str(source.get("heading_path") or ""),
            int(span[0]),
            int(span[1]),
        )


def read_note(path: str) -> str:
    """The note as the indexer saw it: UTF-8 (BOM dropped), newlines made \\n."""
    with open(path, "rb") as f:
        data = f.read(_MAX_PREVIEW_BYTES)
    return data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


def locate(note: str, ref: SourceRef) -> tuple[int, int] | None:
    """Where the cited passage is in the note text, or None."""
    in_range = 0 <= ref.start < ref.end <= len(note)
    if in_range and (not ref.text or note[ref.start : ref.end].strip() == ref.text.strip()):
        return ref.start, ref.end
    if ref.text:
        at = note.find(ref.text.strip())
        if at >= 0:
            return at, at + len(ref.text.strip())
    return None


def _snippet(text: str) -> str:
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    snippet = " ".join(" ".join(lines).split())
    if len(snippet) > _SNIPPET_CHARS:
        snippet = snippet[:_SNIPPET_CHARS].rstrip() + "…"
    return snippet


class SourcesPanel(QWidget):
    open_requested = Signal(str)  # a local file path
    draft_requested = Signal(object)  # a SourceRef: draft a reply to this message
    remind_requested = Signal(object)  # a SourceRef: a reminder from its dates

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._reader = Ops(self)  # file reads only: never waits behind the index
        self.list = QListWidget()
        self.list.setObjectName("sources")
        self.list.setAccessibleName(self.tr("Sources"))
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # A QTextEdit, not a QPlainTextEdit: each paragraph follows its own direction.
        self.preview = QTextEdit()
        self.preview.setAcceptRichText(False)
        self.preview.setObjectName("sourcePreview")
        self.preview.setAccessibleName(self.tr("Cited passage"))
        self.preview.setReadOnly(True)
        self.preview.setPlaceholderText(self.tr("Select a source to see the passage it cites."))
        self.location = QLabel()
        self.location.setObjectName("sourceLocation")
        self.location.setWordWrap(True)
        self.location.setTextFormat(Qt.TextFormat.PlainText)
        self.open_button = QPushButton(self.tr("Open in default app"))
        self.open_button.setObjectName("openSource")
        self.open_button.setAccessibleName(self.tr("Open note in the default app"))
        self.open_button.setEnabled(False)

        self.draft_button = QPushButton(self.tr("Draft a reply"))
        self.draft_button.setObjectName("draftReply")
        self.draft_button.setToolTip(self.tr("Write a reply to this message, saved as a draft"))
        self.draft_button.setEnabled(False)
        self.remind_button = QPushButton(self.tr("Remind me"))
        self.remind_button.setObjectName("remindFromSource")
        self.remind_button.setToolTip(self.tr("A reminder from the date and time it mentions"))
        self.remind_button.setEnabled(False)

        self.list.currentItemChanged.connect(self._show_current)
        self.list.itemDoubleClicked.connect(lambda _item: self._open_current())
        self.open_button.clicked.connect(self._open_current)
        self.draft_button.clicked.connect(lambda: self._request(self.draft_requested))
        self.remind_button.clicked.connect(lambda: self._request(self.remind_requested))

        title = QLabel(self.tr("Sources"))
        title.setFont(QFont(title.font().family(), -1, QFont.Weight.Bold))
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.location)
        layout.addWidget(self.preview, 3)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.draft_button)
        actions.addWidget(self.remind_button)
        layout.addLayout(actions)
        self._shown: SourceRef | None = None
        # (uri, show) -> calls show(message or None) later; the window reads the store.
        self.load_mail: Callable[[str, Callable[[Any], None]], None] | None = None

    def show_sources(self, sources: Sequence[Source | Mapping[str, Any]], select: int = 0) -> None:
        self.clear()
        for source in sources:
            ref = SourceRef.of(source)
            heading = f" — {ref.heading_path}" if ref.heading_path else ""
            snippet = _snippet(ref.text)
            item = QListWidgetItem(f"{ref.name}{heading}" + (f"\n{snippet}" if snippet else ""))
            item.setToolTip(ref.path or ref.uri)
            item.setData(Qt.ItemDataRole.UserRole, ref)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(min(max(select, 0), self.list.count() - 1))

    def clear(self) -> None:
        self.list.clear()
        self.preview.clear()
        self.location.clear()
        self.open_button.setEnabled(False)
        self.draft_button.setEnabled(False)
        self.remind_button.setEnabled(False)
        self._shown = None

    def current_source(self) -> SourceRef | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def highlighted_text(self) -> str:
        """The characters highlighted in the preview (the cited passage)."""
        selections = self.preview.extraSelections()
        return selections[0].cursor.selectedText().replace("\u2029", "\n") if selections else ""

    def _show_current(self) -> None:
        ref = self.current_source()
        self._shown = ref
        self.preview.setExtraSelections([])
        self.preview.setPlainText(ref.text if ref else "")
        self.open_button.setEnabled(bool(ref and ref.path and not ref.is_mail))
        self.draft_button.setEnabled(bool(ref and ref.is_mail))
        self.remind_button.setEnabled(ref is not None)
        if ref is None:
            self.location.clear()
            return
        if ref.is_mail:
            self.location.setText(self.tr("Mail: {title}").format(title=ref.title))
            if self.load_mail is not None:
                self.load_mail(ref.uri, lambda message, r=ref: self._show_mail(r, message))
            return
        where = ref.path or ref.uri
        self.location.setText(
            self.tr("{where}  ·  characters {start}–{end}").format(
                where=where, start=ref.start, end=ref.end
            )
        )
        if ref.path and Path(ref.path).is_absolute():
            path = ref.path
            self._reader.run(
                lambda _ctx: read_note(path),
                on_success=lambda note, r=ref: self._show_note(r, note),
                on_failure=lambda _e, r=ref: self._note_unreadable(r),
            )

    def _show_note(self, ref: SourceRef, note: str) -> None:
        if ref != self._shown:
            return  # the user moved on
        span = locate(note, ref)
        if span is None:
            if not ref.text:
                self.preview.setPlainText(note)
            self.location.setText(self.location.text() + self.tr("  ·  the note changed since"))
            return
        self._highlight(note, span)

    def _show_mail(self, ref: SourceRef, message: Any) -> None:
        if ref != self._shown or message is None:
            return  # the user moved on, or the message left the index
        self.location.setText(
            self.tr("From: {sender}\nDate: {date}\nSubject: {subject}").format(
                sender=message.sender or self.tr("(unknown sender)"),
                date=message.date or self.tr("(no date)"),
                subject=message.subject or self.tr("(no subject)"),
            )
        )
        span = locate(message.text, ref)
        if span is None:
            self.preview.setPlainText(message.text)
            return
        self._highlight(message.text, span)

    def _highlight(self, text: str, span: tuple[int, int]) -> None:
        self.preview.setPlainText(text)
        cursor = QTextCursor(self.preview.document())
        cursor.setPosition(span[0])
        cursor.setPosition(span[1], QTextCursor.MoveMode.KeepAnchor)
        selection = QTextEdit.ExtraSelection()
        selection.cursor = cursor
        palette = self.preview.palette()
        selection.format.setBackground(palette.color(QPalette.ColorRole.Highlight))
        selection.format.setForeground(palette.color(QPalette.ColorRole.HighlightedText))
        self.preview.setExtraSelections([selection])
        at = QTextCursor(self.preview.document())
        at.setPosition(span[1])
        self.preview.setTextCursor(at)  # scroll the end, then the start, into view
        self.preview.ensureCursorVisible()
        at.setPosition(span[0])
        self.preview.setTextCursor(at)
        self.preview.ensureCursorVisible()

    def _note_unreadable(self, ref: SourceRef) -> None:
        if ref == self._shown:
            self.location.setText(self.location.text() + self.tr("  ·  the note could not be read"))

    def _open_current(self) -> None:
        ref = self.current_source()
        if ref and ref.path:
            self.open_requested.emit(ref.path)

    def _request(self, signal: Any) -> None:
        ref = self.current_source()
        if ref is not None:
            signal.emit(ref)
