"""Text as the keyword index sees it: Arabic folded to one spelling, CJK cut into bigrams.

SQLite's ``unicode61`` tokenizer folds Latin accents but keeps Arabic marks (so ``العَبّارة``
never matches ``العبارة``) and reads a run of Han or kana as one token (so ``東京`` never
matches inside ``東京都``). Both the indexed text and the query go through ``normalize``,
so they meet in the same form; the original text is kept for display and citations.
"""

from __future__ import annotations

import re

__all__ = ["cjk_runs", "normalize", "normalize_arabic"]

# Harakat, Quranic marks, dagger alef, tatweel: spelling aids, not letters.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
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
        # Arabic-Indic and Persian digits read as the digits people also type.
        **{chr(0x0660 + n): str(n) for n in range(10)},
        **{chr(0x06F0 + n): str(n) for n in range(10)},
    }
)
_ARABIC_ANY = re.compile("[\u0600-\u06ff]")
_ARABIC_WORD = re.compile("[\u0621-\u064a]+")
# The article and the particles glued to it; stripped so "العبارة" meets "عبارة".
_ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")
# Han, Hiragana, Katakana, Hangul syllables, CJK compatibility ideographs.
_CJK_RUN = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u31f0-\u31ff]+"
)


def _strip_article(match: re.Match[str]) -> str:
    word = match.group(0)
    for prefix in _ARTICLES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return word[len(prefix) :]
    return word


def normalize_arabic(text: str) -> str:
    """Drop diacritics and tatweel, unify alef/yeh/taa marbuta forms, strip the article."""
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_FOLD)
    return _ARABIC_WORD.sub(_strip_article, text)


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
    if _ARABIC_ANY.search(text):
        text = normalize_arabic(text)
    if _CJK_RUN.search(text):
        text = _CJK_RUN.sub(lambda m: f" {_bigrams(m.group(0))} ", text)
    return text
