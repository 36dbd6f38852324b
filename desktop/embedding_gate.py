"""A change of the embedding model in Settings goes through the update gate: before the
new model replaces the one in use, both are compared on retrieval recall of your rated
questions (``agent.monitor.update_gate.gate_embedding_change``) on the store's worker,
with progress in a dialog that can skip the check. When the new model is worse beyond
noise the window says so and offers to keep the previous one; with no rated answers it
says the comparison needs them and switches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from agent.monitor.update_gate import GateResult, gate_embedding_change
from contracts.errors import FanousError
from desktop.ops import Op, OpContext
from desktop.qt import QMessageBox, QProgressDialog, Qt, QWidget
from desktop.status import MESSAGE_MS
from desktop.window_part import WindowHost, WindowPart

__all__ = ["EmbeddingGate", "EmbeddingHost"]


class EmbeddingHost(WindowHost, Protocol):
    """What the gate asks of the window beyond ``WindowHost``."""

    def engine_changed(self) -> None:
        """Choose the engine and the embedder again from the settings."""
        ...


# (parent, the gate's message) -> True to keep the previous model
AskKeep = Callable[[QWidget, str], bool]


class EmbeddingGate(WindowPart):
    def __init__(self, host: EmbeddingHost, *, ask_keep: AskKeep | None = None) -> None:
        super().__init__(host)
        self._host = host
        self._ask_keep = ask_keep or self._keep_dialog
        self.progress: QProgressDialog | None = None
        self.op: Op | None = None
        self.last: GateResult | None = None  # the latest comparison (tests read it)

    def _keep_dialog(self, parent: QWidget, message: str) -> bool:
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("The new embedding model finds less"))
        box.setText(message)
        keep = box.addButton(self.tr("Keep the previous model"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Use the new one anyway"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(keep)
        box.exec()
        return box.clickedButton() is keep

    def change(self, name: str) -> None:
        """Switch ``embedding_model`` to ``name`` once the check allows it."""
        if self.op is not None:
            self.op.cancel()  # a newer choice replaces one still being checked
        workspace = self._host.workspace
        dialog = QProgressDialog(
            self.tr("Comparing the embedding models on your rated questions…"),
            self.tr("Skip the check"), 0, 0, self._host.window(),
        )  # fmt: skip
        dialog.setObjectName("embeddingGateProgress")
        dialog.setWindowTitle(self.tr("Checking the new embedding model"))
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        self.progress = dialog

        def work(ctx: OpContext) -> GateResult | None:
            return gate_embedding_change(workspace, name, progress=ctx.progress, cancel=ctx.cancel)

        op = self._host.ops.run(
            work,
            on_success=lambda gate: self._checked(op, name, gate),
            on_failure=lambda e: self._failed(op, name, e),
            on_progress=self._progressed,
        )
        dialog.canceled.connect(op.cancel)
        self.op = op
        dialog.show()

    def _progressed(self, done: int, total: int, what: str) -> None:
        if self.progress is not None:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.progress.setLabelText(what)

    def _close_progress(self, op: Op) -> bool:
        """False when ``op`` was replaced by a newer choice (its answer is stale)."""
        if op is not self.op:
            return False
        self.op = None
        if self.progress is not None:
            self.progress.canceled.disconnect()  # closing a progress dialog cancels
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        return True

    def _checked(self, op: Op, name: str, gate: GateResult | None) -> None:
        if not self._close_progress(op):
            return
        self.last = gate
        say = self._host.show_message
        if gate is None:
            say(
                self.tr("Comparing embedding models needs rated answers (👍, or The right "
                        "answer is…): switched without a check") if not op.cancelled
                else self.tr("Check skipped: switched to the new embedding model"),
                MESSAGE_MS,
            )  # fmt: skip
        elif gate.worse and self._ask_keep(self._host.window(), gate.message()):
            say(self.tr("Kept the previous embedding model"), MESSAGE_MS)
            return
        else:
            say(gate.message(), MESSAGE_MS)
        self._switch(name)

    def _failed(self, op: Op, name: str, error: Any) -> None:
        if not self._close_progress(op):
            return
        # The check could not run (Ollama not answering, say): say why and switch, as
        # an update whose check fails still installs.
        self._host.show_error(
            FanousError(
                self.tr("The embedding models could not be compared: {why}").format(
                    why=getattr(error, "message", str(error))
                ),
                fix=self.tr("the new model is in use; Settings › Models switches back"),
            )
        )
        self._switch(name)

    def _switch(self, name: str) -> None:
        host = self._host
        host.workspace.settings.embedding_model = name
        try:
            host.workspace.save_settings()
        except FanousError as e:
            host.show_error(e)
        host.engine_changed()  # the new model re-embeds in the background
