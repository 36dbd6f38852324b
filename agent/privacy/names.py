"""Person names for pseudonymisation: the ones the caller knows (every sender and
recipient in the user's mail headers) and the ones a note mentions.

Known names are matched word by word against a set (a mailbox has tens of thousands; one
regular expression of them all would be slow to build and to run). Names in a note's
text are found by their shape, since no name list can hold them all:

- Latin script: two or three capitalised words in a row ("Sara Haddad", "Jean-Luc
  Martin", "Omar Al-Sayed"), none of them a word that is capitalised for other reasons
  (sentence starts, headings, days, months, places of the kind notes mention: a
  stoplist), or a title and one capitalised word ("Dr Selim", "Mme Dupont").
- Arabic script has no capitals: the one or two words after a title or a kinship word
  ("السيد", "الدكتورة", "أخي") are a name.

Eager on purpose: a false positive only hides a word from the cloud model (it comes back
in the answer); tests/bench/bench_pii.py measures both sides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

__all__ = ["KnownNames", "names_in_text"]

# Words join on hyphens and apostrophes (Jean-Luc, O'Brien), but not a possessive "'s".
_WORD = re.compile(r"\w+(?:-\w+|['’](?![sS]\b)\w+)*")
# Capitalised words that are seldom names: what starts sentences, headings and list
# items in notes, days, months, and common place and organisation words.
_STOP = frozenset(
    """a about after all also an and any are as at be before but by can could did do does
    done each either every for from had has have he her here hers him his how i if in
    into is it its just let may me might mine more most my no nor not now of off on once
    one only or our ours out over per please she should so some such than that the their
    them then there these they this those though through to too under until up upon us
    very was we were what when where which while who whom why will with would yes yet you
    your yours monday tuesday wednesday thursday friday saturday sunday january february
    march april may june july august september october november december today tomorrow
    yesterday tonight morning evening note notes todo done meeting meetings agenda minutes
    summary update project plan plans list ideas idea budget invoice report reports team
    office room street road avenue lane square park station airport hotel hospital clinic
    school university college bank museum library church mosque market centre center city
    town village river lake mount mountain island bay north south east west new old great
    little big upper lower saint st united kingdom states republic ministry department
    company ltd inc gmbh group club the le la les un une des du de et pour avec dans sur
    par au aux ce cette ces mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs
    lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril mai juin
    juillet août septembre octobre novembre décembre rue gare hôpital école mairie ville
    chapter section part step page figure table appendix question answer re fwd fw subject
    dear hi hello thanks thank regards best cheers ok okay yes no good ask call meet met
    see send tell email book buy pay read visit watch take bring remind check renew change
    finish submit invite pick drop give get go""".split()
)
# A title before one capitalised word makes it a name ("Dr Selim"); the title stays clear.
_TITLES = frozenset(
    "dr doctor mr mrs ms miss prof professor sir madam mme mlle m monsieur madame docteur "
    "uncle aunt auntie cousin sheikh imam".split()
)
_ARABIC_CUE = re.compile(
    r"(?:السيد|السيدة|الدكتور|الدكتورة|د\.|الأستاذ|الأستاذة|المهندس|المهندسة|الحاج|الحاجة|"
    r"الشيخ|أخي|أختي|عمي|عمتي|خالي|خالتي|جدي|جدتي|صديقي|صديقتي|زوجي|زوجتي|ابني|ابنتي)"
    r"\s+([\u0621-\u064a]{2,}(?:\s+(?!و|في|من|إلى|على|عن)[\u0621-\u064a]{2,})?)"
)


def _capitalised(word: str) -> bool:
    folded = word.casefold()
    return (
        word[:1].isupper() and word[1:2].islower() and folded not in _STOP
        and folded not in _TITLES
    )  # fmt: skip


def names_in_text(text: str) -> Iterator[str]:
    """The person names ``text`` mentions, as written there (see the module docstring)."""
    words = list(_WORD.finditer(text))
    n = 0
    while n < len(words):
        run = n
        while run < len(words) and run - n < 3 and _capitalised(words[run].group()):
            gap = text[words[run - 1].end() : words[run].start()] if run > n else ""
            if re.search(r"[\n.:;!?,()]", gap):  # a name does not cross a break
                break
            run += 1
        titled = n > 0 and words[n - 1].group().casefold() in _TITLES
        if run - n >= 2 or (run - n == 1 and titled):
            yield text[words[n].start() : words[run - 1].end()]
            n = run
        else:
            n += 1
    for m in _ARABIC_CUE.finditer(text):
        yield m.group(1)


class KnownNames:
    """A set of names matched as whole words, longest first, case-insensitively."""

    def __init__(self, names: Iterable[str]) -> None:
        self._keys: dict[tuple[str, ...], str] = {}
        for name in names:
            key = tuple(w.casefold() for w in _WORD.findall(name))
            if key and sum(len(w) for w in key) >= 3:
                self._keys.setdefault(key, name)
        self._longest = max((len(k) for k in self._keys), default=0)

    def __bool__(self) -> bool:
        return bool(self._keys)

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """(start, end) of each known name in ``text``, left to right, never overlapping."""
        words = list(_WORD.finditer(text))
        folded = [w.group().casefold() for w in words]
        n = 0
        while n < len(words):
            for size in range(min(self._longest, len(words) - n), 0, -1):
                if tuple(folded[n : n + size]) in self._keys:
                    yield words[n].start(), words[n + size - 1].end()
                    n += size
                    break
            else:
                n += 1
