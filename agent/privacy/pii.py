"""PII pseudonymisation with stable placeholders, and its exact restoration.

What leaves the machine carries ``[EMAIL_1]``, ``[PERSON_2]``… instead of the real values;
the same value always gets the same placeholder within one ``Pseudonymiser`` (so the
model can still tell people apart), and ``restore`` puts the real values back into the
answer. Detected: e-mail addresses, phone numbers, IBANs (mod-97 checked), card numbers
(Luhn checked), street addresses (English and Arabic forms), names the caller knows
(every name in the user's mail headers) and names the text itself mentions
(``agent.privacy.names``). Digits may be ASCII, Arabic-Indic or Eastern Arabic; an IBAN
may be in any case, grouped by spaces or dashes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from agent.privacy.names import KnownNames, names_in_text

__all__ = ["Pseudonymiser", "iban_ok", "luhn_ok"]

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
_IBAN = re.compile(
    r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?\b", re.IGNORECASE
)
_IBAN_GROUP = re.compile(r"[ -]?[A-Za-z0-9]+")
# Arabic-Indic (٠-٩) and Eastern Arabic (۰-۹) digits read as ASCII for the checks.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_CARD = re.compile(r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)")
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d ().-]{6,18}\d(?!\w)")
_STREET_WORDS = (
    r"Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Boulevard|Blvd\.?|Lane|Ln\.?|Drive|Dr\.?"
    r"|Way|Court|Ct\.?|Place|Pl\.?|Square|Sq\.?|Terrace|Strasse|Straße|straße|rue"
)
_ADDRESS = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?,?\s+(?:[A-Z][\w'-]*\s+){{1,4}}(?:{_STREET_WORDS})(?!\w)"
    r"|(?:شارع|طريق|حي)\s+[\u0600-\u06ff]+(?:\s+[\u0600-\u06ff]+)?(?:\s*،?\s*\d{1,5})?"
)
_DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")
# Restoration tolerates what models do to a placeholder: drop the brackets, add spaces.
_PLACEHOLDER = re.compile(r"\[\s*(EMAIL|PHONE|IBAN|CARD|ADDRESS|PERSON)_(\d+)\s*\]")
_BARE = re.compile(r"\b(EMAIL|PHONE|IBAN|CARD|ADDRESS|PERSON)_(\d+)\b")


def luhn_ok(digits: str) -> bool:
    nums = [int(c) for c in digits if c.isdigit()]
    if not 13 <= len(nums) <= 19:
        return False
    total = 0
    for i, n in enumerate(reversed(nums)):
        if i % 2:
            n *= 2
            n -= 9 if n > 9 else 0
        total += n
    return total % 10 == 0


def iban_ok(text: str) -> bool:
    s = text.translate(_DIGITS).replace(" ", "").replace("-", "").upper()
    if not 15 <= len(s) <= 34:
        return False
    moved = s[4:] + s[:4]
    try:
        return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1
    except ValueError:
        return False


def _phone_ok(text: str) -> bool:
    text = text.translate(_DIGITS)
    digits = sum(c.isdigit() for c in text)
    # Times, dates and plain numbers are not phone numbers: ask for 8+ digits and either
    # a leading + / 00 / 0, a separator pattern a phone number has, or an unseparated
    # international number (11+ digits: country code first).
    if digits < 8 or digits > 15 or _DATE.fullmatch(text.strip()):
        return False
    return (
        text.startswith(("+", "00", "(", "0"))
        or bool(re.search(r"\d[ .-]\d", text))
        or (digits >= 11 and text.isdigit())
    )


def _valid_iban(match: str) -> str | None:
    """The longest start of ``match`` (whole groups, separators kept) that is a valid
    IBAN: the pattern may have taken a word after it ("gb82west12345698765432 ok")."""
    groups = _IBAN_GROUP.findall(match)
    for end in range(len(groups), 0, -1):
        candidate = "".join(groups[:end])
        if iban_ok(candidate):
            return candidate
    return None


@dataclass(slots=True)
class Pseudonymiser:
    """Replace PII with placeholders and put it back. One instance per outbound request
    (or per conversation, to keep placeholders stable across turns)."""

    names: Iterable[str] = ()
    find_names: bool = True  # also names the text mentions (agent.privacy.names)
    _by_value: dict[tuple[str, str], str] = field(default_factory=dict)
    _by_token: dict[str, str] = field(default_factory=dict)
    _counts: dict[str, int] = field(default_factory=dict)
    _known: KnownNames = field(default_factory=lambda: KnownNames(()))

    def __post_init__(self) -> None:
        self._known = KnownNames(self.names)

    @property
    def redactions(self) -> int:
        """How many distinct values were replaced so far."""
        return len(self._by_token)

    def counts(self) -> dict[str, int]:
        return dict(self._counts)

    def mapping(self) -> dict[str, str]:
        """Placeholder -> real value. Stays on this machine."""
        return dict(self._by_token)

    def _token(self, kind: str, value: str) -> str:
        key = (kind, value.casefold() if kind in ("EMAIL", "PERSON") else value)
        token = self._by_value.get(key)
        if token is None:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            token = f"[{kind}_{self._counts[kind]}]"
            self._by_value[key] = token
            self._by_token[token] = value
        return token

    def _sub(
        self,
        pattern: re.Pattern[str],
        kind: str,
        text: str,
        check: Callable[[str], bool] | None = None,
    ) -> str:
        def repl(m: re.Match[str]) -> str:
            value = m.group(0)
            if check is not None and not check(value):
                return value
            return self._token(kind, value)

        return pattern.sub(repl, text)

    def _iban(self, text: str) -> str:
        def repl(m: re.Match[str]) -> str:
            whole = m.group(0)
            valid = _valid_iban(whole)
            if valid is None:
                return whole
            return self._token("IBAN", valid) + whole[len(valid) :]  # "… ok" stays

        return _IBAN.sub(repl, text)

    def _people(self, text: str) -> str:
        spans = list(self._known.spans(text))
        if self.find_names:  # a name the text mentions, where no known one is
            found = KnownNames(names_in_text(text)).spans(text)
            spans += [f for f in found if not any(f[0] < e and s < f[1] for s, e in spans)]
        out, at = [], 0
        for start, end in sorted(spans):
            if start < at:
                continue  # overlaps a name already replaced
            out += [text[at:start], self._token("PERSON", text[start:end])]
            at = end
        return "".join([*out, text[at:]])

    def pseudonymise(self, text: str) -> str:
        # Order matters: the most specific patterns first, so a card number is never
        # half-eaten by the phone pattern.
        text = self._sub(_EMAIL, "EMAIL", text)
        text = self._iban(text)
        text = self._sub(_CARD, "CARD", text, luhn_ok)
        text = self._sub(_ADDRESS, "ADDRESS", text)
        text = self._sub(_PHONE, "PHONE", text, _phone_ok)
        return self._people(text)

    def restore(self, text: str) -> str:
        """Put the real values back; unknown placeholders are left as they are."""

        def repl(m: re.Match[str]) -> str:
            token = f"[{m.group(1)}_{m.group(2)}]"
            return self._by_token.get(token, m.group(0))

        return _BARE.sub(repl, _PLACEHOLDER.sub(repl, text))
