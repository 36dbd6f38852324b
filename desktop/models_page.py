"""Settings › Models: the local engine and its models, what this machine is and what the
catalog recommends for it, and the Ollama models box (pull, remove, where Ollama is)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.config import Settings
from agent.engines import LOCAL_ENGINES
from agent.engines.ollama_host import ollama_address
from agent.engines.packaged import PACKAGED_MODELS
from desktop.models_box import OllamaModelsBox
from desktop.qt import QCheckBox, QComboBox, QDesktopServices, QLineEdit, QUrl, QVBoxLayout, QWidget
from desktop.settings_page import SettingsPage, form_layout, note

__all__ = ["ModelsPage", "recommendation_text", "recommended_chat"]


def recommendation_text(profile: Any) -> str:
    """What the model catalog recommends for this hardware, in words."""
    if profile is None:
        return ModelsPage.tr("Detecting the hardware…")
    try:
        from agent.engines.catalog import recommend

        rec = recommend(profile)
        return ModelsPage.tr(
            "For this machine: {model} with Ollama ({reason}); without "
            "Ollama the embedded {fallback} answers."
        ).format(model=rec.chat.name, reason=rec.chat.reason, fallback=rec.embedded_fallback)
    except Exception:  # the catalog is optional for this page: say what runs now
        return ModelsPage.tr("The embedded model runs on this machine without anything to install.")


def recommended_chat(profile: Any) -> str:
    """The Ollama model the catalog recommends for this hardware, or ""."""
    if profile is None:
        return ""
    try:
        from agent.engines.catalog import recommend

        return recommend(profile).chat.name
    except Exception:  # no recommendation: the field stays empty for the user to fill
        return ""


class ModelsPage(SettingsPage):
    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        hardware: Any = None,
        open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl,
    ) -> None:
        super().__init__(settings, parent)
        page = QWidget()
        form = form_layout(page)
        self.engine_combo = QComboBox()
        self.engine_combo.setObjectName("engineChoice")
        self.engine_combo.setAccessibleName(self.tr("Local engine"))
        self.engine_combo.addItems(list(LOCAL_ENGINES))
        self.bind("engine", self.engine_combo.setCurrentText, self.engine_combo.currentText)
        self.embedded_combo = QComboBox()
        self.embedded_combo.setObjectName("embeddedModel")
        self.embedded_combo.setAccessibleName(self.tr("Embedded model"))
        self.embedded_combo.setEditable(True)  # a path to any .gguf works too
        self.embedded_combo.addItems(list(PACKAGED_MODELS))
        self.bind(
            "embedded_model", self.embedded_combo.setCurrentText,
            lambda: self.embedded_combo.currentText().strip(),
        )  # fmt: skip
        self.ollama_host = QLineEdit()
        self.ollama_host.setObjectName("ollamaHost")
        self.bind_text("ollama_host", self.ollama_host)
        # Empty follows OLLAMA_HOST as Ollama's own tools do: show where that leads.
        self.ollama_host.setPlaceholderText(ollama_address("").describe())
        self.ollama_host.setAccessibleName(self.tr("Ollama address"))
        self.ollama_model = QLineEdit()
        self.ollama_model.setObjectName("ollamaModel")
        self.bind_text("ollama_model", self.ollama_model)
        self.ollama_model.setAccessibleName(self.tr("Ollama model"))
        self.ollama_model.setPlaceholderText(self.tr("the first chat model Ollama has"))
        self.embedding_model = QLineEdit()
        self.embedding_model.setObjectName("embeddingModel")
        self.bind_text("embedding_model", self.embedding_model)
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
        self.bind_check("free_model_memory_on_quit", self.free_memory)
        self.free_memory.setToolTip(
            self.tr(
                "Ollama keeps the model loaded for 30 minutes so answers start at once; on, "
                "Fanous gives its (GPU) memory back when you quit."
            )
        )
        self.hardware_label = note("", "hardwareSummary")
        self.recommend_label = note("", "modelRecommendation")
        form.addRow(self.tr("Engine"), self.engine_combo)
        form.addRow(self.tr("Embedded model"), self.embedded_combo)
        form.addRow(self.tr("Ollama address"), self.ollama_host)
        form.addRow(self.tr("Ollama model"), self.ollama_model)
        form.addRow(self.tr("Embedding model"), self.embedding_model)
        form.addRow("", self.free_memory)
        form.addRow(self.tr("This machine"), self.hardware_label)
        form.addRow(self.tr("Recommended"), self.recommend_label)
        form.addRow(
            note(
                self.tr(
                    "auto: Ollama when it runs, else the embedded model. Nothing is downloaded."
                )
            )
        )
        self.ollama = OllamaModelsBox(
            settings.ollama_host, recommended=recommended_chat(hardware), open_url=open_url
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(page)
        layout.addWidget(self.ollama, 1)
        self.show_hardware(hardware)

    def show_hardware(self, profile: Any) -> None:
        self.hardware_label.setText(
            profile.describe() if profile is not None else self.tr("Detecting…")
        )
        self.recommend_label.setText(recommendation_text(profile))
