"""Streamed answers, made safe piece by piece: placeholders restored and markdown that
would fetch something neutralised, without ever splitting a construct in two."""

from __future__ import annotations

import re
from collections.abc import Callable

from agent.privacy.injection import neutralise

__all__ = ["AnswerFilter"]

# An unfinished placeholder, link, image or HTML tag at the end of the buffer.
_OPEN_TAIL = re.compile(
    r"(?:!?\[[^\]\n]{0,200}(?:\](?:\([^)\n]{0,500})?)?|<[^>\n]{0,300}|!|\b[A-Z]{2,7}_?\d{0,3})$"
)
_HOLD_LIMIT = 800


class AnswerFilter:
    """Feed raw chunks; get back text that is safe to show. ``restore`` maps placeholders
    back to real values (identity for local answers)."""

    def __init__(self, restore: Callable[[str], str] = lambda s: s) -> None:
        self._restore = restore
        self._pending = ""

    def _clean(self, text: str) -> str:
        return neutralise(self._restore(text))

    def feed(self, chunk: str) -> str:
        self._pending += chunk
        m = _OPEN_TAIL.search(self._pending)
        cut = m.start() if m and len(self._pending) - m.start() < _HOLD_LIMIT else None
        if cut is None:
            ready, self._pending = self._pending, ""
        else:
            ready, self._pending = self._pending[:cut], self._pending[cut:]
        return self._clean(ready) if ready else ""

    def flush(self) -> str:
        ready, self._pending = self._pending, ""
        return self._clean(ready) if ready else ""
