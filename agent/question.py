"""What the user asks or searches for, checked before any work starts: an empty question
is an error (no model runs), control characters go, and a question longer than the model
can read is cut to what it can, with a note saying so."""

from __future__ import annotations

import re
from dataclasses import dataclass

from contracts.errors import InputError

__all__ = ["MAX_QUERY_CHARS", "Checked", "check_query", "check_question", "question_budget"]

# A search query past this is a pasted document, not a query: the embedding model reads
# 512 tokens (about 2,000 characters of English), and BM25 over thousands of words ranks
# nearly every passage.
MAX_QUERY_CHARS = 2_000
# The same estimate as agent.engines.ollama.estimate_tokens: ~3 ASCII characters or ~2
# others a token, so a cut question is one the engine's own count agrees fits.
_ASCII_PER_TOKEN, _OTHER_PER_TOKEN = 3, 2
_PROMPT_TOKENS = 200  # the instructions and the framing of the passages
_PASSAGE_TOKENS = 800 // _ASCII_PER_TOKEN + 8  # one passage (chunking.MAX_CHARS) framed
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_WORD = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class Checked:
    text: str
    note: str | None = None  # why the text differs from what was typed (it was cut)


def _clean(text: str, what: str, example: str) -> str:
    text = _CONTROL.sub(" ", text).strip()
    if not text:
        raise InputError(f"The {what} is empty", fix=f"type one, e.g. {example}")
    if not _WORD.search(text):
        raise InputError(f"The {what} {text!r} has no words", fix=f"type one, e.g. {example}")
    return text


def _cut(text: str, tokens: int) -> str:
    """The longest start of ``text`` whose estimated tokens fit ``tokens``, at a word
    boundary when one is near."""
    budget, end = tokens * _ASCII_PER_TOKEN * _OTHER_PER_TOKEN, 0
    for end, ch in enumerate(text):  # noqa: B007 - ``end`` is the answer
        budget -= _OTHER_PER_TOKEN if ch.isascii() else _ASCII_PER_TOKEN
        if budget < 0:
            break
    else:
        return text
    space = text.rfind(" ", 0, end)
    return text[: space if space > end * 0.9 else end].rstrip()


def question_budget(window: int, *, passages: int, answer_tokens: int) -> int:
    """Tokens a question may take in a ``window``-token model beside its passages and the
    answer (at least a quarter of the window, however many passages are asked for)."""
    rest = window - answer_tokens - passages * _PASSAGE_TOKENS - _PROMPT_TOKENS
    return max(rest, window // 4)


def check_question(text: str, *, max_tokens: int | None = None) -> Checked:
    """The question to ask: raises ``InputError`` when there is nothing to ask; cut to
    ``max_tokens`` (see ``question_budget``) when longer."""
    text = _clean(text, "question", '"When does the ferry leave?"')
    cut = text if max_tokens is None else _cut(text, max_tokens)
    if cut == text:
        return Checked(text)
    return Checked(
        cut,
        f"the question is {len(text):,} characters, more than the model reads beside its "
        f"passages: only its first {len(cut):,} are asked",
    )


def check_query(text: str, *, max_chars: int = MAX_QUERY_CHARS) -> Checked:
    """The search query to run: raises ``InputError`` when empty; cut to ``max_chars``."""
    text = _clean(text, "search query", '"ferry ticket"')
    if len(text) <= max_chars:
        return Checked(text)
    space = text.rfind(" ", 0, max_chars)
    cut = text[: space if space > max_chars * 0.9 else max_chars].rstrip()
    return Checked(
        cut,
        f"the query is {len(text):,} characters; only its first {len(cut):,} are searched "
        "(what the embedding model reads)",
    )
