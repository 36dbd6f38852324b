"""One Fanous home: its paths, settings, database and engine, shared by the CLI and the UI.

Seams are passed in (``paths``, ``engine``) so tests never monkeypatch.
"""

from __future__ import annotations

import logging
import logging.handlers
from collections.abc import Callable
from typing import Any

from agent.chat import Answer, turn
from agent.config import Paths, Settings, load_settings, save_settings
from agent.engines import Engine, create_engine
from agent.index.indexer import IndexReport, Progress, forget_source, index_source
from agent.store import Store
from connectors.notes import NotesFolder

__all__ = ["Workspace", "setup_logging"]

log = logging.getLogger("fanous")


def setup_logging(paths: Paths, level: int = logging.INFO) -> None:
    """Log to a rotating file in the log dir. Prompts and answers are never logged at
    info level: they are the user's private content."""
    paths.log_dir.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger("fanous")
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        return
    handler = logging.handlers.RotatingFileHandler(
        paths.log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)


class Workspace:
    def __init__(self, paths: Paths | None = None, *, engine: Engine | None = None) -> None:
        self.paths = (paths or Paths.resolve()).ensure()
        self.settings: Settings = load_settings(self.paths)
        self._store: Store | None = None
        self._engine = engine

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.paths.database)
        return self._store

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = create_engine(self.settings)
            log.info("engine: %s (%s)", self._engine.name, self._engine.model)
        return self._engine

    def reset_engine(self) -> None:
        """Forget the engine so the next use picks it again from the settings."""
        self._engine = None

    def save_settings(self) -> None:
        save_settings(self.paths, self.settings)

    # -- sources ---------------------------------------------------------------------

    def add_notes_folder(self, folder: str) -> str:
        root = NotesFolder(folder).root
        if root not in self.settings.notes_folders:
            self.settings.notes_folders.append(root)
            self.save_settings()
        return root

    def remove_notes_folder(self, folder: str) -> int:
        root = NotesFolder(folder).root
        if root in self.settings.notes_folders:
            self.settings.notes_folders.remove(root)
            self.save_settings()
        return forget_source(self.store, root)

    def index_notes(
        self,
        folder: str,
        *,
        progress: Progress | None = None,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> IndexReport:
        report = index_source(
            self.store, NotesFolder(folder), progress=progress, should_stop=should_stop
        )
        log.info("indexed %s: %s", report.root, report.summary())
        return report

    def index_all(
        self, *, progress: Progress | None = None, should_stop: Callable[[], bool] = lambda: False
    ) -> list[IndexReport]:
        return [
            self.index_notes(f, progress=progress, should_stop=should_stop)
            for f in self.settings.notes_folders
        ]

    # -- questions -------------------------------------------------------------------

    def ask(self, question: str, **kwargs: Any) -> Answer:
        answer = turn(
            question, store=self.store, engine=self.engine, settings=self.settings, **kwargs
        )
        log.info(
            "answered via %s/%s in %.2f s with %d sources",
            answer.engine,
            answer.model,
            answer.seconds,
            len(answer.sources),
        )
        return answer

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
