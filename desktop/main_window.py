"""The main window: conversations on the left, the chat in the middle, sources on the right.

Every call into the workspace that touches disk or a model runs through ``Ops``; the
handlers only update widgets. Three queues, so nothing waits behind the wrong thing:
``ops`` (one worker: the workspace's store, engine and index), ``history`` (its own
database connection: the conversation list stays usable during a long indexing) and
``probes`` (hardware detection, which never touches the store). Seams (``choose_folder``,
``choose_mail_path``, ``open_url``) let tests drive the window without native dialogs or
a file manager.

The window builds the panes and wires them; each part's behaviour lives beside it:
``window_actions`` (commands, shortcuts, menus, toolbar), ``chat_panel`` (the chat
column), ``chat_session`` (asking and answering), ``conversation_sidebar`` (the stored
conversations) and ``indexing`` (notes indexing and mail sync). Here remain the status
probes, the settings and the shutdown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from agent import mail_accounts
from agent.chat import Answer
from agent.monitor import eval_run
from agent.workspace import Workspace
from contracts.errors import FanousError
from desktop.actions_part import ActionsPart
from desktop.chat_panel import ChatPanel
from desktop.chat_session import ChatSession
from desktop.chat_widgets import describe_error
from desktop.confirm_send import ConfirmSend
from desktop.conversation_list import ConversationList
from desktop.conversation_sidebar import ConversationSidebar
from desktop.embedding_gate import EmbeddingGate
from desktop.feedback_part import FeedbackPart
from desktop.history import History
from desktop.indexing import IndexRunner
from desktop.mail_box import choose_mail_path_dialog
from desktop.monitor_page import MonitorPage
from desktop.ops import Op, OpContext, Ops
from desktop.qt import (
    QCloseEvent,
    QDesktopServices,
    QMainWindow,
    QSplitter,
    Qt,
    QUrl,
    QVBoxLayout,
    QWidget,
)
from desktop.settings_dialog import SettingsChoice, SettingsDialog
from desktop.sources_page import choose_folder_dialog
from desktop.sources_panel import SourcesPanel
from desktop.status import MESSAGE_MS, StatusFields
from desktop.tray import app_icon
from desktop.window_actions import WindowActions

__all__ = ["MainWindow"]

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
        # The parts: each asks the window for what it needs through a small interface
        # (``window_part.WindowHost``, ``chat_session.ChatHost``), implemented below.
        self.actions = ActionsPart(self)
        self.feedback = FeedbackPart(self)
        self._chat = ChatPanel()
        self.session = ChatSession(self, self._chat, actions=self.actions, feedback=self.feedback)
        self.conversations = ConversationList()
        self.sidebar = ConversationSidebar(
            self, self.conversations, history=self.history, session=self.session
        )
        self.embedding_gate = EmbeddingGate(self)
        self.indexing = IndexRunner(self)
        self.hardware = None

        self.setWindowTitle(self.tr("Fanous"))
        self.setWindowIcon(app_icon())
        self.setObjectName("mainWindow")
        self.resize(1180, 720)
        self._build_actions()
        self._build_central()
        self.status = StatusFields(self.statusBar())
        self.route_indicator = self.status.route
        self.sync_cloud()
        self.update_busy()
        self._probe()
        if workspace.settings.notes_folders:
            self.reindex()  # incremental: unchanged notes cost a stat each

    # -- construction ------------------------------------------------------------------

    def _build_actions(self) -> None:
        actions = WindowActions(self)
        actions.install(self)
        self.action_add_folder = actions.add_folder
        self.action_reindex = actions.reindex
        self.action_settings = actions.settings
        self.action_quit = actions.quit
        self.action_new_chat = actions.new_chat
        self.action_focus = actions.focus
        self.action_search = actions.search
        self.action_stop = actions.stop
        self.action_cloud = actions.cloud

    def _build_central(self) -> None:
        self.conversations.open_requested.connect(self.sidebar.open)
        self.conversations.rename_requested.connect(self.sidebar.rename)
        self.conversations.delete_requested.connect(self.sidebar.delete)
        self.conversations.search_changed.connect(lambda _q: self.sidebar.refresh())
        self.conversations.new_requested.connect(self.new_chat)
        chat = self._chat
        self.transcript, self.banner, self.prompt = chat.transcript, chat.banner, chat.prompt
        self.send_button, self.stop_button = chat.send_button, chat.stop_button
        self.transcript.source_clicked.connect(self.show_turn_source)
        self.transcript.action_clicked.connect(self.session.turn_action)
        self.prompt.submitted.connect(self.send)
        self.send_button.clicked.connect(self.send)
        self.stop_button.clicked.connect(self.stop)
        self.sources = SourcesPanel()
        self.sources.setObjectName("sourcesPanel")
        self.sources.open_requested.connect(self.open_note)
        self.sources.draft_requested.connect(self.actions.draft_reply)
        self.sources.remind_requested.connect(self.actions.remind_from_source)
        self.sources.load_mail = self._load_mail

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
        return self.session.is_answering

    @property
    def is_indexing(self) -> bool:
        return self.indexing.is_indexing

    @property
    def is_busy(self) -> bool:
        return self.is_answering or self.is_indexing

    @property
    def conversation_id(self) -> int | None:
        return self.session.conversation_id

    @property
    def confirm_dialog(self) -> ConfirmSend | None:
        """Confirm-each mode: the dialog that asks, while it asks."""
        return self.session.confirm_dialog

    @property
    def last_answer(self) -> Answer | None:
        """The answer shown last in this window (its route, engine, sources)."""
        return self.session.last_answer

    def update_busy(self) -> None:
        self.send_button.setEnabled(not self.is_answering)
        self.stop_button.setEnabled(self.is_busy)
        self.action_stop.setEnabled(self.is_busy)

    # -- what the parts ask of the window (WindowHost, ChatHost, IndexHost) ----------------

    def show_error(self, error: BaseException) -> None:
        message, fix = describe_error(error)
        self.banner.show_message(message, fix)
        self.statusBar().showMessage(message, MESSAGE_MS)

    def show_message(self, text: str, timeout_ms: int = 0) -> None:
        if text:
            self.statusBar().showMessage(text, timeout_ms)
        else:
            self.statusBar().clearMessage()

    def choose_folder(self, parent: QWidget | None = None) -> str | None:
        return self._choose_folder(parent or self)

    def choose_mail_path(self, parent: QWidget | None, kind: str) -> str | None:
        return self._choose_mail_path(parent, kind)

    def open_url(self, url: QUrl) -> bool:
        return self._open_url(url)

    def show_problem(self, message: str, fix: str | None) -> None:
        self.banner.show_message(message, fix)

    def show_progress(self, done: int, total: int) -> None:
        self.status.show_progress(done, total)

    def end_progress(self) -> None:
        self.status.end_progress()

    def index_changed(self) -> None:
        self.status.probe_index(self.workspace, self.ops)
        self.status.track_embedding(self.workspace)

    def show_sources(self, sources: Sequence[Any], select: int = 0) -> None:
        self.sources.show_sources(sources, select=select)

    def show_current_conversation(self, conversation_id: int | None) -> None:
        self.conversations.set_current(conversation_id)

    def refresh_conversations(self) -> None:
        self.sidebar.refresh()

    def answer_shown(self, answer: Answer) -> None:
        # Answered here by a server that says where its model sits: GPU, or not?
        if answer.route.kind == "local" and self.workspace.engine.capabilities.reports_residency:
            self.status.probe_residency(self.workspace.settings.ollama_host, self.probes)
        self.sync_cloud()

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
        self.status.track_embedding(self.workspace)  # e.g. re-embedding for a new model

    def _on_hardware(self, profile: Any) -> None:
        self.hardware = profile

    def _store_opened(self) -> None:
        self.history.ready = True
        self.sidebar.refresh()
        if (full := self.workspace.store.read_only) is not None:  # opened read-only
            self.banner.show_message(
                self.tr("{message}. Search and answers work; nothing new can be saved.").format(
                    message=full.message
                ),
                full.fix,
            )

    # -- commands (the chat session and the indexing do the work) -------------------------

    def send(self, question: str | None = None) -> None:
        self.session.send(question)

    def stop(self) -> None:
        """Stop the answer if one runs, else the indexing."""
        if self.session.is_answering:
            self.session.stop()
        else:
            self.indexing.stop()

    def new_chat(self, *, focus: bool = True) -> None:
        self.session.new_chat(focus=focus)

    def show_turn_source(self, turn: int, index: int) -> None:
        """A source link under an answer was clicked: show that passage in the preview."""
        self.session.show_turn_source(turn, index)

    def focus_prompt(self) -> None:
        self.prompt.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_search(self) -> None:
        self.conversations.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.conversations.search.selectAll()

    def add_notes_folder(self, folder: str | None = None) -> None:
        self.indexing.add_notes_folder(folder)

    def reindex(self, folders: list[str] | None = None) -> Op | None:
        return self.indexing.reindex(folders)

    def sync_mail(self, paths: list[str] | None = None) -> Op:
        """Fetch new IMAP mail and re-read mail on disk (``paths``: only those), on the
        store's worker like the notes indexing; progress goes to the status bar."""
        return self.indexing.sync_mail(paths)

    def open_note(self, path: str) -> None:
        if not self._open_url(QUrl.fromLocalFile(path)):
            self.show_error(
                FanousError(
                    self.tr("Could not open {path}").format(path=path),
                    fix=self.tr("check that a program is set to open this kind of file"),
                )
            )

    def _load_mail(self, uri: str, show: Callable[[Any], None]) -> None:
        """A cited message, read from the index on the history connection (never fetched)."""
        self.history.run(lambda store: mail_accounts.load_message(store, uri), show)

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

    def open_monitor(self) -> MonitorPage:
        """The Monitor page, beside the window (not modal): figures from the turn log."""
        settings, workspace = self.workspace.settings, self.workspace
        budget = settings.monthly_budget_usd

        def evaluate(cloud: bool, progress: Any, done: Any, failed: Any) -> Op:
            def work(ctx: OpContext) -> Any:
                return eval_run.run(workspace, cloud=cloud, progress=ctx.progress,
                                    cancel=ctx.cancel)  # fmt: skip

            return self.ops.run(work, on_success=done, on_failure=failed, on_progress=progress)

        page = MonitorPage(
            lambda show: self.history.load_monitor(budget, show), self, evaluate=evaluate,
            cloud_allowed=settings.cloud_escalation and not settings.offline,
        )  # fmt: skip
        page.finished.connect(page.deleteLater)
        page.show()
        self.monitor_page = page
        return page

    def apply_settings(self, choice: SettingsChoice) -> None:
        settings, workspace = self.workspace.settings, self.workspace
        removed = [f for f in settings.notes_folders if f not in choice.notes_folders]
        added = [f for f in choice.notes_folders if f not in settings.notes_folders]
        language_changed = choice.values.get("language", settings.language) != settings.language
        embedding = choice.values.pop("embedding_model", settings.embedding_model)
        engine_changed = choice.apply_to(settings)  # a new embedding model waits for its check
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
                    self.tr("API key saved in the keyring"), MESSAGE_MS
                ),
                on_failure=self.show_error,
            )
        self.sync_cloud()
        if engine_changed:
            self.engine_changed()
        if embedding != settings.embedding_model:
            self.embedding_gate.change(embedding)
        if removed:
            self.ops.run(
                lambda _ctx: sum(workspace.remove_notes_folder(f) for f in removed),
                on_success=lambda n: self.statusBar().showMessage(
                    self.tr("Removed {count} notes from the index", "", n).format(count=n),
                    MESSAGE_MS,
                ),
                on_failure=self.show_error,
                on_finished=self.indexing.refresh_state,
            )
        if roots:
            self.reindex(roots)
        if language_changed:  # widgets take their texts when made: a restart re-makes them
            self.statusBar().showMessage(
                self.tr("The new language applies the next time Fanous starts"), MESSAGE_MS
            )

    def engine_changed(self) -> None:
        """Choose the engine and the embedder again from the settings (on the worker)."""
        workspace = self.workspace
        self.ops.run(lambda _ctx: workspace.reset_engine(), on_finished=self._probe)

    def set_cloud_escalation(self, on: bool) -> None:
        settings = self.workspace.settings
        if settings.cloud_escalation != on:
            settings.cloud_escalation = on
            try:
                self.workspace.save_settings()
            except FanousError as e:
                self.show_error(e)
        self.sync_cloud()

    def sync_cloud(self) -> None:
        """Bring the toggle and the route indicator in line with the settings."""
        settings = self.workspace.settings
        on = settings.cloud_escalation
        if self.action_cloud.isChecked() != on:
            self.action_cloud.blockSignals(True)
            self.action_cloud.setChecked(on)
            self.action_cloud.blockSignals(False)
        self.action_cloud.setText(
            self.tr("Cloud escalation: on") if on else self.tr("Cloud escalation: off")
        )
        self.route_indicator.show_route(
            on, self.session.last_answer, offline=getattr(settings, "offline", False)
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
