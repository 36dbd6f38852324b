"""Checkable facts in text: times, dates, amounts, numbers, codes, names, quoted terms.

Each fact has a *key*, the form two spellings of the same fact share ("06:55" and "6.55",
"1,150 €" and "1150 euros", "14 March" and "March 14th", "٠٧٩١" and "0791"), so an
answer's facts can be looked up among its passages' facts. What the question asks for
(a time, an amount, a person…) is read from the question in English and Arabic.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from agent.normalize import normalize

__all__ = [
    "ASKS",
    "Fact",
    "asks_for",
    "content_words",
    "facts",
    "fold",
    "has_kind",
    "negated",
]

FactKind = Literal["time", "date", "number", "code", "name", "quote", "link"]
Asks = Literal[
    "time", "date", "when", "amount", "number", "duration", "person", "place", "code",
    "contact", "yesno", "other",
]  # fmt: skip
ASKS: tuple[str, ...] = Asks.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Fact:
    kind: FactKind
    text: str  # as written
    key: str  # the comparable form
    start: int
    end: int


def fold(text: str) -> str:
    """Lower case, Arabic folded as the index folds it, digits of every script as ASCII,
    typographic dashes and quotes plain."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_PLAIN)
    return normalize(text).lower()


_PLAIN = str.maketrans(
    {
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ",
        "\u202f": " ", "\u066b": ".", "\u066c": ",", "\u060c": ",",
        **{chr(0x0660 + n): str(n) for n in range(10)},
        **{chr(0x06F0 + n): str(n) for n in range(10)},
    }
)  # fmt: skip

# -- numbers written as words ---------------------------------------------------------

_EN_NUMBERS = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
     "ninety": 90, "hundred": 100, "thousand": 1000, "half": 0.5, "dozen": 12}  # fmt: skip
# Arabic cardinals and the ordinals used for hours ("الساعة التاسعة"), folded as ``fold``
# folds them (taa marbuta -> haa, the article stripped where the index strips it).
_AR_NUMBERS = {
    fold(w): n
    for w, n in [
        ("واحد", 1), ("واحدة", 1), ("اثنان", 2), ("اثنين", 2), ("ثلاث", 3), ("ثلاثة", 3),
        ("أربع", 4), ("أربعة", 4), ("خمس", 5), ("خمسة", 5), ("ست", 6), ("ستة", 6),
        ("سبع", 7), ("سبعة", 7), ("ثمان", 8), ("ثمانية", 8), ("تسع", 9), ("تسعة", 9),
        ("عشر", 10), ("عشرة", 10), ("عشرون", 20), ("عشرين", 20), ("ثلاثون", 30),
        ("ثلاثين", 30), ("أربعون", 40), ("أربعين", 40), ("خمسون", 50), ("خمسين", 50),
        ("ستون", 60), ("ستين", 60), ("سبعون", 70), ("سبعين", 70), ("ثمانون", 80),
        ("ثمانين", 80), ("تسعون", 90), ("تسعين", 90), ("مئة", 100), ("مائة", 100),
        ("مئتان", 200), ("مئتين", 200), ("ثلاثمئة", 300), ("أربعمئة", 400),
        ("خمسمئة", 500), ("ستمئة", 600), ("سبعمئة", 700), ("ثمانمئة", 800),
        ("تسعمئة", 900), ("ألف", 1000), ("آلاف", 1000), ("ألفين", 2000), ("نصف", 0.5),
        ("مئتا", 200), ("مئتي", 200), ("مائتان", 200), ("مائتين", 200), ("ألفا", 2000),
        ("ألفان", 2000), ("ثلاثمائة", 300), ("أربعمائة", 400), ("خمسمائة", 500),
        ("ربع", 0.25), ("ثلث", 0.33), ("عشرات", 10), ("مليون", 1000000), ("أسبوعين", 2),
        ("يومين", 2), ("شهرين", 2), ("ساعتين", 2), ("سنتين", 2), ("ليلتين", 2),
        ("الأولى", 1), ("الثانية", 2), ("الثالثة", 3), ("الرابعة", 4), ("الخامسة", 5),
        ("السادسة", 6), ("السابعة", 7), ("الثامنة", 8), ("التاسعة", 9), ("العاشرة", 10),
    ]
}  # fmt: skip

_MONTHS = {
    **{m: n for n, m in enumerate(
        "january february march april may june july august september october november "
        "december".split(), start=1)},
    **{m: n for n, m in enumerate(
        "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)},
    "sept": 9,
    **{fold(m): n for n, m in enumerate(
        "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر".split(),
        start=1)},
    # The Levantine names that are one word (كانون الثاني and the rest would need phrases;
    # آب is also "father").
    **{fold(m): n for n, m in enumerate(
        "شباط آذار نيسان أيار حزيران تموز _ أيلول".split(), start=2) if m != "_"},
    fold("إبريل"): 4, fold("ابريل"): 4, fold("اغسطس"): 8,
}  # fmt: skip
_WEEKDAYS = {
    **{d: n for n, d in enumerate(
        "monday tuesday wednesday thursday friday saturday sunday".split())},
    **{d: n for n, d in enumerate("mon tue wed thu fri sat sun".split())},
    **{fold(d): n for n, d in enumerate(
        "الإثنين الثلاثاء الأربعاء الخميس الجمعة السبت الأحد".split())},
    fold("الاثنين"): 0,
}  # fmt: skip

# -- patterns over folded text ----------------------------------------------------------

_TIME = re.compile(
    r"(?<![\d:.])(\d{1,2})(?:[:.h](\d{2}))?\s*(a\.?m\.?|p\.?m\.?|h\b|uhr\b|o'?clock)"
    r"|(?<![\d:.])(\d{1,2})[:h](\d{2})(?![\d:])"
)
_LINK = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]\"']+[^\s<>()\[\]\"'.,;:!?]")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+([^\W\d_]+)")
_MONTH_DAY = re.compile(r"\b([^\W\d_]+)\s+(\d{1,2})(?:st|nd|rd|th)?\b(?!\s*[:.]\d)")
_NUMERIC_DATE = re.compile(
    r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b|\b(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})\b"
)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])|(?<![\w.])\d+(?=[^\W\d_])")
_CODE = re.compile(r"\b(?=[\w-]*\d)(?=[\w-]*[^\W\d_])[\w]+(?:[-/][\w]+)*\b")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# A quoted term: the quote opens after a space or line start and closes before one.
_QUOTED = re.compile(
    r"(?:^|(?<=[\s(]))[\"«“]([^\s\"«»“”][^\"«»“”\n]{0,78}[^\s\"«»“”])[\"»”](?=$|[\s.,;:!?)؟،])",
    re.MULTILINE,
)
# Where a sentence starts: its first word is capitalised whatever it is.
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n]\s*|[\"“(]\s*)$")
_NAME = re.compile(
    r"\b(?:[A-Z][\w'’-]+|[A-Z]\.)"
    r"(?:\s+(?:(?:al|bin|ibn|abu|de|van|von|da|del)\s+)?(?:[A-Z][\w'’-]+|[A-Z]\.))*"
)

# Words that start sentences or are capitalised for other reasons: never a name.
_NOT_NAMES = frozenset(
    """
    a an and are as at be but by can could did do does for from had has have he her his
    how i if in is it its me my no not of on or our she so that the their then there
    these they this to was we were what when where which who why will with would you your
    yes sure also answer note notes according based however here it's i'm don't
    """.split()
)

_NEGATIONS_EN = re.compile(
    r"\b(?:not|no|never|none|nobody|nothing|neither|nor|cannot|without|isn't|aren't|wasn't|"
    r"weren't|don't|doesn't|didn't|won't|can't|shouldn't|closed|excluded)\b|n't\b"
)
# With the conjunctions written onto the word: "وليس", "فلا".
_NEGATIONS_AR = re.compile(r"(?<!\w)[وف]?(?:لا|ليس|ليست|لم|لن|غير|بدون|دون|مغلق|ممنوع)(?!\w)")


def _number_key(text: str) -> str:
    """Digits with thousands separators dropped: "1,150" and "1150" meet; "2.3" stays."""
    text = text.replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        text = text.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", text):  # 1.150,50
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d+,\d{1,2}", text):  # 2,5 -> 2.5
        text = text.replace(",", ".")
    if "." in text:
        text = text.rstrip("0").rstrip(".") or "0"
    return text.lstrip("0") or "0"


# Units a number is measured in: "2 hours" is not backed by "25 minutes" and a "2" elsewhere.
_UNIT_FORMS = {
    "hour": "hour hours hr hrs ساعة ساعات ساعتين ساعتان",
    "minute": "minute minutes min mins دقيقة دقائق دقيقتين",
    "second": "second seconds sec secs ثانية ثوان ثواني",
    "day": "day days يوم ايام أيام يومين",
    "night": "night nights ليلة ليال ليالي ليلتين",
    "week": "week weeks اسبوع أسبوع اسابيع أسابيع",
    "month": "month months شهر اشهر أشهر شهور",
    "year": "year years سنة سنوات عام أعوام",
    "km": "km kilometre kilometres kilometer kilometers كم كيلومتر",
    "mile": "mile miles",
    "euro": "euro euros eur € يورو",
    "dollar": "dollar dollars usd $ دولار",
    "pound": "pound pounds gbp £ جنيه",
    "percent": "percent % بالمئة بالمائة",
    "kg": "kg kilo kilos kilogram kilograms كيلو كيلوغرام",
    "person": "person persons people guests adults أشخاص شخص",
}  # fmt: skip
_UNITS = {fold(form): unit for unit, forms in _UNIT_FORMS.items() for form in forms.split()}
_UNIT_AFTER = re.compile(r"[ \t\u00a0-]?([%€$£]|[^\W\d_]+)")


def _measure_key(number: str, low: str, end: int) -> str:
    """A number's key with the unit that follows it at ``low[end:]``, if any: "2 hour"."""
    unit = _unit_after(low, end)
    key = _number_key(number)
    return f"{key} {unit}" if unit else key


def _unit_after(low: str, end: int) -> str | None:
    """The unit a number at ``low[:end]`` is counted in, if one follows it."""
    m = _UNIT_AFTER.match(low, end)
    return _UNITS.get(fold(m.group(1))) if m else None


def _hour_key(hour: int, minute: int, suffix: str) -> str | None:
    suffix = suffix.replace(".", "")
    if suffix == "pm" and hour < 12:
        hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    if hour > 24 or minute > 59:
        return None
    return f"{hour}:{minute:02d}"


def facts(text: str) -> list[Fact]:
    """The checkable facts in ``text``, with spans into ``text`` itself."""
    low = fold_same_length(text)
    found: list[Fact] = []
    taken: list[tuple[int, int]] = []

    def add(kind: FactKind, start: int, end: int, key: str) -> None:
        found.append(Fact(kind, text[start:end], key, start, end))
        taken.append((start, end))

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for m in _LINK.finditer(text):  # an address is one fact: its digits are not numbers
        add("link", m.start(), m.end(), m.group(0).lower().rstrip("/"))
    for m in _TIME.finditer(low):
        if not free(m.start(), m.end()):
            continue
        if m.group(1) is not None:
            key = _hour_key(int(m.group(1)), int(m.group(2) or 0), m.group(3))
            if m.group(3) in ("h", "uhr") and m.group(2) is None and int(m.group(1)) > 24:
                key = None
        else:
            key = _hour_key(int(m.group(4)), int(m.group(5)), "")
        if key:
            add("time", m.start(), m.end(), key)
    for m in _NUMERIC_DATE.finditer(low):
        if not free(m.start(), m.end()):
            continue
        if m.group(1):
            add("date", m.start(), m.end(), f"{int(m.group(3))}/{int(m.group(2))}")
        else:
            add("date", m.start(), m.end(), f"{int(m.group(4))}/{int(m.group(5))}")
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        for m in pattern.finditer(low):
            month = _MONTHS.get(m.group(month_group))
            day = int(m.group(day_group))
            if month and 1 <= day <= 31 and free(m.start(), m.end()):
                add("date", m.start(), m.end(), f"{day}/{month}")
    for m in _CODE.finditer(text):
        word = m.group(0)
        if free(m.start(), m.end()) and not re.fullmatch(
            r"\d+(?:st|nd|rd|th|s|am|pm|h|km|kg|m|g|l|ml|cm|mm|gb|mb|tb|kw|w|v|x)", word.lower()
        ):
            add("code", m.start(), m.end(), word.lower())
    for m in _NUMBER.finditer(low):
        if free(m.start(), m.end()):
            add("number", m.start(), m.end(), _measure_key(m.group(0), low, m.end()))
    for m in _WORD.finditer(low):
        word = m.group(0)
        key = word if word.isascii() else fold(word)
        value = _EN_NUMBERS.get(word)
        if value is None and not word.isascii():
            value = _AR_NUMBERS.get(key)
        day = key in _WEEKDAYS and (
            _arabic_weekday(word, low, m.start()) or (word.isascii() and len(key) > 3)
        )
        if not free(m.start(), m.end()):
            continue
        if value is not None and not day:
            add("number", m.start(), m.end(), _measure_key(str(value), low, m.end()))
        elif key in _MONTHS and len(key) > 3:
            add("date", m.start(), m.end(), f"month {_MONTHS[key]}")
        elif key in _WEEKDAYS and day:
            add("date", m.start(), m.end(), f"weekday {_WEEKDAYS[key]}")
    for m in _QUOTED.finditer(text):
        add("quote", m.start(1), m.end(1), " ".join(_WORD.findall(fold(m.group(1)))))
    for m in _NAME.finditer(text):
        words = m.group(0).split()
        if len(words) == 1 and _SENTENCE_START.search(text[max(0, m.start() - 3) : m.start()]):
            continue  # "Tickets cost…": capitalised because it starts the sentence
        words = [w for w in words if w.lower().strip(".") not in _NOT_NAMES]
        if words and free(m.start(), m.end()):
            add("name", m.start(), m.end(), " ".join(w.lower().strip(".'’") for w in words))
    found.sort(key=lambda f: f.start)
    return found


_AR_ARTICLE = re.compile("^[وفبل]?(?:ال|لل)")
_AR_DAY_BEFORE = re.compile("(?:يوم|أيام|ايام)\\s*$")
# Weekday names that are also words: الأحد/أحد (Sunday/one), الاثنين/اثنين (Monday/two).
_AR_AMBIGUOUS_DAYS = {"احد", "اثنين"}


def _arabic_weekday(word: str, text: str, start: int) -> bool:
    """Whether an Arabic word is a weekday: with the article or after يوم, since أحد and
    اثنين without them are numbers."""
    key = fold(word)
    if word.isascii() or key not in _WEEKDAYS:
        return False
    if key not in _AR_AMBIGUOUS_DAYS:
        return True
    return bool(_AR_ARTICLE.match(word) or _AR_DAY_BEFORE.search(text[max(0, start - 8) : start]))


def fold_same_length(text: str) -> str:
    """``text`` lower-cased with digits of every script as ASCII, keeping every offset
    (``fold`` may change lengths; spans must not move)."""
    out = text.translate(_PLAIN).lower()
    return out if len(out) == len(text) else text.lower()


# -- what a question asks for -----------------------------------------------------------


def _phrases(*phrases: str) -> re.Pattern[str]:
    """Any of the phrases as whole words ("|" inside one is an alternative)."""
    return re.compile("|".join(rf"(?<!\w)(?:{p})(?!\w)" for p in phrases))


_ASKS_EN: list[tuple[Asks, re.Pattern[str]]] = [
    ("time", _phrases("what time", "at what hour", "how late", "how early", "which time",
                      "time (?:does|do|is|will)", "what hour")),
    ("date", _phrases("what date", "which (?:day|date|month|year|weekday)", "what day",
                      "what month", "what year", "deadline", "due date")),
    ("duration", _phrases("how long", "for how many (?:days|weeks|months|years|hours)")),
    ("amount", _phrases("how much", "cost", "price", "fees?", "deposit", "charge", "refund",
                        "budget", "salary", "quote", "paid", "pay")),
    ("number", _phrases("how many", "how old", "what number", "which number", "how far",
                        "how big", "how heavy", "pressure", "size", "version")),
    ("code", _phrases("code", "pin", "password", "passcode", "reference", "ref",
                      "booking number", "confirmation", "serial", "model number", "plate",
                      "account number", "flight number", "seat", "gate", "platform",
                      "room number")),
    ("person", _phrases("who", "whom", "whose", "which (?:doctor|person|dentist|friend|"
                        "colleague|teacher|plumber|agent|contact)", "what(?:'s| is) (?:the )?name",
                        "named")),
    ("place", _phrases("where", "which (?:city|town|address|street|room|floor|building|station|"
                       "airport|hotel|shop|store|restaurant|country|place)", "address",
                       "location")),
    ("when", _phrases("when", "by when", "how often")),
    ("contact", _phrases("phone (?:number|no)", "telephone(?: number)?", "mobile number",
                         "cell number", "contact number", "number to call", "e-?mail address",
                         "website", "web address")),
]  # fmt: skip
_YES_NO_EN = re.compile(
    r"^\s*(?:is|are|was|were|do|does|did|can|could|should|will|would|has|have|had|may|must|am)\b"
)
_ASKS_AR: list[tuple[Asks, re.Pattern[str]]] = [
    ("time", _phrases("(?:كم|أي|اي|ما) (?:ال)?ساع[ةه]", "في (?:أي|اي) وقت", "(?:أي|اي) ساع[ةه]",
                      "الساع[ةه] كم", "(?:أي|اي) وقت", "وقت")),
    ("date", _phrases("(?:أي|اي) يوم", "ما تاريخ", "تاريخ", "(?:أي|اي) شهر", "في (?:أي|اي) سن[ةه]",
                      "موعد")),
    ("duration", _phrases("كم (?:من )?(?:مد[ةه]|المد[ةه]|يوم|أيام|ايام|أسبوع|اسبوع|شهر"
                          "|أشهر|اشهر|سن[ةه]|سنوات|ساع[ةه]|دقيق[ةه]|دقائق)", "ما مد[ةه]",
                          "كم (?:تستغرق|يستغرق)", "لمد[ةه]")),
    ("amount", _phrases("كم (?:سعر|ثمن|تكلف[ةه]?|يكلف|قيم[ةه]|رسوم|المبلغ|مبلغ|الإيجار"
                        "|الايجار|دفع|ندفع|أدفع|ادفع)", "بكم", "سعر", "ثمن", "تكلف[ةه]", "رسوم",
                        "مبلغ", "قيم[ةه]", "عربون", "تأمين")),
    ("number", _phrases("كم عدد", "كم", "رقم", "عدد")),
    ("code", _phrases("رمز", "كود", "كلم[ةه] (?:ال)?سر", "كلم[ةه] المرور", "رقم (?:ال)?حجز",
                      "الرقم السري", "رقم (?:ال)?مقعد\\w*", "رقم (?:ال)?حساب", "رقم (?:ال)?لوح[ةه]",
                      "البواب[ةه]")),
    ("person", _phrases("^\\s*(?:من|مَن)", "مع من", "عند من", "لمن", "اسم", "من (?:هو|هي|الذي|التي)",
                        "من سي\\w*")),
    ("place", _phrases("أين", "اين", "وين", "إلى أين", "الى اين", "من أين", "من اين", "عنوان",
                       "مكان", "(?:أي|اي) مدين[ةه]")),
    ("when", _phrases("متى", "متي")),
    ("contact", _phrases("رقم (?:ال)?(?:هاتف|تلفون|تليفون|جوال|موبايل|الهاتف)", "هاتف",
                         "تلفون", "ايميل", "إيميل", "البريد الإلكتروني", "البريد الالكتروني")),
]  # fmt: skip
_YES_NO_AR = re.compile(r"^\s*هل(?!\w)")
# Chinese and Japanese question words (no word boundaries in CJK text).
_ASKS_CJK: list[tuple[Asks, re.Pattern[str]]] = [
    ("time", re.compile("何時|几点|幾時|什么时候|いつ|何时")),
    ("date", re.compile("何日|哪天|几号|幾日|什么时候|いつ|何曜日|星期几")),
    ("amount", re.compile("いくら|多少钱|多少錢|料金|价格|費用")),
    ("number", re.compile("いくつ|何人|多少|几个|幾つ")),
    ("person", re.compile("誰|谁|どなた")),
    ("place", re.compile("どこ|哪里|哪儿|哪裡|何処")),
]


def asks_for(question: str) -> set[Asks]:
    """What kind of fact the question asks for (several when it is unclear); empty when
    it asks for nothing in particular."""
    low = fold_same_length(question).strip()
    plain = question.strip()
    asked: set[Asks] = {kind for kind, pattern in _ASKS_EN if pattern.search(low)}
    asked |= {kind for kind, pattern in _ASKS_AR if pattern.search(plain)}
    asked |= {kind for kind, pattern in _ASKS_CJK if pattern.search(plain)}
    if "when" in asked:
        asked = (asked - {"when"}) | {"time", "date"}
    if asked & {"contact", "code"}:
        # "رقم هاتف", "account number", "email address": a phone number, a code or an
        # address to write to, not any number or place.
        asked -= {"number", "place"}
    if _YES_NO_EN.match(low) or _YES_NO_AR.match(plain):
        return {"yesno"}  # "Is the museum open on Mondays?" asks yes or no, whatever else
    return asked


_KIND_OF: dict[str, set[FactKind]] = {
    "time": {"time"},
    "date": {"date"},
    "duration": {"number"},
    "amount": {"number"},
    "number": {"number", "code"},
    "code": {"code", "number"},
    "person": {"name"},
    "place": {"name", "code"},
}
_CURRENCY = re.compile(
    r"[€$£¥₹]|\b(?:eur|euros?|usd|dollars?|gbp|pounds?|dinars?|dirhams?|riyals?|yen|chf|aed|"
    r"sar|jod|egp|lira|cents?|bucks)\b|يورو|دينار|دولار|درهم|ريال|ليرة|جنيه|ين\b|قرش|فلس"
)
_DURATION = re.compile(
    r"\b(?:seconds?|minutes?|mins?|hours?|hrs?|days?|nights?|weeks?|months?|years?|"
    r"fortnight)\b|دقيق|ساع|يوم|ايام|أيام|ليل|ليال|اسبوع|أسبوع|اسابيع|أسابيع|شهر|اشهر|أشهر|سن[ةو]|عام|أعوام"
)
# Common given names in Arabic script: Arabic writes no capitals to find names by.
_ARABIC_NAMES = (
    "محمد أحمد احمد علي عمر كريم سمير خالد يوسف محمود حسن حسين إبراهيم ابراهيم مصطفى طارق "
    "وليد نبيل رامي سامي فادي زياد ماجد مازن هاني بسام جمال عادل عامر أنس انس بلال حمزة هشام "
    "عماد عيسى جاد كمال ليث مروان منير ناصر أسامة اسامة قاسم راشد سعيد سليم طلال ياسر زيد "
    "فاطمة عائشة مريم ليلى لينا نور سارة هدى حنان رانيا رنا دينا ريم سلمى ياسمين زينب منى "
    "نادية سميرة أمل امل إيمان ايمان غادة لمياء ملك داليا هبة سهى وفاء أسماء اسماء خديجة ربى "
    "جنى تالا فرح مايا جود أحلام احلام نادر فراس عمار صالح حامد شادي رائد إياد اياد باسل "
    "غسان عصام معتز نزار وسيم يحيى يزن آدم ادم ريما هالة نسرين سوسن لارا تيما جميلة"
).split()
_PERSON_HINT = re.compile(
    r"\b(?:mr|mrs|ms|dr|prof|uncle|aunt|auntie|sister|brother|mum|mom|dad)\b\.?|"
    r"(?<!\w)(?:" + "|".join(_ARABIC_NAMES) + r")(?!\w)|"
    r"(?<!\w)(?:أبو|ابو|أم|ام|الدكتور|الدكتورة|د\.|الأستاذ|الاستاذ|الأستاذة|السيد|السيدة|عمي|عمتي|خالي|خالتي|جدتي|جدي|أخي|أختي|صديقي|صديقتي|جارتي|جاري|الجارة|الجار|المهندس|المعلمة|المعلم|الشيخ)(?!\w)"
)
_PLACE_HINT = re.compile(
    r"\b(?:at|in|on|near|behind|inside|under|next to|opposite|from|to)\s+(?:the\s+)?[A-Z0-9]|"
    r"\b(?:room|gate|floor|street|st\.|road|avenue|building|terminal|platform|desk|counter|"
    r"office|station|airport|hall|shelf|drawer|cupboard|garage|basement|locker|box|cabinet)\b|"
    r"(?<!\w)(?:في|عند|قرب|بجانب|خلف|داخل|تحت|فوق|شارع|الطابق|مبنى|المبنى|غرفة|الغرفة|محطة|مطار|المطار|مكتب|درج|خزانة|رف)(?!\w)",
    re.IGNORECASE,
)


def has_kind(text: str, asked: set[Asks], found: list[Fact] | None = None) -> bool:
    """Whether ``text`` holds a fact of a kind the question asks for."""
    if not asked or "yesno" in asked or "other" in asked:
        return True
    found = facts(text) if found is None else found
    kinds = {f.kind for f in found}
    low = fold_same_length(text)
    worded = bool(_AR_NUMBER_WORD.search(fold(text)))  # "ثمانمئة", "السابعة"
    # A digit glued to a letter ("بـ٦٥٠ يورو", "€12") is still a number.
    number = "number" in kinds or worded or bool(_DIGIT.search(low))
    for a in asked:
        if a == "amount" and number and (_CURRENCY.search(low) or _MEASURE.search(low)):
            return True  # "how much" asks for money, or for a quantity: 80 %, 60 g, 2 TB
        if a == "duration" and number and (_DURATION.search(low) or _DISTANCE.search(low)):
            return True  # "how long": a time span, or a length
        if a == "person" and ("name" in kinds or _PERSON_HINT.search(text)):
            return True
        if a == "place" and ("name" in kinds or _PLACE_HINT.search(text)):
            return True
        if a == "time" and _CJK_TIME.search(text):
            return True
        if a == "time" and (
            "time" in kinds
            or re.search(
                r"الساعة|صباح|مساء|ظهر|منتصف الليل|الفجر|noon|midnight|midday|morning|evening|"
                r"afternoon|" + _AR_HOURS,
                low,
            )
        ):
            return True
        if a == "date" and ("date" in kinds or _DATE_WORDS.search(low)):
            return True
        if a == "contact" and (_PHONE.search(text) or _EMAIL_OR_WEB.search(text)):
            return True
        if a in ("number", "code") and kinds & _KIND_OF[a]:
            return True
        if a == "number" and (worded or _TIMES.search(low)):
            return True
    return False


_DIGIT = re.compile(r"[0-9٠-٩]")
# A telephone number: seven digits or more, with the spaces, dashes and brackets people
# write between them.
_PHONE = re.compile(r"(?<![\w.])(?!\d{4}-\d\d-\d\d)\+?[0-9٠-٩](?:[ \-/().]?[0-9٠-٩]){6,}(?![\w.])")
_EMAIL_OR_WEB = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|https?://|www\.", re.IGNORECASE)
# A quantity "how much" may ask for: a share, a weight, a volume, a size of data.
_MEASURE = re.compile(
    r"[0-9٠-٩][ \t]?(?:%|٪|g|kg|mg|l|ml|tb|gb|mb|kwh|w)(?!\w)|\b(?:per ?cent|percent|"
    r"grams?|kilos?|litres?|liters?|portions?|servings?|cups?|tablespoons?|teaspoons?|pieces?)\b|"
    r"(?<!\w)(?:بالمئة|بالمية|غرام|جرام|كيلو|لتر|كوب|ملعقة|حبة|حبات)"
)
_DISTANCE = re.compile(
    r"[0-9٠-٩][ \t]?(?:km|m|cm|mi)(?!\w)|\b(?:kilomet(?:re|er)s?|miles?|metres?|meters?)\b|"
    r"كيلومتر|متر"
)
# "When", "how often": a month, a year, a season, a frequency also answer.
_DATE_WORDS = re.compile(
    r"\b(?:today|tomorrow|tonight|weekend|every|each|daily|weekly|monthly|yearly|annually|"
    r"once|twice|spring|summer|autumn|fall|winter|(?:19|20)\d\d|"
    r"(?:in|of|since|until|by|mid|early|late|end of|beginning of)[ -]may)\b"
    r"|كل|يوم|مرة|مرتين|أسبوعيا|اسبوعيا|شهريا|سنويا|صيفا|شتاء|ربيع|خريف"
)
_TIMES = re.compile(r"\b(?:once|twice|times)\b|(?<!\w)(?:مرة|مرتين|مرات)(?!\w)")


# An hour said as an ordinal: "في السابعة وأربعين دقيقة" (at seven forty).
_AR_HOURS = "|".join(
    "ال" + h for h in "واحدة ثانية ثالثة رابعة خامسة سادسة سابعة ثامنة تاسعة عاشرة حادية".split()
)
_CJK_TIME = re.compile("[0-9０-９一二三四五六七八九十]+ *(?:時|点|點|時半|点半)")
_AR_NUMBER_WORD = re.compile(
    "(?<!\\w)(?:"
    + "|".join(sorted(map(re.escape, _AR_NUMBERS), key=len, reverse=True))
    + ")(?!\\w)"
)


def negated(text: str) -> bool:
    """Whether ``text`` says something is not so (English or Arabic)."""
    return bool(_NEGATIONS_EN.search(text.lower()) or _NEGATIONS_AR.search(text))


def content_words(text: str, stop: frozenset[str]) -> list[str]:
    """The folded words of ``text`` that carry meaning, in order."""
    return [w for w in _WORD.findall(fold(text)) if w not in stop and (len(w) > 1 or w.isdigit())]
