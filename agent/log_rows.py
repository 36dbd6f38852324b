"""What the logs kept as rows of one table each share: the egress ledger, the action
log and the turn log. A row's JSON form (with its time in ISO 8601, UTC), the newest
rows first, and the export of a whole log as CSV or JSON — one way for all three, so
their files read alike.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from agent.store import Store

__all__ = ["export", "newest", "row_json"]


def row_json(row: Any) -> dict[str, Any]:
    """A log row (a dataclass with ``at``, seconds since the epoch) as a JSON object,
    with its time also written out."""
    data = asdict(row)
    data["time"] = dt.datetime.fromtimestamp(row.at, dt.UTC).isoformat(timespec="seconds")
    return data


def newest(
    store: Store,
    table: str,
    columns: Sequence[str],
    *,
    since: float | None = None,
    limit: int | None = None,
) -> list[tuple[Any, ...]]:
    """A log's rows (``id`` then ``columns``), newest first: those ``since`` a time, at
    most ``limit`` of them."""
    sql = f"SELECT id, {', '.join(columns)} FROM {table}"
    params: list[object] = []
    if since is not None:
        sql += " WHERE at >= ?"
        params.append(since)
    sql += " ORDER BY at DESC, id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return store.conn.execute(sql, params).fetchall()


def export(
    path: str | Path,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    ascii_only: bool = True,
    cells: Callable[[Mapping[str, Any]], Mapping[str, Any]] = lambda row: row,
) -> int:
    """Write rows (``row_json``'s form) as CSV or JSON, by the file's suffix; the CSV has
    ``id``, ``time`` and ``columns``, each row as ``cells`` writes it. Returns the rows."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(rows, indent=2, ensure_ascii=ascii_only), encoding="utf-8")
    else:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=["id", "time", *columns], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(map(cells, rows))
        path.write_text(buf.getvalue(), encoding="utf-8")
    return len(rows)
