"""Shared fixtures: a throw-away Fanous home, a small notes folder, workspaces."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agent.config import Paths
from agent.workspace import Workspace
from tests.fakes.engines import FakeEngine

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

NOTES = {
    "travel/ferry.md": "# Travel\n\n## Ferry\n\nThe ferry to Hydra leaves at 7:40 from pier 3. "
    "Tickets cost 12 euros at the kiosk.\n",
    "health/dentist.txt": "Dentist appointment with Dr. Karim on Tuesday at 10:00.\n",
    "home/wifi.md": "---\ntags: [home]\n---\n# Home\n\nThe wifi password is on the fridge, "
    "the router is in the hallway cupboard.\n",
    "work/standup.md": "# Work\n\n## Standup\n\nThe team standup is every weekday at 9:15 "
    "in room Cedar.\n",
}


def write_notes(root: Path, notes: dict[str, str] = NOTES) -> Path:
    for rel, text in notes.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def notes_dir(tmp_path: Path) -> Path:
    return write_notes(tmp_path / "notes")


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths.resolve(tmp_path / "home").ensure()


@pytest.fixture
def fake_workspace(paths: Paths) -> Workspace:
    ws = Workspace(paths, engine=FakeEngine())
    yield ws
    ws.close()
