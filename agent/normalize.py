"""Text as the keyword index sees it: Arabic folded to one spelling, CJK cut into bigrams.

SQLite's ``unicode61`` tokenizer folds Latin accents but keeps Arabic marks (so ``العَبّارة``
never matches ``العبارة``) and reads a run of Han or kana as one token (so ``東京`` never
matches inside ``東京都``). Both the indexed text and the query go through ``normalize``,
so they meet in the same form; the original text is kept for display and citations.
"""

from __future__ import annotations

import re

__all__ = ["cjk_runs", "normalize", "normalize_arabic"]

# One table does it all: harakat, Quranic marks, dagger alef and tatweel (spelling aids,
# not letters) are dropped; alef, yeh and taa marbuta forms unified; Arabic-Indic and
# Persian digits read as the digits people also type.
_ARABIC_MARKS = [*range(0x0610, 0x061B), *range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE)]
_TATWEEL = 0x0640
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
        **{chr(0x0660 + n): str(n) for n in range(10)},
        **{chr(0x06F0 + n): str(n) for n in range(10)},
        **dict.fromkeys(map(chr, [*_ARABIC_MARKS, _TATWEEL])),
    }
)
_ARABIC_ANY = re.compile("[\u0600-\u06ff]")
# The article and the particles glued to it, stripped so "العبارة" meets "عبارة": at the
# start of a word, when at least three letters remain. One pattern for every word (no
# Python per word); the alternatives are tried in this order, so "وال" wins over "ال".
_ARTICLE = re.compile("(?<![\u0621-\u064a])(?:وال|بال|كال|فال|لل|ال)(?=[\u0621-\u064a]{3})")
# Han, Hiragana, Katakana, Hangul syllables, CJK compatibility ideographs.
_CJK_RUN = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u31f0-\u31ff]+"
)


def normalize_arabic(text: str) -> str:
    """Drop diacritics and tatweel, unify alef/yeh/taa marbuta forms, strip the article."""
    return _ARTICLE.sub("", text.translate(_ARABIC_FOLD))


def _bigrams(run: str) -> str:
    if len(run) == 1:
        return run
    return " ".join(run[i : i + 2] for i in range(len(run) - 1))


def cjk_runs(text: str) -> list[str]:
    """The runs of CJK characters in ``text``, in order."""
    return _CJK_RUN.findall(text)


def normalize(text: str) -> str:
    """The searchable form of ``text``: used for indexed chunks and for queries alike.

    A CJK run becomes its overlapping bigrams (``東京都`` → ``東京 京都``), so any two or
    more characters of it can be found as a phrase."""
    if text.isascii():  # most passages: neither scan below can match
        return text
    if _ARABIC_ANY.search(text):
        text = normalize_arabic(text)
    if _CJK_RUN.search(text):
        text = _CJK_RUN.sub(lambda m: f" {_bigrams(m.group(0))} ", text)
    return text
