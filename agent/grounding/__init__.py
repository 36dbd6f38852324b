"""An answer is a claim with its evidence.

After retrieval (and after the engine streams, when it does) this package decides what
the user is shown and how far the notes back it — from the passages the engine was
given, never from the model's own citations:

- ``quoted``: the answer is the sentence of a passage that answers the question
  (extractive: no generation, or a generated answer that failed the check);
- ``supported``: a generated answer whose every fact is in the passages;
- ``unsupported``: a generated answer stated something the passages do not hold; it is
  never shown as fact — the quote (or "not found") is shown instead, saying so;
- ``not_found``: no passage answers the question, and the answer says so.

The window, the CLI and ``--json`` only display the ``Grounding``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from agent.grounding.extract import Candidate, Extract, extract
from agent.grounding.support import Support, check
from agent.grounding.units import Unit
from agent.index.hits import Hit

__all__ = [
    "NOT_ANSWERED",
    "Extract",
    "Grounding",
    "Support",
    "check",
    "extract",
    "judge",
    "not_found",
    "quoted",
]

Verdict = Literal["quoted", "supported", "unsupported", "not_found"]
Shown = Literal["quote", "answer", "not_found"]

NOT_ANSWERED = "Your notes don't answer that."


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of a note or message that backs the answer (a citation)."""

    chunk_id: int
    uri: str
    path: str | None
    title: str
    heading_path: str
    start: int
    end: int
    text: str

    @classmethod
    def of(cls, unit: Unit) -> Span:
        h = unit.hit
        return cls(h.chunk_id, h.uri, h.path, h.title, h.heading_path, unit.start, unit.end,
                   unit.text)  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        return {
            "uri": self.uri, "path": self.path, "title": self.title,
            "heading_path": self.heading_path, "span": [self.start, self.end], "text": self.text,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class Grounding:
    verdict: Verdict
    shown: Shown
    spans: list[Span] = field(default_factory=list)
    note: str = ""  # what happened, in words, when it is not a plain supported answer
    unsupported: list[str] = field(default_factory=list)  # the facts the notes lack
    generated: str | None = None  # the model's answer, when it was not shown
    confidence: float | None = None  # the extractor's, for quotes and "not found"

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "shown": self.shown,
            "note": self.note,
            "spans": [s.to_json() for s in self.spans],
            "unsupported": self.unsupported,
            "generated": self.generated,
            "confidence": None if self.confidence is None else round(self.confidence, 3),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Grounding:
        spans = [
            Span(0, s["uri"], s.get("path"), s.get("title", ""), s.get("heading_path", ""),
                 s["span"][0], s["span"][1], s.get("text", ""))
            for s in data.get("spans", [])
        ]  # fmt: skip
        return cls(
            data["verdict"], data["shown"], spans, data.get("note", ""),
            list(data.get("unsupported", [])), data.get("generated"), data.get("confidence"),
        )  # fmt: skip

    @property
    def chunk_order(self) -> list[int]:
        """The passages that back what is shown, in order (sources list them first)."""
        seen: list[int] = []
        for s in self.spans:
            if s.chunk_id not in seen:
                seen.append(s.chunk_id)
        return seen


def _quote_text(best: Candidate) -> str:
    return best.unit.text


def quoted(found: Extract, note: str = "") -> tuple[str, Grounding]:
    """The extractive answer: the best unit, quoted with its span."""
    best = found.best
    assert best is not None and found.answerable
    return _quote_text(best), Grounding(
        "quoted", "quote", [Span.of(best.unit)], note, confidence=found.confidence
    )


def not_found(found: Extract | None, note: str = "") -> tuple[str, Grounding]:
    confidence = found.confidence if found is not None and found.best else None
    return NOT_ANSWERED, Grounding("not_found", "not_found", [], note, confidence=confidence)


def judge(
    generated: str, question: str, hits: Sequence[Hit], found: Extract, *, prompt: str = ""
) -> tuple[str, Grounding]:
    """What to show for a generated answer: the answer itself when the passages back
    every fact in it; else the quote, or "not found", saying what happened."""
    best = found.best if found.answerable else None
    answering = [best.unit] if best is not None else []
    support = check(generated, question, hits, prompt=prompt, answering=answering)
    if support.status == "supported":
        spans = [Span.of(u) for u in support.units]
        return generated, Grounding("supported", "answer", spans)
    if support.status == "abstained":
        text, g = not_found(found, "the model found no answer in the passages")
        return text, Grounding("not_found", "not_found", [], g.note, [], generated,
                               g.confidence)  # fmt: skip
    missing = [f.text for f in support.unsupported]
    why = support.why or "the answer was empty"
    if found.answerable:
        text, q = quoted(found)
        note = f"The model's answer was not used ({why}); quoted from your notes instead."
        return text, Grounding("unsupported", "quote", q.spans, note, missing, generated,
                               q.confidence)  # fmt: skip
    text, nf = not_found(found)
    note = f"The model's answer was not used ({why}), and no passage answers the question."
    return text, Grounding("unsupported", "not_found", [], note, missing, generated,
                           nf.confidence)  # fmt: skip
