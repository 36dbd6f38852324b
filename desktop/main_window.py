"""The main window: ask a question, watch the answer stream in, check its sources.

Every call into the workspace that touches disk or a model runs through ``Ops``; the
handlers here only update widgets. Seams (``choose_folder``, ``open_url``) let tests
drive the window without native dialogs or a file manager.
"""

from __future__ import annotations

from collections.abc import Callable

from agent.chat import Answer
from agent.errors import FanousError
from agent.workspace import Workspace
from desktop.chat_widgets import (
    MessageBanner,
    PromptEdit,
    RouteIndicator,
    SourcesPanel,
    Transcript,
    describe_error,
)
from desktop.indexing import IndexOutcome, index_folders
from desktop.ops import Op, OpContext, Ops
from desktop.qt import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QHBoxLayout,
    QKeySequence,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QSplitter,
    Qt,
    QToolBar,
    QUrl,
    QVBoxLayout,
    QWidget,
)
from desktop.settings_dialog import SettingsChoice, SettingsDialog, choose_folder_dialog

__all__ = ["MainWindow"]

_MESSAGE_MS = 10_000
_SHUTDOWN_WAIT_MS = 10_000


class MainWindow(QMainWindow):
    def __init__(
        self,
        workspace: Workspace,
        *,
        ops: Ops | None = None,
        choose_folder: Callable[[QWidget | None], str | None] = choose_folder_dialog,
        open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.ops = ops or Ops(self)
        self._choose_folder = choose_folder
        self._open_url = open_url
        self._answer_op: Op | None = None
        self._answer_settled = False  # the current answer ended with a result or an error
        self._index_ops: set[Op] = set()
        self._conversation_id: int | None = None
        self._last_answer: Answer | None = None

        self.setWindowTitle("Fanous")
        self.setObjectName("mainWindow")
        self.resize(1040, 680)
        self._build_actions()
        self._build_menus_and_toolbar()
        self._build_central()
        self.route_indicator = RouteIndicator()
        self.statusBar().addPermanentWidget(self.route_indicator)
        self._sync_cloud()
        self._update_busy()
        if workspace.settings.notes_folders:
            self.reindex()  # incremental: unchanged notes cost a stat each

    # -- construction ------------------------------------------------------------------

    def _action(
        self, text: str, name: str, slot: Callable[[], object], shortcut: str | None = None
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)  # shortcuts work even when the action is in no menu
        return action

    def _build_actions(self) -> None:
        self.action_add_folder = self._action(
            "Add notes folder…", "actionAddFolder", self.add_notes_folder
        )
        self.action_reindex = self._action("Re-index", "actionReindex", self.reindex, "F5")
        self.action_settings = self._action(
            "Settings…", "actionSettings", self.open_settings, "Ctrl+,"
        )
        self.action_settings.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.action_quit = self._action("Quit", "actionQuit", self.close, "Ctrl+Q")
        self.action_quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.action_new_chat = self._action("New chat", "actionNewChat", self.new_chat, "Ctrl+N")
        self.action_focus = self._action(
            "Focus question", "actionFocusInput", self.focus_prompt, "Ctrl+L"
        )
        self.action_stop = self._action("Stop", "actionStop", self.stop, "Esc")
        self.action_cloud = QAction("Cloud escalation", self)
        self.action_cloud.setObjectName("actionCloudEscalation")
        self.action_cloud.setCheckable(True)
        self.action_cloud.setToolTip("Off: nothing leaves this computer")
        self.action_cloud.toggled.connect(self.set_cloud_escalation)

    def _build_menus_and_toolbar(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.action_add_folder, self.action_reindex])
        file_menu.addSeparator()
        file_menu.addAction(self.action_settings)
        file_menu.addSeparator()
        file_menu.addAction(self.action_quit)
        chat_menu = bar.addMenu("&Chat")
        chat_menu.addActions([self.action_new_chat, self.action_focus, self.action_stop])
        bar.addMenu("&Privacy").addAction(self.action_cloud)

        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.addActions([self.action_add_folder, self.action_reindex, self.action_new_chat])
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addAction(self.action_cloud)  # one click, always in sight
        self.addToolBar(toolbar)

    def _build_central(self) -> None:
        self.transcript = Transcript()
        self.transcript.setPlaceholderText(
            "Ask a question about your notes. Add a folder of notes first with "
            "File › Add notes folder…"
        )
        self.banner = MessageBanner()
        self.prompt = PromptEdit()
        self.prompt.submitted.connect(self.send)
        self.send_button = QPushButton("Send")
        self.send_button.setObjectName("send")
        self.send_button.setAccessibleName("Send")
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self.send)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setObjectName("stop")
        self.stop_button.setAccessibleName("Stop")
        self.stop_button.setToolTip("Stop the answer, or the indexing (Esc)")
        self.stop_button.clicked.connect(self.stop)
        self.sources = SourcesPanel()
        self.sources.setObjectName("sourcesPanel")
        self.sources.open_requested.connect(self.open_note)

        buttons = QVBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        input_row = QHBoxLayout()
        input_row.addWidget(self.prompt, 1)
        input_row.addLayout(buttons)
        chat = QWidget()
        chat_layout = QVBoxLayout(chat)
        chat_layout.setContentsMargins(0, 0, 0, 0)
        chat_layout.addWidget(self.transcript, 1)
        chat_layout.addWidget(self.banner)
        chat_layout.addLayout(input_row)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(chat)
        splitter.addWidget(self.sources)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([700, 320])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(splitter)
        self.setCentralWidget(central)
        self.prompt.setFocus()

    # -- state -------------------------------------------------------------------------

    @property
    def is_answering(self) -> bool:
        return self._answer_op is not None

    @property
    def is_indexing(self) -> bool:
        return bool(self._index_ops)

    @property
    def is_busy(self) -> bool:
        return self.is_answering or self.is_indexing

    def _update_busy(self) -> None:
        self.send_button.setEnabled(not self.is_answering)
        self.stop_button.setEnabled(self.is_busy)
        self.action_stop.setEnabled(self.is_busy)

    def show_error(self, error: BaseException) -> None:
        message, fix = describe_error(error)
        self.banner.show_message(message, fix)
        self.statusBar().showMessage(message, _MESSAGE_MS)

    # -- chat --------------------------------------------------------------------------

    def focus_prompt(self) -> None:
        self.prompt.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def send(self) -> None:
        question = self.prompt.toPlainText().strip()
        if not question or self.is_answering:
            return
        self.prompt.clear()
        self.banner.hide()
        self.sources.clear()
        self.transcript.add_question(question)
        self.transcript.begin_answer()
        if self.ops.busy:
            self.statusBar().showMessage("Your question starts when indexing finishes…")
        workspace, conversation = self.workspace, self._conversation_id

        def work(ctx: OpContext) -> Answer:
            return workspace.ask(
                question, on_token=ctx.token, cancel=ctx.cancel, conversation_id=conversation
            )

        op = self.ops.run(work)
        self._answer_op, self._answer_settled = op, False
        # Signals arrive through the event loop, so connecting after run() misses none.
        op.token.connect(lambda text: self._on_token(op, text))
        op.succeeded.connect(lambda answer: self._on_answer(op, answer))
        op.failed.connect(lambda error: self._on_answer_failed(op, error))
        op.finished.connect(lambda: self._on_answer_finished(op))
        self._update_busy()

    def stop(self) -> None:
        """Stop the answer if one runs, else the indexing."""
        if self._answer_op is not None:
            self._answer_op.cancel()
            self.statusBar().showMessage("Stopping…", _MESSAGE_MS)
        else:
            for op in self._index_ops:
                op.cancel()

    def new_chat(self) -> None:
        if self._answer_op is not None:  # its late tokens must not land in the new chat
            self._answer_op.cancel()
            self._answer_op = None
        self._conversation_id = None
        self.transcript.clear()
        self.sources.clear()
        self.banner.hide()
        self._update_busy()
        self.focus_prompt()

    def _on_token(self, op: Op, text: str) -> None:
        if op is self._answer_op:
            self.transcript.append_token(text)

    def _on_answer(self, op: Op, answer: Answer) -> None:
        if op is not self._answer_op:
            return
        self._answer_settled = True
        self._conversation_id = answer.conversation_id
        self._last_answer = answer
        meta = [answer.model]
        if answer.tokens_per_second:
            meta.append(f"{answer.tokens_per_second:.1f} tokens/s")
        meta += [f"{answer.seconds:.1f} s", answer.route.kind]
        if op.cancelled:
            meta.append("stopped")
        self.transcript.add_meta(" · ".join(meta))
        self.sources.show_sources(answer.sources)
        self._sync_cloud()
        self.statusBar().showMessage("Stopped" if op.cancelled else "Answered", _MESSAGE_MS)

    def _on_answer_failed(self, op: Op, error: Exception) -> None:
        if op is not self._answer_op:
            return
        self._answer_settled = True
        partial = getattr(error, "partial_text", "")  # streamed before it failed: keep it
        self.transcript.add_meta("Answer interrupted" if partial else "No answer")
        self.show_error(error)

    def _on_answer_finished(self, op: Op) -> None:
        if op is not self._answer_op:
            return
        if not self._answer_settled:  # cancelled while waiting for the indexing
            self.transcript.add_meta("stopped")
            self.statusBar().showMessage("Stopped", _MESSAGE_MS)
        self._answer_op = None
        self._update_busy()

    def open_note(self, path: str) -> None:
        if not self._open_url(QUrl.fromLocalFile(path)):
            self.show_error(
                FanousError(
                    f"Could not open {path}",
                    fix="check that a program is set to open this kind of file",
                )
            )

    # -- notes folders -----------------------------------------------------------------

    def add_notes_folder(self, folder: str | None = None) -> None:
        folder = folder or self._choose_folder(self)
        if not folder:
            return
        try:
            root = self.workspace.add_notes_folder(folder)
        except FanousError as e:
            self.show_error(e)
            return
        self.reindex([root])

    def reindex(self, folders: list[str] | None = None) -> None:
        folders = list(self.workspace.settings.notes_folders if folders is None else folders)
        if not folders:
            self.statusBar().showMessage(
                "No notes folders yet: add one with File › Add notes folder…", _MESSAGE_MS
            )
            return
        workspace = self.workspace
        self.statusBar().showMessage("Indexing…")
        op = self.ops.run(lambda ctx: index_folders(workspace, folders, ctx))
        self._index_ops.add(op)
        op.progressed.connect(self._on_index_progress)
        op.succeeded.connect(self._on_indexed)
        op.failed.connect(self.show_error)
        op.finished.connect(lambda: self._on_index_finished(op))
        self._update_busy()

    def _on_index_progress(self, done: int, total: int, folder: str) -> None:
        self.statusBar().showMessage(f"Indexing {done}/{total} files in {folder}…")

    def _on_indexed(self, outcome: IndexOutcome) -> None:
        self.statusBar().showMessage(outcome.status(), _MESSAGE_MS)
        problem = outcome.problem()
        if problem:
            self.banner.show_message(*problem)

    def _on_index_finished(self, op: Op) -> None:
        self._index_ops.discard(op)
        self._update_busy()

    # -- settings ----------------------------------------------------------------------

    def open_settings(self) -> SettingsDialog:
        """Open the dialog window-modally without blocking; OK applies the choices."""
        dialog = SettingsDialog(self.workspace.settings, self, choose_folder=self._choose_folder)
        dialog.accepted.connect(lambda: self.apply_settings(dialog.choice()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def apply_settings(self, choice: SettingsChoice) -> None:
        settings, workspace = self.workspace.settings, self.workspace
        removed = [f for f in settings.notes_folders if f not in choice.notes_folders]
        added = [f for f in choice.notes_folders if f not in settings.notes_folders]
        settings.cloud_escalation = choice.cloud_escalation
        for folder in removed:  # settings change here; the index is pruned off-thread
            settings.notes_folders.remove(folder)
        try:
            workspace.save_settings()
            roots = [workspace.add_notes_folder(f) for f in added]
        except FanousError as e:
            self.show_error(e)
            roots = []
        self._sync_cloud()
        if removed:
            self.ops.run(
                lambda _ctx: sum(workspace.remove_notes_folder(f) for f in removed),
                on_success=lambda n: self.statusBar().showMessage(
                    f"Removed {n} notes from the index", _MESSAGE_MS
                ),
                on_failure=self.show_error,
            )
        if roots:
            self.reindex(roots)

    def set_cloud_escalation(self, on: bool) -> None:
        settings = self.workspace.settings
        if settings.cloud_escalation != on:
            settings.cloud_escalation = on
            try:
                self.workspace.save_settings()
            except FanousError as e:
                self.show_error(e)
        self._sync_cloud()

    def _sync_cloud(self) -> None:
        """Bring the toggle and the route indicator in line with the setting."""
        on = self.workspace.settings.cloud_escalation
        if self.action_cloud.isChecked() != on:
            self.action_cloud.blockSignals(True)
            self.action_cloud.setChecked(on)
            self.action_cloud.blockSignals(False)
        self.route_indicator.show_route(on, self._last_answer)

    # -- shutdown ----------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        # Workers must be done before the caller closes the workspace under them.
        self.ops.cancel_all()
        self.ops.wait(_SHUTDOWN_WAIT_MS)
        super().closeEvent(event)
