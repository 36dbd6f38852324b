"""Shared by the action tests: a workspace whose sources' write permissions the test sets."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from agent.actions import Actions
from agent.config import Paths
from agent.workspace import Workspace
from tests.fakes.engines import FakeEngine


class Grants:
    """The write permissions a test gave, looked up as the gate looks them up: by the
    resolved path (inside a granted folder) or the IMAP account root."""

    def __init__(self) -> None:
        self.granted: set[tuple[str, str]] = set()

    def allow(self, right: str, place: str) -> None:
        key = place if place.startswith("imap://") else os.path.realpath(place)
        self.granted.add((right, key))

    def __call__(self, settings: object, right: str, place: str) -> bool:
        if right == "reminders":
            return True
        real = place if place.startswith("imap://") else os.path.realpath(place)
        return any(
            r == right and (real == p or real.startswith(p.rstrip(os.sep) + os.sep))
            for r, p in self.granted
        )


@pytest.fixture
def grants() -> Grants:
    return Grants()


@pytest.fixture
def ws(paths: Paths) -> Iterator[Workspace]:
    workspace = Workspace(paths, engine=FakeEngine())
    workspace.settings.time_zone = "Asia/Amman"
    yield workspace
    workspace.close()


@pytest.fixture
def actions(ws: Workspace, grants: Grants) -> Actions:
    return Actions(ws, permission=grants)
