"""The egress ledger: one row per question whose request left the machine (retries summed).

Rows say when, to whom, how many bytes each way, how many values were pseudonymised,
tokens and cost — never the text. The monthly budget is read from here. A row is written
before its request leaves (status "sending") and completed after, so a request the
ledger cannot record is never sent, and one cut short by a crash still shows.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from agent import log_rows
from agent.store import Store

__all__ = [
    "LedgerEntry",
    "entries",
    "export",
    "month_spend",
    "month_start",
    "record",
    "update",
]


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    at: float
    provider: str
    model: str
    host: str
    bytes_sent: int
    bytes_received: int = 0
    redactions: int = 0
    passages: int = 0
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cost_usd: float = 0.0
    status: str = "ok"
    reason: str = ""
    id: int | None = None

    def to_json(self) -> dict[str, object]:
        return log_rows.row_json(self)


_COLUMNS = [f for f in LedgerEntry.__dataclass_fields__ if f != "id"]


def record(store: Store, entry: LedgerEntry) -> int:
    with store.atomic() as conn:
        values = [getattr(entry, c) for c in _COLUMNS]
        cur = conn.execute(
            f"INSERT INTO egress_ledger ({', '.join(_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(_COLUMNS))})",
            values,
        )
        return int(cur.lastrowid or 0)


def update(store: Store, row_id: int, entry: LedgerEntry) -> None:
    """Complete a row written before its request left (status "sending")."""
    with store.atomic() as conn:
        conn.execute(
            f"UPDATE egress_ledger SET {', '.join(f'{c} = ?' for c in _COLUMNS)} WHERE id = ?",
            [*(getattr(entry, c) for c in _COLUMNS), row_id],
        )


def entries(
    store: Store, *, since: float | None = None, limit: int | None = None
) -> list[LedgerEntry]:
    rows = log_rows.newest(store, "egress_ledger", _COLUMNS, since=since, limit=limit)
    return [LedgerEntry(**dict(zip(_COLUMNS, row[1:], strict=True)), id=row[0]) for row in rows]


def month_start(now: float | None = None) -> float:
    t = dt.datetime.fromtimestamp(time.time() if now is None else now, dt.UTC)
    return t.replace(day=1, hour=0, minute=0, second=0, microsecond=0).timestamp()


def month_spend(store: Store, *, now: float | None = None) -> float:
    """US dollars spent on the cloud since the start of this (UTC) month."""
    row = store.conn.execute(
        "SELECT COALESCE(SUM(cost_usd), 0) FROM egress_ledger WHERE at >= ?",
        (month_start(now),),
    ).fetchone()
    return float(row[0])


def export(store: Store, path: str | Path) -> int:
    """Write the whole ledger as CSV or JSON (by the file's suffix); return the rows."""
    return log_rows.export(path, [e.to_json() for e in reversed(entries(store))], _COLUMNS)
