"""The first-run Ollama guidance: per-OS text with the official download page, and the
state detection the UI uses to decide whether to show it."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.engines.ollama_install import DOWNLOAD_URL, install_instructions, ollama_state
from tests.fakes.loopback import free_port
from tests.fakes.ollama_server import FakeOllama


@pytest.mark.parametrize(
    ("system", "url", "words"),
    [
        ("Windows", "https://ollama.com/download/windows", "OllamaSetup.exe"),
        ("Darwin", "https://ollama.com/download/mac", "Applications"),
        ("Linux", "https://ollama.com/download/linux", "ollama serve"),
        ("Plan9", "https://ollama.com/download", "download page"),
    ],
)
def test_instructions_per_os(system: str, url: str, words: str) -> None:
    text, link = install_instructions(system)
    assert link == url and link.startswith(DOWNLOAD_URL)
    assert words in text
    assert "ollama pull llama3.2" in text
    assert "built-in model" in text  # the user knows the app works meanwhile


def test_instructions_default_to_this_system_and_name_the_model() -> None:
    guide = install_instructions(model="qwen2.5:3b")
    assert guide.url.startswith(DOWNLOAD_URL)
    assert "ollama pull qwen2.5:3b" in guide.text


def test_state_absent_installed_running(tmp_path: Path) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    assert ollama_state(nobody, which="") == "absent"
    program = tmp_path / "ollama"
    program.write_text("#!/bin/sh\n")
    assert ollama_state(nobody, which=str(program)) == "installed"
    with FakeOllama() as server:
        assert ollama_state(server.url, which="") == "running"
