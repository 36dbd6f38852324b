"""Local or cloud, decided per task from signals that can be tested, with the reason shown.

With cloud escalation off (or the offline switch on) every task is local, always. With it
on, in this order: the user's per-message override, never-send sources, the monthly
budget, whether a cloud engine is ready, then the task itself — its kind (reasoning and
code go to the cloud), the context it needs against the local model's window, and the
local draft (a draft that does not answer or cites nothing escalates).

Only the user's own words and settings can send a task to the cloud: when a retrieved
passage talks to the model (``looks_like_instructions``), the signals it could steer —
context size and the draft — are ignored and the task stays local.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from agent.config import Settings
from agent.index.search import Hit
from agent.privacy.injection import looks_like_instructions
from agent.privacy.minimise import is_never_send

__all__ = [
    "TASK_KINDS",
    "Route",
    "classify",
    "decide",
    "draft_problem",
    "needed_tokens",
]

TaskKind = Literal["summarise", "extract", "rewrite", "reason", "code"]
TASK_KINDS: tuple[TaskKind, ...] = ("summarise", "extract", "rewrite", "reason", "code")
HARD_KINDS = frozenset({"reason", "code"})
# Leave room in the window for the system prompt and the answer.
WINDOW_SHARE = 0.75


@dataclass(frozen=True, slots=True)
class Route:
    kind: Literal["local", "cloud"]
    reason: str
    signal: str = "default"  # which signal decided: off, offline, override, budget, ...
    task: str = ""  # the task kind, when it was looked at
    draft_first: bool = False  # local, but a weak draft may still escalate

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "reason": self.reason, "signal": self.signal, "task": self.task}


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(alternatives), re.IGNORECASE)


_KIND_PATTERNS: list[tuple[TaskKind, re.Pattern[str]]] = [
    ("code", _words(
        r"```", r"\b(?:code|function|script|regex|regexp|sql|python|javascript|typescript|"
        r"bash|shell|bug|debug|compile|stack ?trace|refactor|unit tests?|algorithm)\b",
        r"كود|برمج|دالة|سكربت|خوارزمية",
    )),
    ("reason", _words(
        r"\b(?:plan|planning|schedule|itinerary|compare|comparison|pros and cons|trade-?offs?|"
        r"should i|why|decide|decision|strategy|analy[sz]e|analysis|prioriti[sz]e|recommend|"
        r"evaluate|estimate|reason|step[- ]by[- ]step|what if|implications?|conflicts?)\b",
        r"خط[ةط]|قارن|مقارنة|لماذا|هل يجب|حلل|تحليل|أولويات|اقترح|قرر|استراتيجية",
    )),
    ("summarise", _words(
        r"\b(?:summari[sz]e|summary|tl;?dr|overview|recap|digest|key points|gist|outline)\b",
        r"لخص|ملخص|تلخيص|الخلاصة|نظرة عامة",
    )),
    ("rewrite", _words(
        r"\b(?:rewrite|rephrase|reword|paraphrase|polish|proofread|translate|shorten|"
        r"make (?:it|this) (?:more )?(?:formal|shorter|polite|friendlier|clearer)|"
        r"draft a (?:reply|response|email))\b",
        r"أعد صياغة|صياغة|ترجم|ترجمة|صحح|اختصر",
    )),
]  # fmt: skip

# A local draft that says it does not know, or refuses.
_NO_ANSWER = _words(
    r"\b(?:(?:the )?notes do not (?:say|mention|contain)|not (?:mentioned|stated|found) in|"
    r"i (?:do not|don't|cannot|can't) (?:know|find|tell|answer|help)|no information|"
    r"unable to (?:answer|determine|find)|as an ai)\b",
    r"لا أعرف|لا تذكر|لا يوجد|لم أجد|لا أستطيع",
)
_WORD = re.compile(r"\w+", re.UNICODE)


def classify(question: str) -> TaskKind:
    """The task's kind from the user's words (never from retrieved text)."""
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(question):
            return kind
    return "extract"


def needed_tokens(question: str, hits: Sequence[Hit], *, answer_tokens: int = 256) -> int:
    """A generous estimate of the window the task needs: prompt + passages + answer."""
    chars = len(question) + sum(len(h.text) + len(h.heading_path) + 16 for h in hits) + 400
    non_ascii = sum(1 for h in hits for ch in h.text[:2000] if not ch.isascii())
    return int(chars / 3.2 + non_ascii / 4) + answer_tokens


def draft_problem(draft: str, hits: Sequence[Hit]) -> str | None:
    """Why a local draft is not good enough, or None when it answers from the passages."""
    text = draft.strip()
    if not text:
        return "was empty"
    if _NO_ANSWER.search(text):
        return "did not answer"
    words = {w for w in _WORD.findall(text.lower()) if len(w) > 2}
    if not words:
        return "did not answer"
    have = {w for h in hits for w in _WORD.findall(h.text.lower())}
    if hits and len(words & have) / len(words) < 0.2:
        return "cites nothing from your notes"
    return None


def decide(
    settings: Settings,
    *,
    force: Literal["local", "cloud"] | None = None,
    question: str = "",
    hits: Sequence[Hit] = (),
    draft: str | None = None,
    spent_usd: float = 0.0,
    local_window: int = 4096,
    cloud_problem: str | None = None,
) -> Route:
    """Decide one task. ``cloud_problem`` says why no cloud engine can run (no key…);
    ``draft`` is the local model's answer when it was asked first."""
    if force == "local":
        return Route("local", "you asked to keep this question local", "override")
    if settings.offline:
        return Route("local", "the offline switch is on", "offline")
    if not settings.cloud_escalation:
        if force == "cloud":
            return Route(
                "local",
                "cloud escalation is off (turn it on with `fanous cloud on` to ask the cloud)",
                "off",
            )
        return Route("local", "cloud escalation is off", "off")
    task = classify(question) if question else ""
    if hits and all(is_never_send(h, settings.never_send_sources) for h in hits):
        return Route("local", "the passages it needs are marked never-send", "never-send", task)
    budget = settings.monthly_budget_usd
    if spent_usd >= budget:
        return Route(
            "local",
            f"this month's cloud budget is used up (${spent_usd:.2f} of ${budget:.2f})",
            "budget",
            task,
        )
    if cloud_problem:
        return Route("local", f"cloud escalation is on, but {cloud_problem}", "not-ready", task)
    if force == "cloud":
        return Route("cloud", "you asked for the cloud", "override", task)
    if task in HARD_KINDS:
        label = "reasoning/planning" if task == "reason" else "code"
        return Route("cloud", f"a {label} task: beyond the local model", "task", task)
    # From here on the signals depend on retrieved text: a passage that talks to the
    # model must not be able to earn an escalation.
    if any(looks_like_instructions(h.text) for h in hits):
        return Route(
            "local",
            "a passage contains instructions to the model; kept local",
            "injection",
            task,
        )
    need = needed_tokens(question, hits, answer_tokens=settings.max_answer_tokens)
    if need > local_window * WINDOW_SHARE:
        return Route(
            "cloud",
            f"needs ~{need} tokens of context; the local model holds {local_window}",
            "context",
            task,
        )
    if draft is not None:
        problem = draft_problem(draft, hits)
        if problem:
            return Route("cloud", f"the local draft {problem}", "draft", task)
        return Route("local", f"the local draft answers from your notes ({task})", "draft", task)
    return Route("local", f"a {task or 'simple'} task the local model handles", "task", task, True)
