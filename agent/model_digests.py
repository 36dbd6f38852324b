"""The versions each local model had (the store's ``model_digests`` table): what a model
rollback goes back to. The engines record through the ``DigestLog`` protocol and hold
no SQL themselves."""

from __future__ import annotations

import time
from typing import Any

from agent.engines.ollama_models import canonical_name
from agent.store import Store

__all__ = ["StoreDigests", "digest_history"]


class StoreDigests:
    """``agent.engines.ollama_models.DigestLog`` on the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def record(self, name: str, digest: str, event: str, pinned: str | None) -> None:
        with self.store.atomic() as conn:
            conn.execute(
                "INSERT INTO model_digests (engine, name, digest, pinned, event, recorded) "
                "VALUES ('ollama', ?, ?, ?, ?, ?)",
                (name, digest, pinned, event, time.time()),
            )

    def history(self, name: str) -> list[dict[str, Any]]:
        return digest_history(self.store, name)


def digest_history(store: Store, name: str) -> list[dict[str, Any]]:
    """Every recorded digest of ``name``, newest first."""
    rows = store.conn.execute(
        "SELECT digest, pinned, event, recorded FROM model_digests "
        "WHERE engine = 'ollama' AND name = ? ORDER BY id DESC",
        (canonical_name(name),),
    ).fetchall()
    return [dict(zip(("digest", "pinned", "event", "recorded"), r, strict=True)) for r in rows]
