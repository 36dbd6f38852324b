"""Local or cloud, decided per task from signals that can be tested, with the reason shown.

With cloud escalation off (or the offline switch on) every task is local, always. With it
on, in this order: the user's per-message override, never-send sources, the monthly
budget, whether a cloud engine is ready — hard rules, never weighed — then the task
itself. Its signals add up to a score in [0, 1] (``score``): the task's kind (reasoning
and code gain most from a large model), the share of the local model's window its
context fills (a jump when it does not fit), and the local draft (one that does not
answer or cites nothing). The task escalates when the score reaches
``settings.escalation_threshold``: lower sends more to the cloud, higher keeps more local.
The default (0.5) escalates reasoning and code, and easy tasks only when their context
overflows the window or their draft fails.

Only the user's own words, settings and consent can send a task to the cloud; retrieved
text can make a route more local, never less. The signals it could steer — context size
and the local draft (a note can tell the model to say "I don't know") — never send
anything by themselves: a route they decide asks the user first (``Route.asks_user``;
with no one to ask it stays local). And when a passage talks to the model
(``reads_as_instructions``: by its words or its meaning, in any language) they count for
nothing and only the question is scored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from agent.config import Settings
from agent.index.search import Hit
from agent.privacy.injection import reads_as_instructions
from agent.privacy.minimise import is_never_send

__all__ = [
    "CONTENT_SIGNALS",
    "DEFAULT_THRESHOLD",
    "KIND_SCORE",
    "TASK_KINDS",
    "Route",
    "Score",
    "classify",
    "decide",
    "draft_problem",
    "needed_tokens",
    "score",
]

TaskKind = Literal["summarise", "extract", "rewrite", "reason", "code"]
TASK_KINDS: tuple[TaskKind, ...] = ("summarise", "extract", "rewrite", "reason", "code")
HARD_KINDS = frozenset({"reason", "code"})
# Leave room in the window for the system prompt and the answer.
WINDOW_SHARE = 0.75
DEFAULT_THRESHOLD = 0.5  # Settings.escalation_threshold's default
# The score's parts. With the default threshold: a hard kind alone escalates; an easy one
# (at most 0.3 + 0.15 for a full window) only with an overflowing window or a failed draft.
KIND_SCORE: dict[str, float] = {
    "code": 0.7, "reason": 0.6, "summarise": 0.3, "rewrite": 0.2, "extract": 0.1,
}  # fmt: skip
CONTEXT_SCORE = 0.15  # times the share of the usable window the context fills (up to 1)
OVERFLOW_SCORE = 0.4  # the passages do not fit the local window at all
DRAFT_SCORE: dict[str, float] = {
    "was empty": 0.5, "did not answer": 0.5, "cites nothing from your notes": 0.45,
}  # fmt: skip
# Signals that retrieved text can steer: a cloud route they decide needs the user's OK.
CONTENT_SIGNALS = frozenset({"context", "draft"})
_LABEL = {"reason": "reasoning/planning", "code": "code", "summarise": "summary",
          "rewrite": "rewrite", "extract": "look-up", "": "simple"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Route:
    kind: Literal["local", "cloud"]
    reason: str
    signal: str = "default"  # which signal decided: off, offline, override, budget, ...
    task: str = ""  # the task kind, when it was looked at
    draft_first: bool = False  # local, but a weak draft may still escalate
    score: float | None = None  # the task's score, when the task itself decided

    @property
    def asks_user(self) -> bool:
        """A cloud route that retrieved text could have caused: sent only if the user
        agrees, after seeing what would leave."""
        return self.kind == "cloud" and self.signal in CONTENT_SIGNALS

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "kind": self.kind, "reason": self.reason, "signal": self.signal, "task": self.task,
        }  # fmt: skip
        if self.asks_user:
            out["asks_user"] = True
        if self.score is not None:
            out["score"] = round(self.score, 3)
        return out


@dataclass(frozen=True, slots=True)
class Score:
    """A task's score and its parts; ``total`` is what meets the threshold."""

    kind: float = 0.0
    context: float = 0.0
    overflow: float = 0.0
    draft: float = 0.0

    @property
    def total(self) -> float:
        return min(1.0, self.kind + self.context + self.overflow + self.draft)


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(alternatives), re.IGNORECASE)


_KIND_PATTERNS: list[tuple[TaskKind, re.Pattern[str]]] = [
    # "Code" alone is as often a door, gate or discount code, a look-up in the notes: it
    # means programming only beside a word that says so.
    ("code", _words(
        r"```", r"\b(?:function|script|regex|regexp|sql|python|javascript|typescript|"
        r"bash|shell|bug|debug|compile|stack ?trace|refactor|unit tests?|algorithm|"
        r"source code|code (?:snippets?|blocks?|reviews?|samples?)|"
        r"(?:write|fix|explain|review|run|format|this|that|my|some) code)\b",
        r"برمج|دالة|سكربت|خوارزمية|(?:اكتب|صحح|اشرح) (?:ال)?كود|كود برمجي",
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
    r"\b(?:(?:the |your )?notes (?:do not|don't) (?:say|mention|contain|answer)|"
    r"not (?:mentioned|stated|found) in|"
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


def score(
    question: str,
    hits: Sequence[Hit] = (),
    *,
    draft: str | None = None,
    local_window: int = 4096,
    answer_tokens: int = 256,
) -> Score:
    """How much the task stands to gain from the cloud. Passages that talk to the model
    (``reads_as_instructions``) zero every part they could steer: only the question
    counts then."""
    task = classify(question) if question else ""
    kind = KIND_SCORE.get(task, KIND_SCORE["extract"])  # no question: the plainest kind
    if any(reads_as_instructions(h.text) for h in hits):
        return Score(kind)
    fill = needed_tokens(question, hits, answer_tokens=answer_tokens) / (
        max(1, local_window) * WINDOW_SHARE
    )
    problem = draft_problem(draft, hits) if draft is not None else None
    return Score(
        kind,
        CONTEXT_SCORE * min(fill, 1.0),
        OVERFLOW_SCORE if fill > 1.0 else 0.0,
        DRAFT_SCORE.get(problem, 0.0) if problem else 0.0,
    )


def _threshold(settings: Settings) -> float:
    t = settings.escalation_threshold
    return min(1.0, max(0.0, t)) if t == t else DEFAULT_THRESHOLD  # NaN: the default


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
    threshold = _threshold(settings)
    hostile = any(reads_as_instructions(h.text) for h in hits)
    sc = score(question, hits, draft=draft, local_window=local_window,
               answer_tokens=settings.max_answer_tokens)  # fmt: skip
    total = sc.total
    if total >= threshold:
        # Name the first signal, in the order task, context, draft, whose running sum
        # reaches the threshold. The score is in the route; reasons read as before.
        if sc.kind + sc.context < threshold <= sc.kind + sc.context + sc.overflow:
            need = needed_tokens(question, hits, answer_tokens=settings.max_answer_tokens)
            return Route(
                "cloud",
                f"needs ~{need} tokens of context; the local model holds {local_window}",
                "context",
                task,
                score=total,
            )
        if sc.kind + sc.context + sc.overflow < threshold:
            problem = draft_problem(draft or "", hits)
            return Route("cloud", f"the local draft {problem}", "draft", task, score=total)
        if task in HARD_KINDS:
            why = "beyond the local model"
        else:
            why = f"sent at your escalation threshold {threshold:.2f} (score {total:.2f})"
        return Route("cloud", f"a {_LABEL[task]} task: {why}", "task", task, score=total)
    if hostile:
        # A passage that talks to the model must not be able to earn an escalation.
        return Route(
            "local",
            "a passage contains instructions to the model; kept local",
            "injection",
            task,
            score=total,
        )
    if draft is not None:
        problem = draft_problem(draft, hits)
        if problem:
            reason = (
                f"the local draft {problem}, but your escalation threshold {threshold:.2f} "
                f"keeps it local (score {total:.2f})"
            )
        else:
            reason = f"the local draft answers from your notes ({task})"
        return Route("local", reason, "draft", task, score=total)
    # A failed draft could still tip it: answer locally first, then look at the draft.
    could = min(1.0, total + max(DRAFT_SCORE.values())) >= threshold
    reason = f"a {task or 'simple'} task the local model handles"
    if task in HARD_KINDS:
        reason = (
            f"a {_LABEL[task]} task, kept local by your escalation threshold {threshold:.2f} "
            f"(score {total:.2f})"
        )
    return Route("local", reason, "task", task, could, score=total)
