"""A cloud base URL must be https:// unless the server is this machine: an http://
address was accepted, so the API key would have crossed the network in clear (the
adversarial run's finding). Refused in the settings' engine, the CLI and the window
(tests/test_desktop_privacy.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.config import Paths, load_settings
from agent.privacy.guard import check_base_url
from agent.workspace import Workspace
from contracts.errors import ConfigError
from tests.fakes.engines import FakeEngine
from tests.test_cli import run


@pytest.mark.parametrize(
    "url",
    ["https://api.openai.com/v1", "http://127.0.0.1:8000/v1", "http://localhost:1234",
     "http://[::1]:8000/v1", "http://127.9.9.9/v1"],
)  # fmt: skip
def test_encrypted_or_local_addresses_are_fine(url: str) -> None:
    check_base_url(url)


@pytest.mark.parametrize(
    "url", ["http://api.example.com/v1", "http://10.0.0.5:8000/v1", "http://gpu-box:8000/v1"]
)
def test_plain_http_elsewhere_is_refused(url: str) -> None:
    with pytest.raises(ConfigError, match="not encrypted") as info:
        check_base_url(url)
    assert "https://" in info.value.fix


@pytest.mark.parametrize("url", ["ftp://x.example", "api.example.com/v1", "https://"])
def test_what_is_not_a_web_address_is_refused(url: str) -> None:
    with pytest.raises(ConfigError, match="not a web address"):
        check_base_url(url)


def test_an_http_address_in_the_settings_never_gets_the_key(paths: Paths) -> None:
    ws = Workspace(paths, engine=FakeEngine())
    ws.settings.cloud_base_url = "http://api.example.com/v1"  # an older settings file
    with pytest.raises(ConfigError, match="not encrypted"):
        ws.cloud_engine()
    ws.close()


def test_the_cli_refuses_it_before_saving(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = run(["cloud", "on", "--base-url", "http://api.example.com/v1"], home)
    assert result.returncode == 1
    assert "not encrypted" in result.stderr and "fix: use its https:// address" in result.stderr
    settings = load_settings(Paths.resolve(home))
    assert settings.cloud_base_url == "" and not settings.cloud_escalation
    ok = run(["cloud", "on", "--base-url", "https://api.example.com/v1"], home)
    assert ok.returncode == 0, ok.stderr
    assert load_settings(Paths.resolve(home)).cloud_base_url == "https://api.example.com/v1"
