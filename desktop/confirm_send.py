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
        self.setWindowTitle(self.tr("Send this to the cloud?"))
        passages, redactions = len(outbound.passages), outbound.redactions
        parts = [
            self.tr("{count} passage(s)", "", passages).format(count=passages),
            self.tr("{count} bytes", "", outbound.bytes).format(count=f"{outbound.bytes:,}"),
            self.tr("{count} value(s) pseudonymised", "", redactions).format(count=redactions),
        ]
        if outbound.held_back:
            parts.append(
                self.tr("{count} kept local (never-send)", "", outbound.held_back).format(
                    count=outbound.held_back
                )
            )
        reason = outbound.reason or self.tr(
            "This question may be answered better by a cloud model."
        )
        summary = QLabel(
            reason
            + "\n"
            + self.tr("{parts}. This is exactly what would be sent:").format(
                parts=self.tr(", ").join(parts)
            )
        )
        summary.setWordWrap(True)
        summary.setTextFormat(Qt.TextFormat.PlainText)
        self.preview = QPlainTextEdit(outbound.preview())
        self.preview.setObjectName("outboundPreview")
        self.preview.setAccessibleName(self.tr("What would be sent"))
        self.preview.setReadOnly(True)
        buttons = QDialogButtonBox()
        self.send_button = buttons.addButton(
            self.tr("Send"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.send_button.setObjectName("confirmSendButton")
        self.keep_button = buttons.addButton(
            self.tr("Keep it local"), QDialogButtonBox.ButtonRole.RejectRole
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
