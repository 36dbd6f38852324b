"""Shared by the action tests: a workspace, and the write permissions a test gives its
sources — set as the user sets them (``agent.sources`` records in the settings), so the
gate's real lookup decides."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest

from agent.actions import Actions
from agent.config import Paths, Settings
from agent.sources import find_source, set_permission
from agent.workspace import Workspace
from tests.fakes.engines import FakeEngine


class Grants:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def allow(self, right: str, place: str) -> None:
        """Let actions write ``right`` ("notes", "drafts") to the source ``place`` names."""
        source = find_source(self.settings, place)
        assert source is not None, f"{place} is not a source"
        set_permission(self.settings, source.id, f"write_{right}", True)

    def revoke_all(self) -> None:
        for sid in list(self.settings.source_permissions):
            for name in ("write_notes", "write_drafts"):
                set_permission(self.settings, sid, name, False)

    def snapshot(self) -> dict:
        return copy.deepcopy(self.settings.source_permissions)


@pytest.fixture
def ws(paths: Paths) -> Iterator[Workspace]:
    workspace = Workspace(paths, engine=FakeEngine())
    workspace.settings.time_zone = "Asia/Amman"
    yield workspace
    workspace.close()


@pytest.fixture
def grants(ws: Workspace) -> Grants:
    return Grants(ws.settings)


@pytest.fixture
def actions(ws: Workspace) -> Actions:
    return Actions(ws)
