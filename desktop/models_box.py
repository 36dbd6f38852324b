"""Ollama's models in Settings › Models: installed, pull (with progress and cancel),
remove, roll back an update. Every call to Ollama runs on this box's own worker, so a
multi-gigabyte pull never holds up the window or the index. When Ollama is absent the box
explains how to install it on this system, with a button that opens the official download
page in the browser; nothing is ever downloaded or run from here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.engines.ollama import SUGGESTED_CHAT_MODEL
from agent.engines.ollama_install import install_instructions
from agent.engines.ollama_manager import OllamaManager
from agent.engines.ollama_models import PullProgress, PullResult
from desktop.chat_widgets import describe_error
from desktop.ops import Op, OpContext, Ops
from desktop.qt import (
    QDesktopServices,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    Qt,
    QUrl,
    QVBoxLayout,
    QWidget,
)

__all__ = ["OllamaModelsBox"]

_STEPS = 1000  # progress in thousandths: byte counts overflow a Qt int past 2 GiB


class OllamaModelsBox(QGroupBox):
    def __init__(
        self,
        host: str,
        parent: QWidget | None = None,
        *,
        recommended: str = "",
        manager: Callable[[str], OllamaManager] = OllamaManager,
        open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl,
    ) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Ollama models"))
        self.setObjectName("ollamaModels")
        self._host = host
        self._make_manager = manager
        self._manager: OllamaManager | None = None
        self._ops = Ops(self)
        self._pull: Op | None = None
        self.last_result: PullResult | None = None
        self._open_url = open_url
        self.install_url = ""  # the official page for this system, once found absent
        self._status: Any = None  # what the last look for Ollama found

        self.status = QLabel(self.tr("Looking for Ollama…"))
        self.status.setObjectName("ollamaStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.installed = QListWidget()
        self.installed.setObjectName("ollamaInstalled")
        self.installed.setAccessibleName(self.tr("Installed Ollama models"))
        self.installed.setMinimumHeight(60)
        self.name = QLineEdit(recommended)
        self.name.setObjectName("pullName")
        self.name.setAccessibleName(self.tr("Model to pull"))
        self.name.setPlaceholderText(self.tr("a model name, e.g. llama3.2:1b"))
        self.name.textEdited.connect(lambda _text: self._name_edited())
        self.pull_button = self._button(
            self.tr("Pull"), self.tr("Pull Ollama model"), "pullModel", self.pull
        )
        self.cancel_button = self._button(
            self.tr("Cancel"), self.tr("Cancel pull"), "cancelPull", self.cancel
        )
        self.remove_button = self._button(
            self.tr("Remove"), self.tr("Remove Ollama model"), "removeModel", self.remove
        )
        self.rollback_button = self._button(
            self.tr("Roll back"), self.tr("Roll back Ollama model"), "rollbackModel", self.rollback
        )
        self.progress = QProgressBar()
        self.progress.setObjectName("pullProgress")
        self.progress.setAccessibleName(self.tr("Pull progress"))
        self.progress.setRange(0, _STEPS)
        self.progress.hide()
        self.download_button = QPushButton(self.tr("Open download page"))
        self.download_button.setObjectName("openOllamaDownload")
        self.download_button.setAccessibleName(
            self.tr("Open the Ollama download page in the browser")
        )
        self.download_button.setToolTip(
            self.tr("Opens ollama.com in your browser; nothing is downloaded")
        )
        self.download_button.clicked.connect(lambda _checked=False: self.open_download_page())
        self.download_button.hide()

        pull_row = QHBoxLayout()
        pull_row.addWidget(self.name, 1)
        pull_row.addWidget(self.pull_button)
        pull_row.addWidget(self.cancel_button)
        manage_row = QHBoxLayout()
        manage_row.addStretch(1)
        manage_row.addWidget(self.rollback_button)
        manage_row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        download_row = QHBoxLayout()
        download_row.addWidget(self.download_button)
        download_row.addStretch(1)
        layout.addLayout(download_row)
        layout.addWidget(self.installed)
        layout.addLayout(manage_row)
        layout.addLayout(pull_row)
        layout.addWidget(self.progress)
        self._set_busy(False, running=False)
        self.refresh()

    def _button(
        self, text: str, accessible: str, name: str, slot: Callable[[], object]
    ) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def _mgr(self) -> OllamaManager:
        if self._manager is None:
            self._manager = self._make_manager(self._host)
        return self._manager

    def _set_busy(self, busy: bool, *, running: bool = True) -> None:
        self.pull_button.setEnabled(running and not busy)
        self.cancel_button.setEnabled(busy)
        self.remove_button.setEnabled(running and not busy)
        self.rollback_button.setEnabled(running and not busy)

    def _fail(self, error: Exception) -> None:
        message, fix = describe_error(error)
        self.status.setText(self._what_to_do(message, fix))

    def _what_to_do(self, message: str, fix: str | None) -> str:
        if not fix:
            return message
        return self.tr("{message}\nWhat to do: {fix}").format(message=message, fix=fix)

    # -- actions ---------------------------------------------------------------------

    def refresh(self) -> None:
        def look(_ctx: OpContext) -> tuple[Any, dict[str, str]]:
            status = self._mgr().find()
            return status, self._mgr().installed() if status.state == "running" else {}

        self._ops.run(look, on_success=self._show, on_failure=self._fail)

    def _show(self, result: tuple[Any, dict[str, str]]) -> None:
        status, installed = result
        self._status = status
        self.status.setText(self._what_to_do(status.detail, self._fix(status)))
        # Absent: the per-OS steps are in the text (the embedded model answers meanwhile).
        self.install_url = (status.install_url or "") if status.state == "absent" else ""
        self.download_button.setVisible(bool(self.install_url))
        selected = self._selected()  # a refresh must not lose the user's selection
        self.installed.clear()
        self.installed.addItems(sorted(installed))
        if selected in installed:
            self.installed.setCurrentRow(sorted(installed).index(selected))
        self._set_busy(self._pull is not None, running=status.state == "running")

    def _fix(self, status: Any) -> str | None:
        """Ollama absent: the install steps name the model in the field, not a default."""
        if status.state != "absent":
            return status.fix
        return install_instructions(model=self.name.text().strip() or SUGGESTED_CHAT_MODEL).text

    def _name_edited(self) -> None:
        if self._status is not None and self._status.state == "absent":
            self.status.setText(self._what_to_do(self._status.detail, self._fix(self._status)))

    def open_download_page(self) -> None:
        """Hand the official page to the browser: the user installs, Fanous never does."""
        if self.install_url:
            self._open_url(QUrl(self.install_url))

    @property
    def busy(self) -> bool:
        return self._ops.busy

    def installed_names(self) -> list[str]:
        return [self.installed.item(i).text() for i in range(self.installed.count())]

    def pull(self) -> None:
        name = self.name.text().strip()
        if not name or self._pull is not None:
            return

        def work(ctx: OpContext) -> PullResult:
            def report(p: PullProgress) -> None:
                ctx.progress(int((p.fraction or 0) * _STEPS), _STEPS, p.status)

            return self._mgr().pull(name, progress=report, cancel=ctx.cancel)

        self.progress.setValue(0)
        self.progress.show()
        self.status.setText(self.tr("Pulling {name}…").format(name=name))
        op = self._ops.run(
            work,
            on_progress=self._progressed,
            on_success=self._pulled,
            on_failure=self._fail,
            on_finished=self._pull_finished,
        )
        self._pull = op
        self._set_busy(True)

    def _progressed(self, done: int, total: int, label: str) -> None:
        self.progress.setValue(done)
        self.progress.setFormat(f"{label}  %p%")

    def _pulled(self, result: PullResult) -> None:
        self.last_result = result
        words = {
            "installed": self.tr("installed"),
            "updated": self.tr("updated (the previous version is kept for a rollback)"),
            "unchanged": self.tr("already up to date"),
            "cancelled": self.tr("cancelled; pulling again resumes where it stopped"),
        }
        self.status.setText(f"{result.name}: {words.get(result.status, result.status)}")

    def _pull_finished(self) -> None:
        self._pull = None
        self.progress.hide()
        self._set_busy(False)
        self.refresh()

    def cancel(self) -> None:
        if self._pull is not None:
            self._pull.cancel()

    def _selected(self) -> str | None:
        item = self.installed.currentItem()
        return item.text() if item else None

    def remove(self) -> None:
        name = self._selected()
        if name:
            self._ops.run(
                lambda _ctx: self._mgr().remove(name),
                on_success=lambda names: self.status.setText(
                    self.tr("Removed {names}").format(names=", ".join(names))
                ),
                on_failure=self._fail,
                on_finished=self.refresh,
            )

    def rollback(self) -> None:
        name = self._selected()
        if name:
            self._ops.run(
                lambda _ctx: self._mgr().rollback(name),
                on_success=lambda r: self.status.setText(
                    self.tr("{name}: rolled back").format(name=r.name)
                ),
                on_failure=self._fail,
                on_finished=self.refresh,
            )

    def shutdown(self) -> None:
        """Stop a pull and wait for the worker (the dialog is closing)."""
        self._ops.cancel_all()
        self._ops.wait(5000)
