"""Router calibration from an evaluation (RouteLLM's calibration idea, on your own
questions): the ``escalation_threshold`` that keeps at least 95 % of the cloud model's
accuracy with the fewest escalations, given each question's router score and whether
the local and the cloud model answered it right."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Calibration", "calibrate"]


@dataclass(frozen=True, slots=True)
class Calibration:
    threshold: float  # the proposed escalation_threshold
    escalated_share: float  # of the questions, sent to the cloud at that threshold
    accuracy: float  # routed: local below the threshold, cloud at or above it
    local_accuracy: float
    cloud_accuracy: float
    questions: int
    keep: float  # the share of the cloud's accuracy asked for
    # (threshold, share escalated, accuracy) for each threshold worth trying
    curve: list[tuple[float, float, float]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "threshold": round(self.threshold, 3),
            "escalated_share": round(self.escalated_share, 3),
            "accuracy": round(self.accuracy, 3), "local_accuracy": round(self.local_accuracy, 3),
            "cloud_accuracy": round(self.cloud_accuracy, 3), "questions": self.questions,
            "keep": self.keep,
            "curve": [[round(t, 3), round(s, 3), round(a, 3)] for t, s, a in self.curve],
        }  # fmt: skip


def calibrate(
    items: Sequence[tuple[float, bool, bool]], *, keep: float = 0.95
) -> Calibration | None:
    """``items``: (router score, local right, cloud right) per question. None without
    questions. A question escalates when its score reaches the threshold."""
    if not items:
        return None
    n = len(items)
    cloud_acc = sum(c for _, _, c in items) / n
    local_acc = sum(lo for _, lo, _ in items) / n
    # Every distinct score is a threshold worth trying, and 1.0 (only a full score goes).
    thresholds = sorted({round(s, 6) for s, _, _ in items} | {0.0, 1.0})
    curve = []
    for t in thresholds:
        sent = [s >= t for s, _, _ in items]
        right = sum(c if go else lo for go, (_, lo, c) in zip(sent, items, strict=True))
        curve.append((t, sum(sent) / n, right / n))
    target = keep * cloud_acc
    fit = [p for p in curve if p[2] >= target - 1e-9]
    best = min(fit, key=lambda p: (p[1], -p[0]))  # t=0 sends all: cloud accuracy, so one fits
    return Calibration(best[0], best[1], best[2], local_acc, cloud_acc, n, keep, curve)
