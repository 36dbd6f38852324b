"""Settings, as pages: Sources, Models, Cloud, Privacy, Appearance.

The dialog only edits a copy of the choices; the main window applies them, because
removing a folder touches the index and a key goes to the keyring, and that work belongs
on a background thread. Each page is its own small widget so later work (mail accounts,
model pulls) adds to one page without touching the others.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.config import Settings
from agent.engines import LOCAL_ENGINES
from agent.engines.ollama_host import ollama_address
from agent.engines.packaged import PACKAGED_MODELS
from agent.privacy.guard import check_base_url
from agent.sources import all_sources
from agent.workspace import Workspace
from contracts.errors import ConfigError
from desktop.action_log_box import ActionLogBox, save_file_dialog
from desktop.i18n import LANGUAGES
from desktop.mail_box import MailAccountsBox, MailPathsBox, SyncMail, choose_mail_path_dialog
from desktop.models_box import OllamaModelsBox
from desktop.ops import Ops
from desktop.permissions_box import PermissionsBox
from desktop.pickers import pick
from desktop.privacy_page import PrivacyPage
from desktop.qt import (
    QT_TRANSLATE_NOOP,
    QApplication,
    QCheckBox,
    QComboBox,
    QDesktopServices,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QStackedWidget,
    Qt,
    QUrl,
    QVBoxLayout,
    QWidget,
)

__all__ = [
    "PAGES",
    "SettingsChoice",
    "SettingsDialog",
    "choose_folder_dialog",
    "cloud_providers",
    "recommendation_text",
    "recommended_chat",
]

# The pages' names (``show_page`` takes them); the list shows them translated.
PAGES = ("Sources", "Models", "Cloud", "Privacy", "Appearance")

CLOUD_EXPLAINED = QT_TRANSLATE_NOOP(
    "SettingsDialog",
    "With cloud escalation off, every question is answered on this computer and nothing "
    "leaves it. When it is on, hard questions may go to a cloud model with your own API "
    "key; what is sent is minimised, and every request is written to the egress ledger "
    "(Privacy page).",
)
# Settings the pages edit besides the folders and the key; copied field by field.
_EDITED = (
    "cloud_escalation",
    "engine",
    "embedded_model",
    "ollama_host",
    "ollama_model",
    "embedding_model",
    "cloud_provider",
    "cloud_base_url",
    "cloud_model",
    "monthly_budget_usd",
    "confirm_each_escalation",
    "escalation_threshold",
    "offline",
    "never_send_sources",
    "source_permissions",
    "language",
    "free_model_memory_on_quit",
)
_ENGINE_FIELDS = ("engine", "embedded_model", "ollama_host", "ollama_model", "embedding_model")


def choose_folder_dialog(parent: QWidget | None) -> str | None:
    """The real folder picker; tests pass their own chooser instead."""
    return pick(parent, SettingsDialog.tr("Add notes folder"), folder=True)


def cloud_providers() -> dict[str, str]:
    """Provider name -> label, from the cloud engines' table."""
    try:
        from agent.engines.cloud import PROVIDERS
    except ImportError:  # an older core: the two protocols the settings name
        return {"openai": "OpenAI-compatible", "anthropic": "Anthropic"}
    return {name: p.label for name, p in PROVIDERS.items()}


def recommendation_text(profile: Any) -> str:
    """What the model catalog recommends for this hardware, in words."""
    if profile is None:
        return SettingsDialog.tr("Detecting the hardware…")
    try:
        from agent.engines.catalog import recommend

        rec = recommend(profile)
        return SettingsDialog.tr(
            "For this machine: {model} with Ollama ({reason}); without "
            "Ollama the embedded {fallback} answers."
        ).format(model=rec.chat.name, reason=rec.chat.reason, fallback=rec.embedded_fallback)
    except Exception:  # the catalog is optional for this page: say what runs now
        return SettingsDialog.tr(
            "The embedded model runs on this machine without anything to install."
        )


def recommended_chat(profile: Any) -> str:
    """The Ollama model the catalog recommends for this hardware, or ""."""
    if profile is None:
        return ""
    try:
        from agent.engines.catalog import recommend

        return recommend(profile).chat.name
    except Exception:  # no recommendation: the field stays empty for the user to fill
        return ""


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


def _form() -> tuple[QWidget, QFormLayout]:
    page = QWidget()
    form = QFormLayout(page)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return page, form


def _note(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        label.setObjectName(name)
    return label


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
        self._settings = settings
        self._choose_folder = choose_folder
        self._hardware = hardware
        self._open_url = open_url
        self.mail: MailAccountsBox | None = None
        self.mail_paths: MailPathsBox | None = None
        self.sync_button: QPushButton | None = None
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
        if sync_mail is not None:
            self.sync_button = QPushButton(self.tr("Sync mail now"))
            self.sync_button.setObjectName("syncMail")
            self.sync_button.setAccessibleName(self.tr("Sync mail now"))
            self.sync_button.setToolTip(self.tr("Fetch new IMAP mail and re-read mail on disk"))
            self.sync_button.clicked.connect(lambda _checked=False: sync_mail(None))

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
        for build in (
            self._sources_page,
            self._models_page,
            self._cloud_page,
            self._privacy_page,
            self._appearance_page,
        ):
            self.stack.addWidget(build())
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.currentRowChanged.connect(
            lambda row: (
                self.privacy.show_sources(self._sources())
                if row == PAGES.index("Privacy")
                else None
            )
        )
        self.nav.setCurrentRow(0)
        self.show_hardware(hardware)
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

    # -- pages ---------------------------------------------------------------------------

    def _sources_page(self) -> QWidget:
        page = QWidget()
        self.folder_list = QListWidget()
        self.folder_list.setObjectName("notesFolders")
        self.folder_list.setAccessibleName(self.tr("Notes folders"))
        self.folder_list.addItems(self._settings.notes_folders)
        add = QPushButton(self.tr("Add…"))
        add.setObjectName("addFolder")
        add.setAccessibleName(self.tr("Add notes folder"))
        add.clicked.connect(self._add_folder)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setObjectName("removeFolder")
        self.remove_button.setAccessibleName(self.tr("Remove notes folder"))
        self.remove_button.clicked.connect(self._remove_folder)
        self.remove_button.setEnabled(False)
        self.folder_list.currentRowChanged.connect(
            lambda row: self.remove_button.setEnabled(row >= 0)
        )
        folder_buttons = QVBoxLayout()
        folder_buttons.addWidget(add)
        folder_buttons.addWidget(self.remove_button)
        folder_buttons.addStretch(1)
        folders = QHBoxLayout()
        folders.addWidget(self.folder_list, 1)
        folders.addLayout(folder_buttons)
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(self.tr("Notes folders")))
        layout.addLayout(folders)
        if self.mail is not None:
            layout.addWidget(self.mail)
        if self.mail_paths is not None:
            layout.addWidget(self.mail_paths)
        if self.sync_button is not None:
            row = QHBoxLayout()
            row.addWidget(
                _note(self.tr("Progress shows in the status bar; the window stays usable.")), 1
            )
            row.addWidget(self.sync_button)
            layout.addLayout(row)
        return page

    def _models_page(self) -> QWidget:
        page, form = _form()
        s = self._settings
        self.engine_combo = QComboBox()
        self.engine_combo.setObjectName("engineChoice")
        self.engine_combo.setAccessibleName(self.tr("Local engine"))
        self.engine_combo.addItems(list(LOCAL_ENGINES))
        self.engine_combo.setCurrentText(s.engine)
        self.embedded_combo = QComboBox()
        self.embedded_combo.setObjectName("embeddedModel")
        self.embedded_combo.setAccessibleName(self.tr("Embedded model"))
        self.embedded_combo.setEditable(True)  # a path to any .gguf works too
        self.embedded_combo.addItems(list(PACKAGED_MODELS))
        self.embedded_combo.setCurrentText(s.embedded_model)
        self.ollama_host = QLineEdit(s.ollama_host)
        self.ollama_host.setObjectName("ollamaHost")
        # Empty follows OLLAMA_HOST as Ollama's own tools do: show where that leads.
        self.ollama_host.setPlaceholderText(ollama_address("").describe())
        self.ollama_host.setAccessibleName(self.tr("Ollama address"))
        self.ollama_model = QLineEdit(s.ollama_model)
        self.ollama_model.setObjectName("ollamaModel")
        self.ollama_model.setAccessibleName(self.tr("Ollama model"))
        self.ollama_model.setPlaceholderText(self.tr("the first chat model Ollama has"))
        self.embedding_model = QLineEdit(s.embedding_model)
        self.embedding_model.setObjectName("embeddingModel")
        self.embedding_model.setAccessibleName(self.tr("Embedding model"))
        self.embedding_model.setPlaceholderText(
            self.tr("built in: multilingual E5-small (offline)")
        )
        self.embedding_model.setToolTip(
            self.tr(
                "An Ollama embedding model (e.g. bge-m3) to use instead; passages are embedded "
                "again in the background and search keeps working meanwhile."
            )
        )
        self.free_memory = QCheckBox(self.tr("Free the model's memory when Fanous quits"))
        self.free_memory.setObjectName("freeModelMemory")
        self.free_memory.setChecked(s.free_model_memory_on_quit)
        self.free_memory.setToolTip(
            self.tr(
                "Ollama keeps the model loaded for 30 minutes so answers start at once; on, "
                "Fanous gives its (GPU) memory back when you quit."
            )
        )
        self.hardware_label = _note("", "hardwareSummary")
        self.recommend_label = _note("", "modelRecommendation")
        form.addRow(self.tr("Engine"), self.engine_combo)
        form.addRow(self.tr("Embedded model"), self.embedded_combo)
        form.addRow(self.tr("Ollama address"), self.ollama_host)
        form.addRow(self.tr("Ollama model"), self.ollama_model)
        form.addRow(self.tr("Embedding model"), self.embedding_model)
        form.addRow("", self.free_memory)
        form.addRow(self.tr("This machine"), self.hardware_label)
        form.addRow(self.tr("Recommended"), self.recommend_label)
        form.addRow(
            _note(
                self.tr(
                    "auto: Ollama when it runs, else the embedded model. Nothing is downloaded."
                )
            )
        )
        self.ollama = OllamaModelsBox(
            s.ollama_host, recommended=recommended_chat(self._hardware), open_url=self._open_url
        )
        self.finished.connect(lambda _result: self.ollama.shutdown())
        outer = QWidget()
        layout = QVBoxLayout(outer)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(page)
        layout.addWidget(self.ollama, 1)
        return outer

    def _cloud_page(self) -> QWidget:
        page, form = _form()
        s = self._settings
        self.cloud_checkbox = QCheckBox(self.tr("Cloud escalation"))
        self.cloud_checkbox.setObjectName("cloudEscalation")
        self.cloud_checkbox.setAccessibleName(self.tr("Cloud escalation"))
        self.cloud_checkbox.setChecked(s.cloud_escalation)
        self.provider_combo = QComboBox()
        self.provider_combo.setObjectName("cloudProvider")
        self.provider_combo.setAccessibleName(self.tr("Cloud provider"))
        for name, label in cloud_providers().items():
            self.provider_combo.addItem(label, name)
        at = self.provider_combo.findData(s.cloud_provider)
        self.provider_combo.setCurrentIndex(max(at, 0))
        self.base_url = QLineEdit(s.cloud_base_url)
        self.base_url.setObjectName("cloudBaseUrl")
        self.base_url.setAccessibleName(self.tr("Cloud base URL"))
        self.base_url.setPlaceholderText(self.tr("the provider's own endpoint"))
        self.base_url_error = _note("", "baseUrlError")
        self.base_url_error.hide()
        self.cloud_model = QLineEdit(s.cloud_model)
        self.cloud_model.setObjectName("cloudModel")
        self.cloud_model.setAccessibleName(self.tr("Cloud model"))
        self.cloud_model.setPlaceholderText(self.tr("the provider's default model"))
        self.api_key = QLineEdit()
        self.api_key.setObjectName("apiKey")
        self.api_key.setAccessibleName(self.tr("API key"))
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setPlaceholderText(self.tr("stored in the OS keyring; leave empty to keep"))
        self.budget = QDoubleSpinBox()
        self.budget.setObjectName("monthlyBudget")
        self.budget.setAccessibleName(self.tr("Monthly budget in US dollars"))
        self.budget.setRange(0, 10_000)
        self.budget.setPrefix("$ ")
        self.budget.setValue(s.monthly_budget_usd)
        # The router's eagerness: tasks scoring at least this go to the cloud.
        self.threshold = QDoubleSpinBox()
        self.threshold.setObjectName("escalationThreshold")
        self.threshold.setAccessibleName(self.tr("Escalation threshold"))
        self.threshold.setRange(0.0, 1.0)
        self.threshold.setSingleStep(0.05)
        self.threshold.setDecimals(2)
        self.threshold.setValue(s.escalation_threshold)
        self.threshold.setToolTip(
            self.tr(
                "Lower sends more hard tasks to the cloud model; higher keeps more on this "
                "computer. Never-send sources, the budget and the offline switch always win."
            )
        )
        self.confirm_each = QCheckBox(self.tr("Show what will be sent and ask each time"))
        self.confirm_each.setObjectName("confirmEach")
        self.confirm_each.setAccessibleName(self.tr("Confirm each escalation"))
        self.confirm_each.setChecked(s.confirm_each_escalation)
        form.addRow(self.cloud_checkbox)
        form.addRow(_note(self.tr(CLOUD_EXPLAINED), "cloudExplained"))
        form.addRow(self.tr("Provider"), self.provider_combo)
        form.addRow(self.tr("Base URL"), self.base_url)
        form.addRow("", self.base_url_error)
        form.addRow(self.tr("Model"), self.cloud_model)
        form.addRow(self.tr("API key"), self.api_key)
        form.addRow(self.tr("Monthly budget"), self.budget)
        form.addRow(self.tr("Escalate from score"), self.threshold)
        form.addRow(self.confirm_each)
        return page

    def _privacy_page(self) -> QWidget:
        boxes = [box for box in (self.permissions, self.action_log) if box is not None]
        self.privacy = PrivacyPage(self._settings, boxes=boxes)
        self.offline_checkbox = self.privacy.offline_checkbox
        self.never_send = self.privacy.never_send  # never-send paths finer than a source
        self.ledger_table = self.privacy.ledger_table
        self.ledger_status = self.privacy.ledger_status
        self.privacy.show_sources(self._sources())
        return self.privacy

    def _sources(self) -> list[Any]:
        """Every source as the dialog has them now (folders added on the Sources page
        included), for the Privacy page's never-send boxes."""
        folders = [
            str(Path(self.folder_list.item(i).text()).expanduser().resolve())
            for i in range(self.folder_list.count())
        ]
        return all_sources(dataclasses.replace(self._settings, notes_folders=folders))

    def _appearance_page(self) -> QWidget:
        page, form = _form()
        app = QApplication.instance()
        schemes = {
            "light": self.tr("light"),
            "dark": self.tr("dark"),
            "unknown": self.tr("unknown"),
        }
        scheme = self.tr("system default")
        direction = self.tr("left to right")
        if isinstance(app, QApplication):
            name = app.styleHints().colorScheme().name.lower()
            scheme = schemes.get(name, name)
            if app.layoutDirection() == Qt.LayoutDirection.RightToLeft:
                direction = self.tr("right to left")
        self.language_combo = QComboBox()
        self.language_combo.setObjectName("languageChoice")
        self.language_combo.setAccessibleName(self.tr("Language"))
        for code, name in LANGUAGES.items():
            self.language_combo.addItem(name or self.tr("System language"), code)
        at = self.language_combo.findData(getattr(self._settings, "language", ""))
        self.language_combo.setCurrentIndex(max(at, 0))
        form.addRow(self.tr("Language"), self.language_combo)
        form.addRow(_note(self.tr("A new language applies the next time Fanous starts.")))
        form.addRow(
            self.tr("Colours"),
            _note(
                self.tr("Follow the system (now: {scheme})").format(scheme=scheme), "colorScheme"
            ),
        )
        form.addRow(
            self.tr("Layout"),
            _note(
                self.tr("Follows the language ({direction})").format(direction=direction),
                "direction",
            ),
        )
        form.addRow(
            _note(
                self.tr(
                    "Each message follows the direction of its own text: Arabic questions and "
                    "answers read right to left. Scaling follows the screen's DPI."
                )
            )
        )
        return page

    # -- data ----------------------------------------------------------------------------

    def show_hardware(self, profile: Any) -> None:
        self.hardware_label.setText(
            profile.describe() if profile is not None else self.tr("Detecting…")
        )
        self.recommend_label.setText(recommendation_text(profile))

    def show_ledger(self, entries: list[Any]) -> None:
        self.privacy.show_ledger(entries)

    def accept(self) -> None:
        """OK: refused, saying why, while the cloud base URL would send the key in clear."""
        url = self.base_url.text().strip()
        if url:
            try:
                check_base_url(url)
            except ConfigError:
                self.base_url_error.setText(
                    self.tr(
                        "The base URL must start with https:// (plain http:// only for a "
                        "server on this computer, such as http://127.0.0.1:8000/v1)."
                    )
                )
                self.base_url_error.show()
                self.show_page("Cloud")
                self.base_url.setFocus()
                return
        super().accept()

    def choice(self) -> SettingsChoice:
        folders = [self.folder_list.item(i).text() for i in range(self.folder_list.count())]
        never = [line.strip() for line in self.never_send.toPlainText().splitlines()]
        values = {
            "engine": self.engine_combo.currentText(),
            "embedded_model": self.embedded_combo.currentText().strip(),
            "ollama_host": self.ollama_host.text().strip(),
            "ollama_model": self.ollama_model.text().strip(),
            "embedding_model": self.embedding_model.text().strip(),
            "cloud_provider": self.provider_combo.currentData(),
            "cloud_base_url": self.base_url.text().strip(),
            "cloud_model": self.cloud_model.text().strip(),
            "monthly_budget_usd": float(self.budget.value()),
            "confirm_each_escalation": self.confirm_each.isChecked(),
            "escalation_threshold": float(self.threshold.value()),
            "offline": self.offline_checkbox.isChecked(),
            "never_send_sources": [line for line in never if line],
            "source_permissions": self.privacy.source_permissions(),
            "language": self.language_combo.currentData() or "",
            "free_model_memory_on_quit": self.free_memory.isChecked(),
        }
        known = {f.name for f in dataclasses.fields(Settings)}
        values = {k: v for k, v in values.items() if k in known and k in _EDITED}
        return SettingsChoice(
            self.cloud_checkbox.isChecked(),
            folders,
            values,
            api_key=self.api_key.text().strip(),
            key_provider=str(self.provider_combo.currentData() or ""),
        )

    def _add_folder(self) -> None:
        folder = self._choose_folder(self)
        if folder and folder not in self.choice().notes_folders:
            self.folder_list.addItem(folder)

    def _remove_folder(self) -> None:
        row = self.folder_list.currentRow()
        if row >= 0:
            self.folder_list.takeItem(row)
