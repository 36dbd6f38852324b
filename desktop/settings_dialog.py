"""Settings, as pages: Sources, Models, Cloud, Privacy, Appearance.

The dialog only edits a copy of the choices; the main window applies them, because
removing a folder touches the index and a key goes to the keyring, and that work belongs
on a background thread. Each page is its own widget (``sources_page``, ``models_page``,
``cloud_page``, ``privacy_page``, ``appearance_page``) that binds the settings it edits;
the dialog assembles the pages and merges their values into one ``SettingsChoice``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agent.config import Settings
from agent.workspace import Workspace
from desktop.action_log_box import ActionLogBox, save_file_dialog
from desktop.appearance_page import AppearancePage
from desktop.cloud_page import CloudPage
from desktop.mail_box import MailAccountsBox, MailPathsBox, SyncMail, choose_mail_path_dialog
from desktop.models_page import ModelsPage
from desktop.ops import Ops
from desktop.permissions_box import PermissionsBox
from desktop.privacy_page import PrivacyPage
from desktop.qt import (
    QDesktopServices,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QStackedWidget,
    QUrl,
    QVBoxLayout,
    QWidget,
)
from desktop.settings_page import SettingsPage
from desktop.sources_page import SourcesPage, choose_folder_dialog

__all__ = ["PAGES", "SettingsChoice", "SettingsDialog"]

# The pages' names (``show_page`` takes them); the list shows them translated.
PAGES = ("Sources", "Models", "Cloud", "Privacy", "Appearance")

_ENGINE_FIELDS = ("engine", "embedded_model", "ollama_host", "ollama_model", "embedding_model")


@dataclass(slots=True)
class SettingsChoice:
    cloud_escalation: bool
    notes_folders: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)  # the other edited settings
    api_key: str = ""  # typed on the Cloud page; goes to the keyring, never to the file
    key_provider: str = ""

    def apply_to(self, settings: Settings) -> bool:
        """Write the edited values (not the folders) into ``settings``; True when the
        local engine must be chosen again."""
        values = {**self.values, "cloud_escalation": self.cloud_escalation}
        engine_changed = any(
            k in values and values[k] != getattr(settings, k) for k in _ENGINE_FIELDS
        )
        for key, value in values.items():
            if hasattr(settings, key):
                setattr(settings, key, value)
        return engine_changed

    def save_secrets(self) -> None:
        """Store the API key in the OS keyring (runs on a worker: D-Bus can be slow)."""
        if self.api_key and self.key_provider:
            from agent.secrets import set_secret

            set_secret(self.key_provider, self.api_key)


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        choose_folder: Callable[[QWidget | None], str | None] = choose_folder_dialog,
        hardware: Any = None,
        ledger: Callable[[Callable[[list[Any]], None]], None] | None = None,
        workspace: Workspace | None = None,
        keyring_ops: Ops | None = None,
        store_ops: Ops | None = None,
        sync_mail: SyncMail | None = None,
        choose_mail_path: Callable[[QWidget | None, str], str | None] = choose_mail_path_dialog,
        open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl,
        choose_export: Callable[[QWidget | None], str | None] = save_file_dialog,
    ) -> None:
        """``workspace`` and the two ``Ops`` (keyring, store) enable the mail sources;
        ``sync_mail`` (the window's) runs "Sync mail now" and indexes added mail paths."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Fanous settings"))
        self.setObjectName("settingsDialog")
        # The boxes that need the workspace: mail on the Sources page, permissions and
        # the action log on the Privacy page.
        self.mail: MailAccountsBox | None = None
        self.mail_paths: MailPathsBox | None = None
        self.permissions = (
            None if workspace is None else PermissionsBox(settings, save=workspace.save_settings)
        )
        self.action_log = (
            None
            if workspace is None or store_ops is None
            else ActionLogBox(workspace, store_ops=store_ops, choose_file=choose_export)
        )
        if workspace is not None and keyring_ops is not None and store_ops is not None:
            self.mail = MailAccountsBox(workspace, keyring_ops=keyring_ops, store_ops=store_ops)
            self.mail_paths = MailPathsBox(
                workspace, store_ops=store_ops, sync_mail=sync_mail, choose_path=choose_mail_path
            )

        self.nav = QListWidget()
        self.nav.setObjectName("settingsPages")
        self.nav.setAccessibleName(self.tr("Settings pages"))
        titles = {
            "Sources": self.tr("Sources"),
            "Models": self.tr("Models"),
            "Cloud": self.tr("Cloud"),
            "Privacy": self.tr("Privacy"),
            "Appearance": self.tr("Appearance"),
        }
        self.nav.addItems([titles[page] for page in PAGES])
        self.nav.setFixedWidth(130)
        self.stack = QStackedWidget()
        self.sources = SourcesPage(
            settings,
            choose_folder=choose_folder,
            boxes=[box for box in (self.mail, self.mail_paths) if box is not None],
            sync_mail=sync_mail,
        )
        self.models = ModelsPage(settings, hardware=hardware, open_url=open_url)
        self.finished.connect(lambda _result: self.models.ollama.shutdown())
        self.cloud = CloudPage(settings)
        boxes = [box for box in (self.permissions, self.action_log) if box is not None]
        self.privacy = PrivacyPage(settings, boxes=boxes)
        self.privacy.show_sources(self.sources.sources())
        self.appearance = AppearancePage(settings)
        # In the order of PAGES: the list's rows are the stack's pages.
        self.pages: tuple[SettingsPage, ...] = (
            self.sources,
            self.models,
            self.cloud,
            self.privacy,
            self.appearance,
        )
        for page in self.pages:
            self.stack.addWidget(page)
        # The pages' widgets that callers (and the tests) reach through the dialog.
        self.sync_button = self.sources.sync_button
        self.ollama = self.models.ollama
        self.free_memory = self.models.free_memory
        self.cloud_checkbox = self.cloud.cloud_checkbox
        self.provider_combo = self.cloud.provider_combo
        self.base_url = self.cloud.base_url
        self.base_url_error = self.cloud.base_url_error
        self.api_key = self.cloud.api_key
        self.budget = self.cloud.budget
        self.threshold = self.cloud.threshold
        self.offline_checkbox = self.privacy.offline_checkbox
        self.never_send = self.privacy.never_send  # never-send paths finer than a source
        self.ledger_table = self.privacy.ledger_table
        self.ledger_status = self.privacy.ledger_status
        self.language_combo = self.appearance.language_combo

        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.currentRowChanged.connect(
            lambda row: (
                self.privacy.show_sources(self.sources.sources())
                if row == PAGES.index("Privacy")
                else None
            )
        )
        self.nav.setCurrentRow(0)
        self._closed = False
        self.finished.connect(lambda _result: setattr(self, "_closed", True))
        if ledger is not None:  # read on a worker; the dialog may be gone by then
            ledger(lambda rows: None if self._closed else self.show_ledger(rows))

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        body = QHBoxLayout()
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        self.resize(760, 640)

    def show_page(self, name: str) -> None:
        self.nav.setCurrentRow(PAGES.index(name))

    def show_hardware(self, profile: Any) -> None:
        self.models.show_hardware(profile)

    def show_ledger(self, entries: list[Any]) -> None:
        self.privacy.show_ledger(entries)

    def accept(self) -> None:
        """OK: refused, saying why, while the cloud base URL would send the key in clear."""
        if not self.cloud.base_url_ok():
            self.show_page("Cloud")
            self.base_url.setFocus()
            return
        super().accept()

    def choice(self) -> SettingsChoice:
        values: dict[str, Any] = {}
        for page in self.pages:
            values.update(page.values())
        provider, key = self.cloud.key()
        return SettingsChoice(
            values.pop("cloud_escalation"),
            values.pop("notes_folders"),
            values,
            api_key=key,
            key_provider=provider,
        )
