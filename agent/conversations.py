"""Stored conversations: list, search, rename, delete, and read back their messages.

``agent.chat`` writes the turns (tables from the store's ``m002_conversations``); this
module is what the UI and the CLI use to browse them. Searching is a plain ``LIKE`` over
titles and message text: conversation history is small next to the notes index, and a
substring match is what people expect from a sidebar filter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from agent.store import Store
from contracts.errors import FanousError

__all__ = [
    "ConversationSummary",
    "StoredMessage",
    "delete",
    "list_conversations",
    "load_messages",
    "rename",
]

_TITLE_CHARS = 80


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    id: int
    title: str
    created: float
    updated: float  # when its last message was written
    messages: int


@dataclass(frozen=True, slots=True)
class StoredMessage:
    id: int
    role: str  # user | assistant
    content: str
    created: float
    route: str | None = None  # local | cloud (assistant only)
    route_reason: str | None = None
    engine: str | None = None
    model: str | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)  # Source.to_json() rows
    completion_tokens: int | None = None
    seconds: float | None = None
    finish_reason: str | None = None  # "error" or "cancelled": the answer is partial
    grounding: dict[str, Any] | None = None  # agent.grounding.Grounding.to_json()


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_conversations(
    store: Store, *, query: str = "", limit: int | None = None
) -> list[ConversationSummary]:
    """Newest activity first. ``query`` keeps those whose title or any message contains
    it (case-insensitive for ASCII, exact for other scripts, as SQLite's LIKE does)."""
    where, params = "", list[object]()
    if query.strip():
        pattern = _like(query.strip())
        where = (
            "WHERE c.title LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM messages s "
            "WHERE s.conversation_id = c.id AND s.content LIKE ? ESCAPE '\\')"
        )
        params = [pattern, pattern]
    sql = f"""
        SELECT c.id, c.title, c.created,
               coalesce(max(m.created), c.created) AS updated, count(m.id)
        FROM conversations c LEFT JOIN messages m ON m.conversation_id = c.id
        {where}
        GROUP BY c.id
        ORDER BY updated DESC, c.id DESC"""
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    rows = store.conn.execute(sql, params).fetchall()
    return [ConversationSummary(*row) for row in rows]


def _require(store: Store, conversation_id: int) -> None:
    row = store.conn.execute(
        "SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)
    ).fetchone()
    if row is None:
        raise FanousError(
            f"Conversation {conversation_id} no longer exists",
            fix="pick another conversation from the list",
        )


def load_messages(store: Store, conversation_id: int) -> list[StoredMessage]:
    """Its messages in the order they were written."""
    _require(store, conversation_id)
    rows = store.conn.execute(
        "SELECT id, role, content, created, route, route_reason, engine, model, sources, "
        "completion_tokens, seconds, finish_reason, grounding FROM messages "
        "WHERE conversation_id = ? "
        "ORDER BY id",
        (conversation_id,),
    ).fetchall()
    messages = []
    for row in rows:
        sources = _json(row[8]) or []  # a damaged row loses its sources, not the chat
        mid, role, content, created, route, reason, engine, model, _, tokens, seconds, end = row[
            :12
        ]
        messages.append(
            StoredMessage(
                mid,
                role,
                content,
                created,
                route,
                reason,
                engine,
                model,
                sources=sources,
                completion_tokens=tokens,
                seconds=seconds,
                finish_reason=end,
                grounding=_json(row[12]),
            )
        )
    return messages


def _json(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except json.JSONDecodeError:
        return None


def rename(store: Store, conversation_id: int, title: str) -> str:
    """Give it a new title (trimmed to one line); returns the title stored."""
    clean = " ".join(title.split())[:_TITLE_CHARS]
    if not clean:
        raise FanousError("A conversation needs a title", fix="type a few words")
    with store.atomic() as conn:
        _require(store, conversation_id)
        conn.execute("UPDATE conversations SET title = ? WHERE id = ?", (clean, conversation_id))
    return clean


def delete(store: Store, conversation_id: int) -> bool:
    """Delete it and its messages; False when it was already gone."""
    with store.atomic() as conn:
        conn.execute("DELETE FROM messages WHERE conversation_id = ?", (conversation_id,))
        cursor = conn.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))
    return cursor.rowcount > 0
