"""Local or cloud, decided per task, with the reason shown to the user.

With cloud escalation off every task is local, always. The cloud engines and the
escalation signals arrive with the hybrid-routing work; until a cloud provider is set up
the router says so instead of pretending.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from agent.config import Settings

__all__ = ["Route", "decide"]


@dataclass(frozen=True, slots=True)
class Route:
    kind: Literal["local", "cloud"]
    reason: str


def decide(settings: Settings, *, force: Literal["local", "cloud"] | None = None) -> Route:
    if force == "local":
        return Route("local", "you asked to keep this question local")
    if not settings.cloud_escalation:
        return Route("local", "cloud escalation is off")
    return Route("local", "cloud escalation is on, but no cloud provider is set up yet")
