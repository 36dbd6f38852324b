"""Send only what the task needs: the passages that matter, none from never-send sources,
no file paths, and the names to pseudonymise from the user's own mail headers."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from email.utils import getaddresses

from agent.index.search import Hit
from agent.store import Store

__all__ = ["is_never_send", "known_names", "minimise"]

# A passage scoring below this share of the best one adds words, not answers.
RELEVANCE_FLOOR = 0.35


def _norm(p: str) -> str:
    return os.path.normcase(os.path.abspath(os.path.expanduser(p))) if "://" not in p else p


def is_never_send(hit: Hit, never_send: Sequence[str]) -> bool:
    """True when the passage comes from a source marked never-send (``hit.never_send``,
    set by ``agent.sources.SourcePolicy.mark``) or from a folder, file or URI in the
    ``never_send`` path rules."""
    if hit.never_send:
        return True
    for entry in never_send:
        if not entry:
            continue
        if "://" in entry:
            if hit.uri.startswith(entry):
                return True
        elif hit.path:
            base = _norm(entry)
            path = _norm(hit.path)
            if path == base or path.startswith(base.rstrip(os.sep) + os.sep):
                return True
    return False


def minimise(
    hits: Sequence[Hit], *, never_send: Sequence[str] = (), limit: int = 3
) -> tuple[list[Hit], int]:
    """(passages to send, how many were held back because their source is never-send)."""
    allowed = [h for h in hits if not is_never_send(h, never_send)]
    held_back = len(hits) - len(allowed)
    if not allowed:
        return [], held_back
    best = max(h.score for h in allowed)
    relevant = [h for h in allowed if best <= 0 or h.score >= best * RELEVANCE_FLOOR]
    return relevant[:limit], held_back


# Per database: (mail documents, their highest id) -> the names; rebuilt when mail changes.
_NAMES: dict[str, tuple[tuple[int, int], frozenset[str]]] = {}


def known_names(store: Store) -> set[str]:
    """Display names from every indexed mail's headers (From/To/Cc/Reply-To), and their
    parts; read once per change of the mail in the index."""
    key = tuple(
        store.conn.execute(
            "SELECT count(*), coalesce(max(id), 0) FROM documents WHERE source = 'mail'"
        ).fetchone()
    )
    where = str(getattr(store, "path", ":memory:"))
    cached = _NAMES.get(where)
    if cached is not None and cached[0] == key and where != ":memory:":
        return set(cached[1])
    names = _read_names(store)
    _NAMES[where] = ((int(key[0]), int(key[1])), frozenset(names))
    return names


def _read_names(store: Store) -> set[str]:
    names: set[str] = set()
    rows = store.conn.execute("SELECT meta FROM documents WHERE source = 'mail'")
    for (meta,) in rows:
        try:
            data = json.loads(meta or "{}")
        except ValueError:
            continue
        headers: list[str] = []
        for key in ("from", "to", "cc", "reply_to", "reply-to", "sender"):
            value = data.get(key) or data.get(key.title())
            if isinstance(value, str):
                headers.append(value)
            elif isinstance(value, list):
                headers.extend(v for v in value if isinstance(v, str))
        for display, _addr in getaddresses(headers):
            display = display.strip().strip('"')
            if len(display) < 3 or "@" in display:
                continue
            names.add(display)
            names.update(part for part in display.replace(",", " ").split() if len(part) >= 4)
    return names
