"""Small widgets of the chat window: the prompt, the message banner, the route label.

They hold no workspace and start no work; ``main_window`` wires them to the core.
"""

from __future__ import annotations

from agent.chat import Answer
from contracts.errors import explain
from desktop.qt import (
    QFrame,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QPlainTextEdit,
    Qt,
    QToolButton,
    QWidget,
    Signal,
)

__all__ = ["MessageBanner", "PromptEdit", "RouteIndicator", "describe_error"]


def describe_error(error: BaseException) -> tuple[str, str | None]:
    """A message and a fix a user can act on; never a traceback."""
    known = explain(error)  # a FanousError, or a full disk met deep in a library
    if known is not None:
        return known.message, known.fix
    return (
        MessageBanner.tr("Something went wrong: {error}").format(error=error),
        MessageBanner.tr("Try again; if it keeps happening, the log file has the details"),
    )


class PromptEdit(QPlainTextEdit):
    """Question input: Enter sends, Shift+Enter starts a new line."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("prompt")
        self.setAccessibleName(self.tr("Question"))
        self.setPlaceholderText(
            self.tr("Ask about your notes…  (Enter sends, Shift+Enter: new line)")
        )
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


class MessageBanner(QFrame):
    """A non-modal message above the prompt: what went wrong and what to do about it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBanner")
        self.setAccessibleName(self.tr("Message"))
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
        close.setAccessibleName(self.tr("Dismiss message"))
        close.setAutoRaise(True)
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(self, message: str, fix: str | None = None) -> None:
        if fix:
            message = self.tr("{message}\nWhat to do: {fix}").format(message=message, fix=fix)
        self.label.setText(message)
        self.show()

    def text(self) -> str:
        return self.label.text()


class RouteIndicator(QLabel):
    """Local or cloud, always in sight; the tooltip says why the last answer went where."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("routeIndicator")
        self.setAccessibleName(self.tr("Route"))

    def show_route(self, cloud_on: bool, last: Answer | None, *, offline: bool = False) -> None:
        """Offline wins: with the offline switch on nothing leaves, whatever else is set."""
        if offline:
            text, color = self.tr("Offline"), "#5f6b7a"
        elif cloud_on:
            text, color = self.tr("Cloud escalation on"), "#b35c00"
        else:
            text, color = self.tr("Local"), "#2e7d32"
        self.setText(text)
        self.setStyleSheet(f"color: {color}; font-weight: bold; padding: 0 6px;")
        if offline:
            first = self.tr("Offline: nothing leaves this computer, whatever else is set.")
        elif cloud_on:
            first = self.tr("Cloud escalation is on: hard questions may go to a cloud model.")
        else:
            first = self.tr("Cloud escalation is off: nothing leaves this computer.")
        lines = [first]
        if last is not None:
            kinds = {"local": self.tr("local"), "cloud": self.tr("cloud")}
            kind = kinds.get(last.route.kind, last.route.kind)
            lines.append(
                self.tr("Last answer: {kind} — {reason}").format(
                    kind=kind, reason=last.route.reason
                )
            )
            lines.append(
                self.tr("Engine: {engine} · model: {model}").format(
                    engine=last.engine, model=last.model
                )
            )
        self.setToolTip("\n".join(lines))
