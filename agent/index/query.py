"""Search operators in the query text: ``from:``, ``to:``, ``subject:``, ``after:``,
``before:`` (Gmail's spelling). They are taken out of the text and become filters; the
rest is searched as words. ``from:sara after:2024-03`` with no words lists the matching
messages newest first.

Values may be quoted (``subject:"contract renewal"``); dates are ``YYYY``, ``YYYY-MM``
or ``YYYY-MM-DD`` (``/`` also accepted), read as UTC; ``after:`` includes its day and
``before:`` excludes its own. An operator that cannot be read stays in the text as words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from agent.store import Store

__all__ = ["MailOperators", "browse", "parse_query"]

_OPERATOR = re.compile(
    r'(?<!\S)(from|to|cc|subject|after|before):(?:"([^"]*)"|(\S+))', re.IGNORECASE
)
_DATE = re.compile(r"^(\d{4})(?:[-/](\d{1,2}))?(?:[-/](\d{1,2}))?$")
# Which mail_messages column each text operator looks in.
_COLUMNS = {"from": "sender", "to": "recipients", "cc": "recipients", "subject": "subject"}


def _date(value: str) -> float | None:
    """The first second of the year, month or day (UTC)."""
    m = _DATE.match(value)
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        start = datetime(year, int(month or 1), int(day or 1), tzinfo=UTC)
    except ValueError:
        return None
    return start.timestamp()


def _like(value: str) -> str:
    escaped = value.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True, slots=True)
class MailOperators:
    text: str  # the query without its operators
    fields: tuple[tuple[str, str], ...] = ()  # (column, value) for from/to/subject
    after: float | None = None
    before: float | None = None
    used: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.fields) or self.after is not None or self.before is not None

    def conditions(self) -> tuple[tuple[str, tuple[Any, ...]], ...]:
        """SQL conditions on the documents alias ``d``, with their parameters."""
        return tuple(
            (
                f"d.id IN (SELECT doc_id FROM mail_messages WHERE {column} LIKE ? ESCAPE '\\')",
                (_like(value),),
            )
            for column, value in self.fields
        )


def parse_query(query: str) -> MailOperators:
    fields: list[tuple[str, str]] = []
    after = before = None
    used: list[str] = []

    def take(m: re.Match[str]) -> str:
        nonlocal after, before
        op, value = m.group(1).lower(), (m.group(2) if m.group(2) is not None else m.group(3))
        value = value.strip()
        if not value:
            return m.group(0)
        if op in ("after", "before"):
            when = _date(value)
            if when is None:
                return m.group(0)  # not a date: leave it as words
            if op == "after":
                after = when if after is None else max(after, when)
            else:
                before = when if before is None else min(before, when)
        else:
            fields.append((_COLUMNS[op], value))
        used.append(m.group(0))
        return " "

    text = " ".join(_OPERATOR.sub(take, query).split())
    return MailOperators(text, tuple(fields), after, before, used)


def browse(store: Store, where: list[str], params: list[Any], limit: int) -> list[Any]:
    """Documents matching filters alone, newest first, each as its first passage."""
    from agent.index.search import Hit

    sql = f"""
        SELECT c.id, c.doc_id, d.source, d.uri, d.path, d.title, c.heading_path, c.text,
               c.start, c.end, 0.0
        FROM documents d
        JOIN chunks c ON c.doc_id = d.id AND c.ordinal = 0
        WHERE {" AND ".join(where) or "1"}
        ORDER BY d.doc_date DESC, d.id DESC
        LIMIT ?"""
    return [Hit(*row) for row in store.conn.execute(sql, (*params, limit))]
