"""The keyword index's normal form: one regex and one translation table give exactly
what the per-word Python code before them gave (the index must not change)."""

from __future__ import annotations

import random
import re

from agent.normalize import normalize_arabic

# The implementation before 2026-12 (a Python function per Arabic word), kept as the
# reference the faster one must match.
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_FOLD = str.maketrans(
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
    }
)
_WORD = re.compile("[\u0621-\u064a]+")
_ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")


def _strip_article(match: re.Match[str]) -> str:
    word = match.group(0)
    for prefix in _ARTICLES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return word[len(prefix) :]
    return word


def reference(text: str) -> str:
    return _WORD.sub(_strip_article, _MARKS.sub("", text).translate(_FOLD))


def test_known_forms() -> None:
    assert normalize_arabic("العَبّارة") == "عباره"
    assert normalize_arabic("والكتاب للبيت بالقطار كالأسد فالمدرسة") == "كتاب بيت قطار اسد مدرسه"
    # Too short once stripped: kept whole.
    assert normalize_arabic("والد الي") == "والد الي"
    assert normalize_arabic("٢٠٢٤ ۱۲") == "2024 12"
    assert normalize_arabic("جمـــيل") == "جميل"


def test_same_as_the_per_word_reference_on_random_text() -> None:
    rng = random.Random(5)
    letters = [chr(c) for c in range(0x0621, 0x064B)]
    marks = [chr(c) for c in (0x064B, 0x064E, 0x0650, 0x0651, 0x0652, 0x0670, 0x0640, 0x06D6)]
    other = [" ", " ", ".", "،", "a", "7", "٣", "۵", "\n", "ـ", "-"]
    prefixes = ["ال", "وال", "بال", "كال", "فال", "لل", "أ", "إ", "آ", "ٱ"]
    for _ in range(3000):
        parts = []
        for _ in range(rng.randint(1, 12)):
            roll = rng.random()
            if roll < 0.3:
                parts.append(rng.choice(prefixes))
            elif roll < 0.75:
                parts.append("".join(rng.choices(letters, k=rng.randint(1, 6))))
            elif roll < 0.9:
                parts.append(rng.choice(marks))
            else:
                parts.append(rng.choice(other))
        text = "".join(parts)
        assert normalize_arabic(text) == reference(text), text


def test_same_on_the_quality_corpus() -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "bench" / "retrieval_quality"))
    import arabic

    for title, facts in arabic.NOTES.values():
        for text in [title, *(f for fact in facts for f in fact)]:
            assert normalize_arabic(text) == reference(text)
