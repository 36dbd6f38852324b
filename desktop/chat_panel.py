"""The chat column of the main window: the transcript, the message banner under it, and
the question box with Send and Stop beside it.

Only widgets and their layout; the window connects them to the chat session.
"""

from __future__ import annotations

from desktop.chat_widgets import MessageBanner, PromptEdit
from desktop.qt import QHBoxLayout, QPushButton, QVBoxLayout, QWidget
from desktop.transcript import Transcript

__all__ = ["ChatPanel"]


def _button(text: str, name: str, tooltip: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text)
    button.setToolTip(tooltip)
    return button


class ChatPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.transcript = Transcript()
        self.transcript.setPlaceholderText(
            self.tr(
                "Ask a question about your notes. Add a folder of notes first with "
                "File › Add notes folder…"
            )
        )
        self.banner = MessageBanner()
        self.prompt = PromptEdit()
        self.send_button = _button(self.tr("Send"), "send", self.tr("Send the question (Enter)"))
        self.send_button.setDefault(True)
        self.stop_button = _button(
            self.tr("Stop"), "stop", self.tr("Stop the answer, or the indexing (Esc)")
        )

        buttons = QVBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        input_row = QHBoxLayout()
        input_row.addWidget(self.prompt, 1)
        input_row.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.transcript, 1)
        layout.addWidget(self.banner)
        layout.addLayout(input_row)
