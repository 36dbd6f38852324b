"""Confirm-each mode: exactly what a cloud request would send, before it leaves."""

from __future__ import annotations

from typing import Any

from desktop.qt import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    Qt,
    QVBoxLayout,
    QWidget,
)

__all__ = ["ConfirmSend"]


class ConfirmSend(QDialog):
    """Accepted: send it. Rejected (or closed): answer locally instead."""

    def __init__(self, outbound: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confirmSend")
        self.setWindowTitle("Send this to the cloud?")
        summary = QLabel(
            f"{outbound.reason or 'This question may be answered better by a cloud model.'}\n"
            f"{len(outbound.passages)} passage(s), {outbound.bytes:,} bytes, "
            f"{outbound.redactions} value(s) pseudonymised"
            + (f", {outbound.held_back} kept local (never-send)" if outbound.held_back else "")
            + ". This is exactly what would be sent:"
        )
        summary.setWordWrap(True)
        summary.setTextFormat(Qt.TextFormat.PlainText)
        self.preview = QPlainTextEdit(outbound.preview())
        self.preview.setObjectName("outboundPreview")
        self.preview.setAccessibleName("What would be sent")
        self.preview.setReadOnly(True)
        buttons = QDialogButtonBox()
        self.send_button = buttons.addButton("Send", QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.setObjectName("confirmSendButton")
        self.keep_button = buttons.addButton(
            "Keep it local", QDialogButtonBox.ButtonRole.RejectRole
        )
        self.keep_button.setObjectName("keepLocalButton")
        self.keep_button.setDefault(True)  # Enter keeps it on this computer
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.preview, 1)
        layout.addWidget(buttons)
        self.resize(640, 460)
