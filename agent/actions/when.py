"""Dates, times and places in a note or a mail, in English and Arabic, for reminders.

Deterministic patterns, not a model: "5 March 2024", "March 5", "2024-03-05", "05/03/2024"
(day first), "today", "tomorrow", "next Tuesday", "in 3 days", "7:40", "9 am", "noon";
"٥ مارس", "١٠ آذار", "غداً", "يوم الثلاثاء القادم", "الساعة ٨", "الساعة الثامنة صباحاً",
"والنصف"; Arabic-Indic and Eastern Arabic digits. A time with no date is the next time
it comes round; a weekday is its next occurrence. Places are the phrases after "at",
"in", "from" (a name or a place word: "pier 3", "room Cedar") and Arabic place words
("محطة رمسيس"). Each moment keeps the sentence it was found in.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["Moment", "find_moments", "local_zone"]

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

_EN_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12, "january": 1, "february": 2,
    "march": 3, "april": 4, "june": 6, "july": 7, "august": 8, "september": 9,
    "october": 10, "november": 11, "december": 12,
}  # fmt: skip
_AR_MONTHS = {
    "يناير": 1, "كانون الثاني": 1, "فبراير": 2, "شباط": 2, "مارس": 3, "آذار": 3,
    "اذار": 3, "أبريل": 4, "ابريل": 4, "إبريل": 4, "نيسان": 4, "مايو": 5, "أيار": 5,
    "ايار": 5, "يونيو": 6, "يونيه": 6, "حزيران": 6, "يوليو": 7, "يوليه": 7, "تموز": 7,
    "أغسطس": 8, "اغسطس": 8, "آب": 8, "سبتمبر": 9, "أيلول": 9, "ايلول": 9, "أكتوبر": 10,
    "اكتوبر": 10, "تشرين الأول": 10, "تشرين الاول": 10, "نوفمبر": 11, "تشرين الثاني": 11,
    "ديسمبر": 12, "كانون الأول": 12, "كانون الاول": 12,
}  # fmt: skip
_EN_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_AR_DAYS = {
    "الاثنين": 0, "الإثنين": 0, "الثلاثاء": 1, "الأربعاء": 2, "الاربعاء": 2, "الخميس": 3,
    "الجمعة": 4, "السبت": 5, "الأحد": 6, "الاحد": 6,
}  # fmt: skip
_AR_HOURS = {
    "الواحدة": 1, "الثانية": 2, "الثالثة": 3, "الرابعة": 4, "الخامسة": 5, "السادسة": 6,
    "السابعة": 7, "الثامنة": 8, "التاسعة": 9, "العاشرة": 10, "الحادية عشرة": 11,
    "الحادية عشر": 11, "الثانية عشرة": 12, "الثانية عشر": 12,
}  # fmt: skip


def _alt(words: Iterable[str]) -> str:
    """A regex alternation, longest first (so "tomorrow" wins over "to")."""
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_I = re.IGNORECASE
_ORD = r"(?:st|nd|rd|th)?"
_MON = _alt(_EN_MONTHS)
_AMON = _alt(_AR_MONTHS)
_DATES = [
    ("iso", re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")),
    ("dmy", re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b")),
    ("d_mon", re.compile(rf"\b(\d{{1,2}}){_ORD}\s+(?:of\s+)?({_MON})\.?(?:,?\s+(\d{{4}}))?\b", _I)),
    ("mon_d", re.compile(rf"\b({_MON})\.?\s+(\d{{1,2}}){_ORD}\b(?:,?\s+(\d{{4}}))?", _I)),
    ("ar_d_mon", re.compile(
        rf"(\d{{1,2}})\s+(?:من\s+)?(?:شهر\s+)?({_AMON})(?:\s+(?:عام\s+|سنة\s+)?(\d{{4}}))?"
    )),
    ("rel", re.compile(r"\b(the day after tomorrow|tomorrow|today|tonight)\b", _I)),
    ("ar_rel", re.compile(r"(بعد\s+الغد|بعد\s+غد|غداً|غدا|بكرة|اليوم|الليلة)")),
    ("in_n", re.compile(r"\bin\s+(\d{1,3})\s+(days?|weeks?)\b", _I)),
    ("day", re.compile(rf"\b(?:(next|this|on)\s+)?({_alt(_EN_DAYS)})\b", _I)),
    ("ar_day", re.compile(rf"(?:يوم\s+)?({_alt(_AR_DAYS)})(?:\s+(القادم|المقبل))?")),
]  # fmt: skip
_AMPM = r"(a\.?m\.?|p\.?m\.?)"
_AR_PERIOD = r"(صباحاً|صباحا|الصبح|ظهراً|ظهرا|بعد الظهر|عصراً|عصرا|مساءً|مساء|ليلاً|ليلا)"
_FRACTION = r"(?:\s+(والنصف|والربع|إلا ربعاً|إلا ربع|الا ربع|إلا الربع))?"
_TIMES = [
    ("hm", re.compile(rf"\b(\d{{1,2}}):(\d{{2}})(?:\s*{_AMPM}(?!\w))?", _I)),
    ("h_ampm", re.compile(rf"\b(\d{{1,2}})\s*{_AMPM}(?!\w)", _I)),
    ("oclock", re.compile(r"\b(\d{1,2})\s*o['’]clock\b", _I)),
    ("noon", re.compile(r"\b(noon|midday|midnight)\b", _I)),
    ("ar_h", re.compile(rf"الساعة\s+(\d{{1,2}})(?::(\d{{2}}))?{_FRACTION}(?:\s+{_AR_PERIOD})?")),
    ("ar_word", re.compile(rf"الساعة\s+({_alt(_AR_HOURS)})(){_FRACTION}(?:\s+{_AR_PERIOD})?")),
]  # fmt: skip
_PLACE_WORDS = (
    "pier|room|gate|platform|terminal|station|hall|floor|building|office|dock|track|"
    "suite|studio|clinic|hospital|airport|port"
)
_EN_PLACE = re.compile(
    rf"\b(?:at|in|from|near)\s+(?:the\s+)?((?:[A-Z][\w'’.-]*|(?:{_PLACE_WORDS})\b)"
    r"(?:\s+(?:[A-Z0-9][\w'’.-]*|of|de|del|la|le))*)"
)
_AR_PLACE = re.compile(
    r"(?:في|من|عند|إلى|الى)\s+((?:محطة|مطعم|مكتب|قاعة|مبنى|فندق|مستشفى|عيادة|مطار|ميناء|"
    r"غرفة|شارع|جامعة|مدرسة|مسجد|كنيسة|مقهى|سوق|رصيف|بوابة)\s+[^\s،,.؟!]+"
    r"(?:\s+(?!(?:في|من|عند|إلى|الى|على|الساعة|يوم)\b)[^\s،,.؟!]+)?)"
)
_SENTENCE_END = re.compile(r"[.!?؟\n]+")
_TIME_WORDS = re.compile(rf"^(?:{_MON}|{_alt(_EN_DAYS)}|noon|midnight|\d)", _I)


@dataclass(frozen=True, slots=True)
class Moment:
    """One date and/or time found in a text."""

    start: datetime | date  # an aware datetime when a time was found, else a date
    phrase: str  # the words it was read from
    span: tuple[int, int]
    sentence: str  # the sentence it is in
    place: str = ""

    @property
    def has_time(self) -> bool:
        return isinstance(self.start, datetime)


def local_zone(name: str = "") -> tzinfo:
    """The time zone reminders are written in: ``name`` (a setting), else ``$TZ``, else the
    system's (``/etc/localtime``), else the current UTC offset."""
    for candidate in (name, os.environ.get("TZ", "").lstrip(":")):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    try:
        link = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in link:
            return ZoneInfo(link.split("zoneinfo/", 1)[1])
    except (OSError, ZoneInfoNotFoundError, ValueError):
        pass
    return datetime.now().astimezone().tzinfo or ZoneInfo("UTC")


def _year(value: str | None, today: date) -> int | None:
    if not value:
        return None
    y = int(value)
    return y + 2000 if y < 100 else y


def _future(month: int, day: int, year: int | None, today: date) -> date | None:
    try:
        found = date(year or today.year, month, day)
        if year is None and found < today:
            found = date(today.year + 1, month, day)
    except ValueError:
        return None
    return found


def _date(kind: str, m: re.Match[str], today: date) -> date | None:
    g = m.groups()
    if kind == "iso":
        return _future(int(g[1]), int(g[2]), int(g[0]), today)
    if kind == "dmy":
        return _future(int(g[1]), int(g[0]), _year(g[2], today), today)
    if kind == "d_mon":
        return _future(_EN_MONTHS[g[1].lower()], int(g[0]), _year(g[2], today), today)
    if kind == "mon_d":
        return _future(_EN_MONTHS[g[0].lower()], int(g[1]), _year(g[2], today), today)
    if kind == "ar_d_mon":
        month = _AR_MONTHS[" ".join(g[1].split())]
        return _future(month, int(g[0]), _year(g[2], today), today)
    if kind in ("rel", "ar_rel"):
        word = " ".join(g[0].lower().split())
        if word in ("today", "tonight", "اليوم", "الليلة"):
            return today
        if word in ("tomorrow", "غدا", "غداً", "بكرة"):
            return today + timedelta(days=1)
        return today + timedelta(days=2)
    if kind == "in_n":
        n = int(g[0])
        return today + timedelta(days=n * 7 if g[1].lower().startswith("week") else n)
    weekday = _EN_DAYS.index(g[1].lower()) if kind == "day" else _AR_DAYS[g[0]]
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and ((g[0] or "").lower() == "next" or (kind == "ar_day" and g[1])):
        ahead = 7
    return today + timedelta(days=ahead)


def _hour(hour: int, minute: int, period: str | None) -> time | None:
    p = (period or "").lower().replace(".", "")
    if p in ("pm", "ظهرا", "ظهراً", "بعد الظهر", "عصرا", "عصراً", "مساء", "مساءً", "ليلا", "ليلاً"):
        if hour < 12:
            hour += 12
    elif p in ("am", "صباحا", "صباحاً", "الصبح") and hour == 12:
        hour = 0
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def _time(kind: str, m: re.Match[str]) -> time | None:
    g = m.groups()
    if kind == "hm":
        return _hour(int(g[0]), int(g[1]), g[2])
    if kind == "h_ampm":
        return _hour(int(g[0]), 0, g[1])
    if kind == "oclock":
        return _hour(int(g[0]), 0, None)
    if kind == "noon":
        return time(0, 0) if g[0].lower() == "midnight" else time(12, 0)
    # Arabic: an hour (digits or a word), minutes, a fraction, a part of the day.
    hour = int(g[0]) if g[0].isdigit() else _AR_HOURS[" ".join(g[0].split())]
    minute = int(g[1]) if g[1] else 0
    if g[2] in ("والنصف", "والربع"):
        minute += 30 if g[2] == "والنصف" else 15
    elif g[2]:  # "إلا ربع": a quarter to
        hour, minute = hour - 1, 45
    return _hour(hour, minute, g[3])


def _sentence(text: str, at: int) -> tuple[int, int]:
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.end() <= at:
            start = m.end()
        elif m.start() >= at:
            return start, m.start()
    return start, len(text)


def _places(sentence: str) -> str:
    found = [m.group(1).strip() for m in _EN_PLACE.finditer(sentence)]
    found = [p for p in found if not _TIME_WORDS.match(p)]
    found += [m.group(1).strip() for m in _AR_PLACE.finditer(sentence)]
    return ", ".join(dict.fromkeys(found[:2]))


def _matches(
    patterns: list[tuple[str, re.Pattern[str]]], text: str
) -> list[tuple[int, int, str, re.Match[str]]]:
    """Every match, longest first where two overlap."""
    found = [(m.start(), m.end(), kind, m) for kind, rx in patterns for m in rx.finditer(text)]
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept: list[tuple[int, int, str, re.Match[str]]] = []
    for item in found:
        if kept and item[0] < kept[-1][1]:
            continue
        kept.append(item)
    return kept


def find_moments(text: str, now: datetime) -> list[Moment]:
    """Every date or time in ``text``, in order; ``now`` (aware) fixes "tomorrow" and
    the zone of the times found."""
    plain = text.translate(_DIGITS)  # same length: spans stay valid for ``text``
    today = now.date()
    dates = [
        (s, e, d, kind in ("day", "ar_day"))
        for s, e, kind, m in _matches(_DATES, plain)
        if (d := _date(kind, m, today))
    ]
    times = [(s, e, t) for s, e, kind, m in _matches(_TIMES, plain) if (t := _time(kind, m))]
    moments: list[Moment] = []
    used: set[int] = set()
    for s, e, day, weekday in dates:
        lo, hi = _sentence(text, s)
        near = sorted(
            (min(abs(ts - e), abs(s - te)), i, ts, te, t)
            for i, (ts, te, t) in enumerate(times)
            if i not in used and lo <= ts < hi and min(abs(ts - e), abs(s - te)) < 60
        )
        start: datetime | date = day
        span = (s, e)
        if near:
            _, i, ts, te, t = near[0]
            used.add(i)
            start = datetime.combine(day, t, tzinfo=now.tzinfo)
            if weekday and start <= now:  # "Thursday at 8" said on Thursday evening
                start += timedelta(days=7)
            span = (min(s, ts), max(e, te))
        moments.append(_moment(text, start, span, lo, hi))
    for i, (s, e, t) in enumerate(times):
        if i in used:
            continue
        lo, hi = _sentence(text, s)
        when = datetime.combine(today, t, tzinfo=now.tzinfo)
        if when <= now:
            when += timedelta(days=1)
        moments.append(_moment(text, when, (s, e), lo, hi))
    return sorted(moments, key=lambda m: m.span)


def _moment(text: str, start: datetime | date, span: tuple[int, int], lo: int, hi: int) -> Moment:
    sentence = " ".join(text[lo:hi].split())
    return Moment(start, text[span[0] : span[1]], span, sentence, _places(text[lo:hi]))
