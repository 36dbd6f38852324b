"""The settings dialog's pages: each setting is edited by one page, shown from the settings
and given back unchanged when the user changes nothing."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

from collections import Counter
from pathlib import Path
from typing import Any

from agent.config import Settings
from desktop.settings_dialog import PAGES, SettingsDialog

EDITED = {
    "engine",
    "embedded_model",
    "ollama_host",
    "ollama_model",
    "embedding_model",
    "free_model_memory_on_quit",
    "cloud_provider",
    "cloud_base_url",
    "cloud_model",
    "monthly_budget_usd",
    "escalation_threshold",
    "confirm_each_escalation",
    "offline",
    "never_send_sources",
    "source_permissions",
    "language",
}


def test_each_setting_has_one_page_and_an_untouched_dialog_changes_nothing(
    qtbot: Any, tmp_path: Path
) -> None:
    settings = Settings(
        engine="embedded",
        embedded_model="smollm2-135m",
        ollama_host="http://127.0.0.1:9",  # nothing listens there: the models box says so
        ollama_model="qwen3:0.6b",
        embedding_model="bge-m3",
        free_model_memory_on_quit=True,
        cloud_escalation=True,
        cloud_provider="anthropic",
        cloud_base_url="https://example.invalid/v1",
        cloud_model="a-model",
        monthly_budget_usd=2.5,
        escalation_threshold=0.4,
        confirm_each_escalation=True,
        offline=True,
        never_send_sources=[str(tmp_path / "diary")],
        notes_folders=[str(tmp_path)],
        language="ar",
    )
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    try:
        assert len(dialog.pages) == len(PAGES)
        owners = Counter(name for page in dialog.pages for name in page.values())
        assert [name for name, pages in owners.items() if pages > 1] == []
        assert set(owners) == EDITED | {"cloud_escalation", "notes_folders"}

        choice = dialog.choice()
        assert choice.cloud_escalation and choice.notes_folders == [str(tmp_path)]
        assert set(choice.values) == EDITED
        unchanged = {k: v for k, v in choice.values.items() if k != "source_permissions"}
        assert unchanged == {name: getattr(settings, name) for name in unchanged}
        assert choice.key_provider == "anthropic" and choice.api_key == ""
        assert not choice.apply_to(settings)  # the local engine stays as it was
    finally:
        dialog.reject()
