from __future__ import annotations

from pathlib import Path

import pytest

from agent.config import Paths, Settings, load_settings, save_settings
from contracts.errors import ConfigError


def test_fanous_home_puts_everything_in_one_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("FANOUS_HOME", str(tmp_path / "h"))
    paths = Paths.resolve().ensure()
    assert paths.settings_file == tmp_path / "h" / "config" / "settings.toml"
    assert paths.database == tmp_path / "h" / "data" / "fanous.db"
    assert paths.log_dir.is_dir()


def test_defaults_are_private(paths: Paths) -> None:
    settings = load_settings(paths)
    assert settings == Settings()
    assert settings.cloud_escalation is False


def test_round_trip_and_unknown_keys_ignored(paths: Paths) -> None:
    s = Settings(cloud_escalation=True, notes_folders=["/a", "/b"], context_passages=5)
    save_settings(paths, s)
    assert load_settings(paths) == s
    paths.settings_file.write_text(paths.settings_file.read_text() + 'future_key = "x"\n')
    assert load_settings(paths) == s
    assert not list(paths.config_dir.glob("*.tmp")), "atomic save leaves no temp files"


@pytest.mark.parametrize(
    "content, words",
    [("engine = [", "not valid TOML"), ("cloud_escalation = 'yes'", "should be bool")],
)
def test_bad_file_is_a_clear_error(paths: Paths, content: str, words: str) -> None:
    paths.settings_file.write_text(content)
    with pytest.raises(ConfigError, match=words) as info:
        load_settings(paths)
    assert info.value.fix
