"""The confirmation of an action: exactly what would be written, where, and who asked.

Accepted: the window hands the proposal to the gate with the user's confirmation.
Rejected, closed or Esc: nothing is written. A proposal from a model says so in colour,
with any arguments it tried to set that Fanous ignored; Enter cancels, never confirms.
"""

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

__all__ = ["ConfirmAction"]


class ConfirmAction(QDialog):
    def __init__(self, proposal: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proposal = proposal
        self.setObjectName("confirmAction")
        titles = {
            "draft": self.tr("Save this draft reply?"),
            "note": self.tr("Save this note?"),
            "note_append": self.tr("Add this section to the note?"),
            "reminder": self.tr("Save this reminder?"),
        }
        self.setWindowTitle(titles.get(proposal.kind, self.tr("Carry out this action?")))
        size = len(proposal.data)
        lines = [
            proposal.summary,
            self.tr("Where: {where}").format(where=proposal.target.label),
            self.tr("{count} bytes", "", size).format(count=f"{size:,}"),
        ]
        if proposal.kind == "draft":
            lines.append(
                self.tr("It is saved as a draft for you to send yourself: Fanous never sends mail.")
            )
        summary = QLabel("\n".join(lines))
        summary.setObjectName("actionSummary")
        summary.setWordWrap(True)
        summary.setTextFormat(Qt.TextFormat.PlainText)
        summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.origin = QLabel(self._origin_text(proposal))
        self.origin.setObjectName("actionOrigin")
        self.origin.setWordWrap(True)
        self.origin.setTextFormat(Qt.TextFormat.PlainText)
        if proposal.origin.proposer == "model":
            self.origin.setStyleSheet("color: #b35c00; font-weight: bold;")
        self.preview = QPlainTextEdit(proposal.text)
        self.preview.setObjectName("actionPreview")
        self.preview.setAccessibleName(self.tr("What would be written"))
        self.preview.setReadOnly(True)
        buttons = QDialogButtonBox()
        label = self.tr("Save draft") if proposal.kind == "draft" else self.tr("Save")
        self.confirm_button = buttons.addButton(label, QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm_button.setObjectName("confirmActionButton")
        self.confirm_button.setAutoDefault(False)
        self.cancel_button = buttons.addButton(
            self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.cancel_button.setObjectName("cancelActionButton")
        self.cancel_button.setDefault(True)  # Enter does nothing it cannot take back
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.origin)
        layout.addWidget(self.preview, 1)
        layout.addWidget(buttons)
        self.resize(680, 520)

    def _origin_text(self, proposal: Any) -> str:
        if proposal.origin.proposer == "model":
            text = self.tr("Proposed by the model {model}: read it before you save it.").format(
                model=proposal.origin.via
            )
            ignored = proposal.details.get("ignored_arguments")
            if ignored:
                text += "\n" + self.tr("Ignored what it also asked for: {names}").format(
                    names=", ".join(ignored)
                )
            return text
        return self.tr("Asked for by you ({via}).").format(via=proposal.origin.via)
