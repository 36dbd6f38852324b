"""What the Monitor page draws, computed from the turn log (Qt-free, so it is tested
without a screen): per model, latency and tokens/s over time; per day, the local/cloud
share and the failures; this month's cloud spend against the budget."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from agent.turn_log import TurnRow

__all__ = ["Point", "Series", "build"]

Point = tuple[float, float]  # (time in seconds since the epoch, value)


@dataclass(slots=True)
class Series:
    latency: dict[str, list[Point]] = field(default_factory=dict)  # answer seconds, by model
    first_token: dict[str, list[Point]] = field(default_factory=dict)
    speed: dict[str, list[Point]] = field(default_factory=dict)  # tokens/s, by model
    days: list[str] = field(default_factory=list)  # YYYY-MM-DD, local time, oldest first
    local: list[int] = field(default_factory=list)  # turns per day
    cloud: list[int] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)
    spend: list[Point] = field(default_factory=list)  # cumulative US$ this month
    budget_usd: float = 0.0

    @property
    def empty(self) -> bool:
        return not self.days


def _day(at: float) -> str:
    return dt.datetime.fromtimestamp(at).strftime("%Y-%m-%d")


def build(turns: Iterable[TurnRow], *, budget_usd: float, month_start: float) -> Series:
    out = Series(budget_usd=budget_usd)
    per_day: dict[str, list[int]] = {}
    spent = 0.0
    for t in turns:
        name = f"{t.engine}/{t.model}"
        counts = per_day.setdefault(_day(t.at), [0, 0, 0])
        counts[0 if t.route == "local" else 1] += 1
        if t.at >= month_start and t.cost_usd:  # a cut-short cloud answer still cost
            spent += t.cost_usd
            out.spend.append((t.at, spent))
        if t.failed:
            counts[2] += 1
            continue
        out.latency.setdefault(name, []).append((t.at, t.seconds))
        if t.first_token_seconds is not None:
            out.first_token.setdefault(name, []).append((t.at, t.first_token_seconds))
        if t.tokens_per_second:
            out.speed.setdefault(name, []).append((t.at, t.tokens_per_second))
    out.days = sorted(per_day)
    out.local = [per_day[d][0] for d in out.days]
    out.cloud = [per_day[d][1] for d in out.days]
    out.failures = [per_day[d][2] for d in out.days]
    return out
