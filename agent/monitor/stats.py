"""Figures over the turn log: per model and overall, for `fanous stats` and the Monitor
page. Everything here is read from ``turn_log`` (and the ledger's month spend)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from agent.turn_log import TurnRow

__all__ = ["ModelStats", "Summary", "quantile", "summarise"]


def quantile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile (nearest rank) of ``values``; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def _r(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


@dataclass(slots=True)
class ModelStats:
    engine: str
    model: str
    route: str
    turns: int = 0
    failures: int = 0
    retries: int = 0
    first_token_median: float | None = None
    seconds_median: float | None = None
    seconds_p90: float | None = None
    tokens_per_second_median: float | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    verdicts: dict[str, int] = field(default_factory=dict)
    digests: list[str] = field(default_factory=list)  # every version seen, oldest first

    def to_json(self) -> dict[str, Any]:
        return {
            "engine": self.engine, "model": self.model, "route": self.route,
            "turns": self.turns, "failures": self.failures, "retries": self.retries,
            "first_token_median_s": _r(self.first_token_median),
            "seconds_median": _r(self.seconds_median), "seconds_p90": _r(self.seconds_p90),
            "tokens_per_second_median": _r(self.tokens_per_second_median, 1),
            "prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
            "cost_usd": round(self.cost_usd, 6), "verdicts": self.verdicts,
            "digests": self.digests,
        }  # fmt: skip


@dataclass(slots=True)
class Summary:
    since: float | None
    turns: int
    local: int
    cloud: int
    failures: int
    retries: int
    not_saved: int
    cost_usd: float
    spent_this_month_usd: float
    monthly_budget_usd: float
    verdicts: dict[str, int]
    models: list[ModelStats]

    @property
    def local_share(self) -> float | None:
        return self.local / self.turns if self.turns else None

    def to_json(self) -> dict[str, Any]:
        return {
            "since": self.since, "turns": self.turns, "local": self.local,
            "cloud": self.cloud, "local_share": _r(self.local_share),
            "failures": self.failures, "retries": self.retries, "not_saved": self.not_saved,
            "cost_usd": round(self.cost_usd, 6),
            "spent_this_month_usd": round(self.spent_this_month_usd, 6),
            "monthly_budget_usd": self.monthly_budget_usd, "verdicts": self.verdicts,
            "models": [m.to_json() for m in self.models],
        }  # fmt: skip


def _model(key: tuple[str, str, str], turns: list[TurnRow]) -> ModelStats:
    answered = [t for t in turns if not t.failed]
    firsts = [t.first_token_seconds for t in answered if t.first_token_seconds is not None]
    speeds = [t.tokens_per_second for t in answered if t.tokens_per_second]
    totals = [t.seconds for t in answered]
    digests = list(dict.fromkeys(t.digest for t in turns if t.digest))
    return ModelStats(
        engine=key[0], model=key[1], route=key[2], turns=len(turns),
        failures=len(turns) - len(answered), retries=sum(t.retries for t in turns),
        first_token_median=quantile(firsts, 0.5), seconds_median=quantile(totals, 0.5),
        seconds_p90=quantile(totals, 0.9), tokens_per_second_median=quantile(speeds, 0.5),
        prompt_tokens=sum(t.prompt_tokens or 0 for t in turns),
        completion_tokens=sum(t.completion_tokens or 0 for t in turns),
        cost_usd=sum(t.cost_usd for t in turns),
        verdicts=dict(Counter(t.verdict for t in turns if t.verdict)), digests=digests,
    )  # fmt: skip


def summarise(
    turns: Iterable[TurnRow],
    *,
    since: float | None = None,
    spent_this_month_usd: float = 0.0,
    monthly_budget_usd: float = 0.0,
) -> Summary:
    turns = list(turns)
    by_model: dict[tuple[str, str, str], list[TurnRow]] = {}
    for t in turns:
        by_model.setdefault((t.engine, t.model, t.route), []).append(t)
    models = sorted(
        (_model(k, v) for k, v in by_model.items()), key=lambda m: (-m.turns, m.engine, m.model)
    )
    return Summary(
        since=since, turns=len(turns), local=sum(t.route == "local" for t in turns),
        cloud=sum(t.route == "cloud" for t in turns), failures=sum(t.failed for t in turns),
        retries=sum(t.retries for t in turns), not_saved=sum(not t.saved for t in turns),
        cost_usd=sum(t.cost_usd for t in turns), spent_this_month_usd=spent_this_month_usd,
        monthly_budget_usd=monthly_budget_usd,
        verdicts=dict(Counter(t.verdict for t in turns if t.verdict)), models=models,
    )  # fmt: skip
