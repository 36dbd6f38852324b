"""What the answer-quality runner and the weight fitting share: the indexed corpus, and
how an answer is scored against a question."""

from __future__ import annotations

import hashlib
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
sys.path.insert(0, str(HERE))

import dataset  # noqa: E402

from agent.config import Paths  # noqa: E402
from agent.index.vectors import E5Embedder  # noqa: E402
from agent.mail_accounts import add_mail_path, index_mail_path  # noqa: E402
from agent.workspace import Workspace  # noqa: E402

__all__ = ["Outcome", "dataset", "indexed_home", "open_workspace", "score"]


def _fingerprint() -> str:
    h = hashlib.sha1()
    for path in sorted((HERE / "corpus").rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(HERE)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def indexed_home(home: Path, *, threads: int = 2) -> Paths:
    """A Fanous home with the corpus indexed and embedded (built once per corpus
    version: a later run with the same ``home`` reuses it)."""
    paths = Paths.resolve(home / "fanous")
    stamp = home / f".indexed-{_fingerprint()}"
    if stamp.exists():
        return paths
    if home.exists():
        shutil.rmtree(home)
    notes, mbox = dataset.write_corpus(home / "corpus")
    ws = Workspace(paths, embedder=E5Embedder(threads=threads))
    try:
        ws.index_notes(str(notes))
        add_mail_path(ws, str(mbox))
        index_mail_path(ws, str(mbox))
        done = ws.embed_pending()
        print(f"indexed the corpus: {done} passages embedded", file=sys.stderr)
    finally:
        ws.close()
    stamp.touch()
    return paths


def open_workspace(paths: Paths, engine: Any, *, style: str, threads: int = 1) -> Workspace:
    ws = Workspace(paths, engine=engine, embedder=E5Embedder(threads=threads))
    ws.settings.answer_style = style
    return ws


@dataclass(frozen=True, slots=True)
class Outcome:
    right: bool  # answerable, and the answer holds the expected fact
    abstained: bool  # the answer says the notes don't answer
    wrong: bool  # an answer was shown, and it lacks the fact (or the notes had none)


def score(q: Any, answer: Any) -> Outcome:
    abstained = answer.grounding is not None and answer.grounding.shown == "not_found"
    if q.answerable:
        right = not abstained and q.found_in(answer.text)
        return Outcome(right, abstained, not right and not abstained)
    return Outcome(False, abstained, not abstained)
