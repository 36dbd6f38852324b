"""Settings › Cloud: escalation on or off, the provider and its endpoint, model and API key
(for the keyring, never the settings file), the monthly budget and the router's threshold.
"""

from __future__ import annotations

from agent.config import Settings
from agent.privacy.guard import check_base_url
from contracts.errors import ConfigError
from desktop.qt import QT_TRANSLATE_NOOP, QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QWidget
from desktop.settings_page import SettingsPage, form_layout, note

__all__ = ["CLOUD_EXPLAINED", "CloudPage", "cloud_providers"]

CLOUD_EXPLAINED = QT_TRANSLATE_NOOP(
    "CloudPage",
    "With cloud escalation off, every question is answered on this computer and nothing "
    "leaves it. When it is on, hard questions may go to a cloud model with your own API "
    "key; what is sent is minimised, and every request is written to the egress ledger "
    "(Privacy page).",
)


def cloud_providers() -> dict[str, str]:
    """Provider name -> label, from the cloud engines' table."""
    try:
        from agent.engines.cloud import PROVIDERS
    except ImportError:  # an older core: the two protocols the settings name
        return {"openai": "OpenAI-compatible", "anthropic": "Anthropic"}
    return {name: p.label for name, p in PROVIDERS.items()}


class CloudPage(SettingsPage):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(settings, parent)
        self.cloud_checkbox = QCheckBox(self.tr("Cloud escalation"))
        self.cloud_checkbox.setObjectName("cloudEscalation")
        self.cloud_checkbox.setAccessibleName(self.tr("Cloud escalation"))
        self.bind_check("cloud_escalation", self.cloud_checkbox)
        self.provider_combo = QComboBox()
        self.provider_combo.setObjectName("cloudProvider")
        self.provider_combo.setAccessibleName(self.tr("Cloud provider"))
        for name, label in cloud_providers().items():
            self.provider_combo.addItem(label, name)
        self.bind_item("cloud_provider", self.provider_combo)
        self.base_url = QLineEdit()
        self.base_url.setObjectName("cloudBaseUrl")
        self.bind_text("cloud_base_url", self.base_url)
        self.base_url.setAccessibleName(self.tr("Cloud base URL"))
        self.base_url.setPlaceholderText(self.tr("the provider's own endpoint"))
        self.base_url_error = note("", "baseUrlError")
        self.base_url_error.hide()
        self.cloud_model = QLineEdit()
        self.cloud_model.setObjectName("cloudModel")
        self.bind_text("cloud_model", self.cloud_model)
        self.cloud_model.setAccessibleName(self.tr("Cloud model"))
        self.cloud_model.setPlaceholderText(self.tr("the provider's default model"))
        self.api_key = QLineEdit()  # not a setting: it goes to the keyring (``key``)
        self.api_key.setObjectName("apiKey")
        self.api_key.setAccessibleName(self.tr("API key"))
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setPlaceholderText(self.tr("stored in the OS keyring; leave empty to keep"))
        self.budget = QDoubleSpinBox()
        self.budget.setObjectName("monthlyBudget")
        self.budget.setAccessibleName(self.tr("Monthly budget in US dollars"))
        self.budget.setRange(0, 10_000)
        self.budget.setPrefix("$ ")
        self.bind_number("monthly_budget_usd", self.budget)
        # The router's eagerness: tasks scoring at least this go to the cloud.
        self.threshold = QDoubleSpinBox()
        self.threshold.setObjectName("escalationThreshold")
        self.threshold.setAccessibleName(self.tr("Escalation threshold"))
        self.threshold.setRange(0.0, 1.0)
        self.threshold.setSingleStep(0.05)
        self.threshold.setDecimals(2)
        self.bind_number("escalation_threshold", self.threshold)
        self.threshold.setToolTip(
            self.tr(
                "Lower sends more hard tasks to the cloud model; higher keeps more on this "
                "computer. Never-send sources, the budget and the offline switch always win."
            )
        )
        self.confirm_each = QCheckBox(self.tr("Show what will be sent and ask each time"))
        self.confirm_each.setObjectName("confirmEach")
        self.confirm_each.setAccessibleName(self.tr("Confirm each escalation"))
        self.bind_check("confirm_each_escalation", self.confirm_each)
        form = form_layout(self)
        form.addRow(self.cloud_checkbox)
        form.addRow(note(self.tr(CLOUD_EXPLAINED), "cloudExplained"))
        form.addRow(self.tr("Provider"), self.provider_combo)
        form.addRow(self.tr("Base URL"), self.base_url)
        form.addRow("", self.base_url_error)
        form.addRow(self.tr("Model"), self.cloud_model)
        form.addRow(self.tr("API key"), self.api_key)
        form.addRow(self.tr("Monthly budget"), self.budget)
        form.addRow(self.tr("Escalate from score"), self.threshold)
        form.addRow(self.confirm_each)

    def key(self) -> tuple[str, str]:
        """(provider, API key) as typed: the key for the keyring, "" to keep the stored one."""
        return str(self.provider_combo.currentData() or ""), self.api_key.text().strip()

    def base_url_ok(self) -> bool:
        """False, saying why under the field, while the base URL would send the key in clear."""
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
                return False
        return True
