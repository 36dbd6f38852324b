"""The main window: conversations on the left, the chat in the middle, sources on the right.

Every call into the workspace that touches disk or a model runs through ``Ops``; the
handlers here only update widgets. Three queues, so nothing waits behind the wrong thing:
``ops`` (one worker: the workspace's store, engine and index), ``history`` (its own
database connection: the conversation list stays usable during a long indexing) and
``probes`` (hardware detection, which never touches the store). Seams (``choose_folder``,
``choose_mail_path``, ``open_url``) let tests drive the window without native dialogs or
a file manager.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from agent import conversations, mail_accounts
from agent.chat import Answer
from agent.errors import FanousError
from agent.workspace import Workspace
from desktop.chat_widgets import MessageBanner, PromptEdit, describe_error
from desktop.confirm_send import ConfirmSend
from desktop.conversation_list import ConversationList
from desktop.history import History
from desktop.indexing import IndexOutcome, index_folders, sync_mail_sources
from desktop.mail_box import choose_mail_path_dialog
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
from desktop.sources_panel import SourceRef, SourcesPanel
from desktop.status import StatusFields
from desktop.transcript import Transcript, route_line
from desktop.tray import app_icon

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
        choose_mail_path: Callable[[QWidget | None, str], str | None] = choose_mail_path_dialog,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        # New passages are embedded for hybrid search on the core's own worker thread
        # after each index run, so search and the window never wait for the embedder.
        workspace.background_embedding = True
        self.ops = ops or Ops(self)
        self.history = History(self, workspace.paths.database, self.show_error)
        self.probes = Ops(self)
        self._choose_folder = choose_folder
        self._open_url = open_url
        self._choose_mail_path = choose_mail_path
        self._answer_op: Op | None = None
        self._answer_settled = False  # the current answer ended with a result or an error
        self._index_ops: set[Op] = set()
        self._conversation_id: int | None = None
        self._last_answer: Answer | None = None
        self._turn_sources: list[list[Any]] = []  # per shown answer, for its source links
        self.confirm_dialog: ConfirmSend | None = None  # confirm-each mode, while it asks
        self.hardware = None

        self.setWindowTitle("Fanous")
        self.setWindowIcon(app_icon())
        self.setObjectName("mainWindow")
        self.resize(1180, 720)
        self._build_actions()
        self._build_menus_and_toolbar()
        self._build_central()
        self.status = StatusFields(self.statusBar())
        self.route_indicator = self.status.route
        self._sync_cloud()
        self._update_busy()
        self._probe()
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
            action.setToolTip(f"{text.rstrip('…')} ({shortcut})")
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
        self.action_search = self._action(
            "Search conversations", "actionSearch", self.focus_search, "Ctrl+F"
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
        chat_menu.addActions(
            [self.action_new_chat, self.action_focus, self.action_search, self.action_stop]
        )
        bar.addMenu("&Privacy").addAction(self.action_cloud)

        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.addActions([self.action_new_chat, self.action_add_folder, self.action_reindex])
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addAction(self.action_cloud)  # one click, always in sight
        toolbar.addAction(self.action_settings)
        self.addToolBar(toolbar)

    def _build_central(self) -> None:
        self.conversations = ConversationList()
        self.conversations.open_requested.connect(self.open_conversation)
        self.conversations.rename_requested.connect(self.rename_conversation)
        self.conversations.delete_requested.connect(self.delete_conversation)
        self.conversations.search_changed.connect(lambda _q: self.refresh_conversations())
        self.conversations.new_requested.connect(self.new_chat)
        self.transcript = Transcript()
        self.transcript.setPlaceholderText(
            "Ask a question about your notes. Add a folder of notes first with "
            "File › Add notes folder…"
        )
        self.transcript.source_clicked.connect(self.show_turn_source)
        self.banner = MessageBanner()
        self.prompt = PromptEdit()
        self.prompt.submitted.connect(self.send)
        self.send_button = QPushButton("Send")
        self.send_button.setObjectName("send")
        self.send_button.setAccessibleName("Send")
        self.send_button.setToolTip("Send the question (Enter)")
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
        self.sources.load_mail = self._load_mail

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
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(self.conversations)
        splitter.addWidget(chat)
        splitter.addWidget(self.sources)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 2)
        splitter.setSizes([230, 580, 370])
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

    @property
    def conversation_id(self) -> int | None:
        return self._conversation_id

    def _update_busy(self) -> None:
        self.send_button.setEnabled(not self.is_answering)
        self.stop_button.setEnabled(self.is_busy)
        self.action_stop.setEnabled(self.is_busy)

    def show_error(self, error: BaseException) -> None:
        message, fix = describe_error(error)
        self.banner.show_message(message, fix)
        self.statusBar().showMessage(message, _MESSAGE_MS)

    # -- status probes -------------------------------------------------------------------

    def _probe(self) -> None:
        """Engine, model and index state on the store's worker; hardware on its own."""
        self.status.probe(
            self.workspace,
            self.ops,
            self.probes,
            on_error=self.show_error,
            on_hardware=self._on_hardware,
            on_store_open=self._store_opened,
        )

    def _on_hardware(self, profile: Any) -> None:
        self.hardware = profile

    def _store_opened(self) -> None:
        self.history.ready = True
        self.refresh_conversations()

    def _refresh_index_state(self) -> None:
        self.status.probe_index(self.workspace, self.ops)

    # -- conversations -------------------------------------------------------------------

    def refresh_conversations(self) -> None:
        query = self.conversations.query()
        self.history.run(
            lambda store: conversations.list_conversations(store, query=query),
            self._show_conversations,
        )

    def _show_conversations(self, summaries: Sequence[conversations.ConversationSummary]) -> None:
        self.conversations.show_conversations(summaries)
        self.conversations.set_current(self._conversation_id)

    def open_conversation(self, conversation_id: int) -> None:
        self.history.run(
            lambda store: conversations.load_messages(store, conversation_id),
            lambda messages: self._show_conversation(conversation_id, messages),
        )

    def _show_conversation(
        self, conversation_id: int, messages: Sequence[conversations.StoredMessage]
    ) -> None:
        self.new_chat(focus=False)
        self._conversation_id = conversation_id
        self.conversations.set_current(conversation_id)
        self.transcript.show_stored(messages, self._add_turn_sources)
        last = next((m for m in reversed(messages) if m.role == "assistant"), None)
        if last is not None:
            self.sources.show_sources(last.sources)
        self.focus_prompt()

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        self.history.run(
            lambda store: conversations.rename(store, conversation_id, title),
            lambda _title: self.refresh_conversations(),
        )

    def delete_conversation(self, conversation_id: int) -> None:
        if conversation_id == self._conversation_id:
            self.new_chat()

        def done(_gone: bool) -> None:
            self.statusBar().showMessage("Conversation deleted", _MESSAGE_MS)
            self.refresh_conversations()

        self.history.run(lambda store: conversations.delete(store, conversation_id), done)

    def focus_search(self) -> None:
        self.conversations.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.conversations.search.selectAll()

    # -- chat --------------------------------------------------------------------------

    def focus_prompt(self) -> None:
        self.prompt.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def send(self, question: str | None = None) -> None:
        question = (question or self.prompt.toPlainText()).strip()
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
        confirm_each = workspace.settings.confirm_each_escalation

        def work(ctx: OpContext) -> Answer:
            extra: dict[str, Any] = {}
            if confirm_each:  # the user sees exactly what would leave, and decides
                extra["confirm"] = lambda outbound: bool(ctx.ask(outbound))
            return workspace.ask(
                question,
                on_token=ctx.token,
                cancel=ctx.cancel,
                conversation_id=conversation,
                **extra,
            )

        op = self.ops.run(work)
        self._answer_op, self._answer_settled = op, False
        # Signals arrive through the event loop, so connecting after run() misses none.
        op.token.connect(lambda text: self._on_token(op, text))
        op.asked.connect(lambda outbound: self._confirm_cloud(op, outbound))
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

    def new_chat(self, *, focus: bool = True) -> None:
        if self._answer_op is not None:  # its late tokens must not land in the new chat
            self._answer_op.cancel()
            self._answer_op = None
        self._conversation_id = None
        self._turn_sources.clear()
        self.transcript.clear()
        self.sources.clear()
        self.banner.hide()
        self.conversations.set_current(None)
        self._update_busy()
        if focus:
            self.focus_prompt()

    def _add_turn_sources(self, sources: Sequence[Any]) -> None:
        self._turn_sources.append(list(sources))
        names = [SourceRef.of(s).label for s in sources]
        self.transcript.add_sources(len(self._turn_sources) - 1, names)

    def show_turn_source(self, turn: int, index: int) -> None:
        """A source link under an answer was clicked: show that passage in the preview."""
        if 0 <= turn < len(self._turn_sources):
            self.sources.show_sources(self._turn_sources[turn], select=index)

    def _confirm_cloud(self, op: Op, outbound: Any) -> ConfirmSend:
        """Confirm-each mode: show what would be sent; the answer waits for the choice."""
        dialog = ConfirmSend(outbound, self)
        dialog.finished.connect(lambda result: op.reply(result == ConfirmSend.DialogCode.Accepted))
        dialog.finished.connect(lambda _result: setattr(self, "confirm_dialog", None))
        dialog.finished.connect(dialog.deleteLater)
        self.confirm_dialog = dialog
        dialog.open()
        return dialog

    def _on_token(self, op: Op, text: str) -> None:
        if op is self._answer_op:
            self.transcript.append_token(text)

    def _on_answer(self, op: Op, answer: Answer) -> None:
        if op is not self._answer_op:
            return
        self._answer_settled = True
        self._conversation_id = answer.conversation_id
        self._last_answer = answer
        self.transcript.finish_answer(answer.text)
        self.transcript.add_meta(
            route_line(
                answer.route.kind,
                answer.model,
                engine=answer.engine,
                tokens_per_second=answer.tokens_per_second,
                seconds=answer.seconds,
                cost_usd=getattr(answer, "cost_usd", None),
                stopped=op.cancelled,
            )
        )
        self._add_turn_sources(answer.sources)
        self.sources.show_sources(answer.sources)
        if answer.engine == "ollama":  # now loaded: on the GPU, or not?
            self.status.probe_residency(self.workspace.settings.ollama_host, self.probes)
        self._sync_cloud()
        self.statusBar().showMessage("Stopped" if op.cancelled else "Answered", _MESSAGE_MS)
        self.refresh_conversations()

    def _on_answer_failed(self, op: Op, error: Exception) -> None:
        if op is not self._answer_op:
            return
        self._answer_settled = True
        partial = getattr(error, "partial_text", "")  # streamed before it failed: keep it
        self.transcript.finish_answer(partial)
        self.transcript.add_meta("Answer interrupted" if partial else "No answer")
        self.show_error(error)

    def _on_answer_finished(self, op: Op) -> None:
        if op is not self._answer_op:
            return
        if self.confirm_dialog is not None:
            self.confirm_dialog.reject()  # stopped while asking: nothing is sent
        if not self._answer_settled:  # cancelled while waiting for the indexing
            self.transcript.finish_answer("")
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

    def _load_mail(self, uri: str, show: Callable[[Any], None]) -> None:
        """A cited message, read from the index on the history connection (never fetched)."""
        self.history.run(lambda store: mail_accounts.load_message(store, uri), show)

    # -- mail ----------------------------------------------------------------------------

    def sync_mail(self, paths: list[str] | None = None) -> Op:
        """Fetch new IMAP mail and re-read mail on disk (``paths``: only those), on the
        store's worker like the notes indexing; progress goes to the status bar."""
        workspace = self.workspace

        self.statusBar().showMessage("Syncing mail…")
        op = self.ops.run(lambda ctx: sync_mail_sources(workspace, paths, ctx))
        self._index_ops.add(op)
        op.progressed.connect(
            lambda done, total, _where: (
                self.statusBar().showMessage(f"Syncing mail: {done}/{total} messages…"),
                self.status.show_progress(done, total),
            )
        )
        op.succeeded.connect(self._on_mail_synced)
        op.failed.connect(self.show_error)
        op.finished.connect(lambda: self._on_index_finished(op))
        self._update_busy()
        return op

    def _on_mail_synced(self, results: list[tuple[str, Any]]) -> None:
        if not results:
            self.statusBar().showMessage(
                "No mail sources yet: add an account or mail on disk in Settings › Sources",
                _MESSAGE_MS,
            )
            return
        done = [f"{name}: {r.summary()}" for name, r in results if not isinstance(r, Exception)]
        self.statusBar().showMessage("Mail synced: " + "; ".join(done), _MESSAGE_MS)
        failed = [r for _name, r in results if isinstance(r, Exception)]
        if failed:
            self.show_error(failed[0])

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

    def reindex(self, folders: list[str] | None = None) -> Op | None:
        folders = list(self.workspace.settings.notes_folders if folders is None else folders)
        if not folders:
            self.statusBar().showMessage(
                "No notes folders yet: add one with File › Add notes folder…", _MESSAGE_MS
            )
            return None
        workspace = self.workspace
        self.statusBar().showMessage("Indexing…")
        op = self.ops.run(lambda ctx: index_folders(workspace, folders, ctx))
        self._index_ops.add(op)
        op.progressed.connect(self._on_index_progress)
        op.succeeded.connect(self._on_indexed)
        op.failed.connect(self.show_error)
        op.finished.connect(lambda: self._on_index_finished(op))
        self._update_busy()
        return op

    def _on_index_progress(self, done: int, total: int, folder: str) -> None:
        self.statusBar().showMessage(f"Indexing {done}/{total} files in {folder}…")
        self.status.show_progress(done, total)

    def _on_indexed(self, outcome: IndexOutcome) -> None:
        self.statusBar().showMessage(outcome.status(), _MESSAGE_MS)
        problem = outcome.problem()
        if problem:
            self.banner.show_message(*problem)

    def _on_index_finished(self, op: Op) -> None:
        self._index_ops.discard(op)
        if not self._index_ops:
            self.status.end_progress()
            self._refresh_index_state()
        self._update_busy()

    # -- settings ----------------------------------------------------------------------

    def open_settings(self, page: str | None = None) -> SettingsDialog:
        """Open the dialog window-modally without blocking; OK applies the choices."""
        dialog = SettingsDialog(
            self.workspace.settings,
            self,
            choose_folder=self._choose_folder,
            hardware=self.hardware,
            ledger=self.history.load_ledger,
            workspace=self.workspace,
            keyring_ops=self.probes,
            store_ops=self.ops,
            sync_mail=self.sync_mail,
            choose_mail_path=self._choose_mail_path,
            open_url=self._open_url,
        )
        if page:
            dialog.show_page(page)
        dialog.accepted.connect(lambda: self.apply_settings(dialog.choice()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def apply_settings(self, choice: SettingsChoice) -> None:
        settings, workspace = self.workspace.settings, self.workspace
        removed = [f for f in settings.notes_folders if f not in choice.notes_folders]
        added = [f for f in choice.notes_folders if f not in settings.notes_folders]
        engine_changed = choice.apply_to(settings)
        for folder in removed:  # settings change here; the index is pruned off-thread
            settings.notes_folders.remove(folder)
        try:
            workspace.save_settings()
            roots = [workspace.add_notes_folder(f) for f in added]
        except FanousError as e:
            self.show_error(e)
            roots = []
        if choice.api_key:  # the keyring talks over D-Bus: never on the UI thread
            self.probes.run(
                lambda _ctx: choice.save_secrets(),
                on_success=lambda _r: self.statusBar().showMessage(
                    "API key saved in the keyring", _MESSAGE_MS
                ),
                on_failure=self.show_error,
            )
        self._sync_cloud()
        if engine_changed:
            self.ops.run(lambda _ctx: workspace.reset_engine(), on_finished=self._probe)
        if removed:
            self.ops.run(
                lambda _ctx: sum(workspace.remove_notes_folder(f) for f in removed),
                on_success=lambda n: self.statusBar().showMessage(
                    f"Removed {n} notes from the index", _MESSAGE_MS
                ),
                on_failure=self.show_error,
                on_finished=self._refresh_index_state,
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
        """Bring the toggle and the route indicator in line with the settings."""
        settings = self.workspace.settings
        on = settings.cloud_escalation
        if self.action_cloud.isChecked() != on:
            self.action_cloud.blockSignals(True)
            self.action_cloud.setChecked(on)
            self.action_cloud.blockSignals(False)
        self.action_cloud.setText("Cloud escalation: on" if on else "Cloud escalation: off")
        self.route_indicator.show_route(
            on, self._last_answer, offline=getattr(settings, "offline", False)
        )

    # -- shutdown ----------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        # Workers must be done before the caller closes the workspace under them.
        for ops in (self.ops, self.probes):
            ops.cancel_all()
        for ops in (self.ops, self.probes):
            ops.wait(_SHUTDOWN_WAIT_MS)
        self.history.close(_SHUTDOWN_WAIT_MS)
        super().closeEvent(event)
