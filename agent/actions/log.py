"""The action log: one row per action carried out, like the egress ledger for writes.

Each row says when, what kind, which source allowed it, the exact target, how many
bytes, who proposed it (you or a model), the turn it came from, who confirmed it and
how, and what undoing it needs (paths, IMAP UIDs, hashes — never the text). A row is
written as "writing" before a byte goes out and completed after, so a write the log
cannot record never happens, and one cut short by a crash still shows.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from agent import log_rows
from agent.store import Store

__all__ = ["ActionEntry", "entries", "export", "finish", "get", "record"]


@dataclass(frozen=True, slots=True)
class ActionEntry:
    at: float
    kind: str
    source: str
    target: str
    bytes: int
    origin: str
    confirmed_by: str
    status: str = "writing"  # writing | done | failed | undone
    conversation_id: int | None = None
    undo: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    undone_at: float | None = None
    id: int | None = None

    @property
    def undoable(self) -> bool:
        return self.status == "done" and bool(self.undo)

    def to_json(self) -> dict[str, Any]:
        return log_rows.row_json(self)


_COLUMNS = [f for f in ActionEntry.__dataclass_fields__ if f != "id"]


def _row(entry: ActionEntry) -> list[object]:
    return [json.dumps(entry.undo) if c == "undo" else getattr(entry, c) for c in _COLUMNS]


def record(store: Store, entry: ActionEntry) -> int:
    """Write the row before the action happens (status "writing"); its id."""
    with store.atomic() as conn:
        cur = conn.execute(
            f"INSERT INTO action_log ({', '.join(_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(_COLUMNS))})",
            _row(entry),
        )
        return int(cur.lastrowid or 0)


def finish(store: Store, row_id: int, **changes: Any) -> ActionEntry:
    """Complete or update a row (status, undo, bytes, reason, undone_at)."""
    entry = get(store, row_id)
    if entry is None:
        raise KeyError(row_id)
    values = {**asdict(entry), **changes}
    values.pop("id")
    new = ActionEntry(**values, id=row_id)
    with store.atomic() as conn:
        conn.execute(
            f"UPDATE action_log SET {', '.join(f'{c} = ?' for c in _COLUMNS)} WHERE id = ?",
            [*_row(new), row_id],
        )
    return new


def _entry(row: tuple[Any, ...]) -> ActionEntry:
    values = dict(zip(_COLUMNS, row[1:], strict=True))
    values["undo"] = json.loads(values["undo"] or "{}")
    return ActionEntry(**values, id=row[0])


def get(store: Store, row_id: int) -> ActionEntry | None:
    row = store.conn.execute(
        f"SELECT id, {', '.join(_COLUMNS)} FROM action_log WHERE id = ?", (row_id,)
    ).fetchone()
    return None if row is None else _entry(row)


def entries(
    store: Store, *, since: float | None = None, limit: int | None = None
) -> list[ActionEntry]:
    rows = log_rows.newest(store, "action_log", _COLUMNS, since=since, limit=limit)
    return [_entry(row) for row in rows]


def export(store: Store, path: str | Path) -> int:
    """Write the whole log as CSV or JSON (by the file's suffix); return the rows."""
    rows = [e.to_json() for e in reversed(entries(store))]
    return log_rows.export(
        path, rows, _COLUMNS, ascii_only=False, cells=lambda r: {**r, "undo": json.dumps(r["undo"])}
    )
