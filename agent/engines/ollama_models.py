"""Model versions on an Ollama server: pull with progress (cancel and resume), remove,
and roll an update back.

Rollback works on Ollama's own objects: before an update replaces ``name``, its manifest
is pinned under a local tag (``/api/copy`` to ``name-fanous-<digest12>``, which shares the
files and so costs no disk); every digest a model had goes to a ``DigestLog`` (the
store's ``model_digests`` table: ``agent.model_digests``), and a rollback copies the pin
back onto ``name``.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import ollama

from agent.engines.base import CancelToken
from agent.engines.ollama import CLIENT_ERRORS, ollama_error
from agent.engines.ollama_server import OllamaConnection
from contracts.errors import EngineError, ModelNotFound, StorageError

__all__ = [
    "PIN_MARK",
    "DigestLog",
    "OllamaModels",
    "PullProgress",
    "PullResult",
    "canonical_name",
    "pin_tag",
]

log = logging.getLogger(__name__)

PIN_MARK = "-fanous-"


class DigestLog(Protocol):
    """Where the digests a model had are recorded (the engine layer holds no SQL)."""

    def record(self, name: str, digest: str, event: str, pinned: str | None) -> None: ...

    def history(self, name: str) -> list[dict[str, Any]]:
        """Every recorded digest of ``name``, newest first."""
        ...


@dataclass(frozen=True, slots=True)
class PullProgress:
    """One step of a pull: ``status`` in words, bytes done over all layers seen so far."""

    status: str
    completed: int = 0
    total: int = 0
    resumed_bytes: int = 0  # bytes already on disk from an earlier, cut-off pull

    @property
    def fraction(self) -> float | None:
        return self.completed / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class PullResult:
    name: str
    status: Literal["installed", "updated", "unchanged", "cancelled"]
    digest: str | None = None
    previous_digest: str | None = None
    pinned: str | None = None  # the tag that keeps the previous version for a rollback
    resumed_bytes: int = 0


def pin_tag(name: str, digest: str) -> str:
    """``llama3.2:1b`` + digest -> ``llama3.2:1b-fanous-<digest12>`` (a valid Ollama tag)."""
    base = name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"
    return f"{base}{PIN_MARK}{digest.removeprefix('sha256:')[:12]}"


def canonical_name(name: str) -> str:
    return name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"


class OllamaModels(OllamaConnection):
    """Pull, remove and roll back models; ``digests`` records versions (optional:
    without it, pulls and removals still work)."""

    digests: DigestLog | None

    def installed(self) -> dict[str, str]:
        """Installed models -> their digests (our rollback pins left out)."""
        models = self._call(self._client.list).models
        return {m.model: m.digest or "" for m in models if PIN_MARK not in (m.model or "")}

    def pull(
        self,
        name: str,
        *,
        progress: Callable[[PullProgress], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> PullResult:
        """Download ``name`` (or its update). Cancelling keeps what was downloaded: pulling
        again resumes from there."""
        name = canonical_name(name)
        before = self.installed().get(name)
        pinned = pin_tag(name, before) if before else None
        if pinned:  # keep the current version's files while the update replaces the name
            self._call(lambda: self._client.copy(name, pinned), name)
        layers: dict[str, tuple[int, int]] = {}
        resumed = 0
        stream: Iterator[Any] = self._call(lambda: self._client.pull(name, stream=True), name)
        try:
            for step in stream:
                if cancel is not None and cancel.cancelled:
                    self._drop_pin(pinned)
                    return PullResult(name, "cancelled", before, resumed_bytes=resumed)
                if step.digest and step.total:
                    if step.digest not in layers and step.completed:
                        resumed += step.completed  # the layer was partly there already
                    layers[step.digest] = (step.completed or 0, step.total)
                if progress is not None:
                    done = sum(c for c, _ in layers.values())
                    total = sum(t for _, t in layers.values())
                    progress(PullProgress(step.status or "", done, total, resumed))
        except CLIENT_ERRORS as exc:
            self._drop_pin(pinned)
            err = ollama_error(exc, self.host, name)
            missing = ("not found", "does not exist", "manifest unknown")
            if isinstance(exc, ollama.ResponseError) and (
                exc.status_code in (400, 404) or any(w in exc.error.lower() for w in missing)
            ):
                err = ModelNotFound(f"Ollama could not pull {name!r}: {exc.error}",
                                    fix="check the name on https://ollama.com/library")  # fmt: skip
            raise err from exc
        except BaseException:  # Ctrl-C: the name still points at the version it had
            self._drop_pin(pinned)
            raise
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        after = self.installed().get(name)
        if before and after == before:
            self._drop_pin(pinned)
            return PullResult(name, "unchanged", after, before, resumed_bytes=resumed)
        self._record(name, after or "", "updated" if before else "pulled", None)
        if before:
            self._record(name, before, "pinned", pinned)
        status: Literal["installed", "updated"] = "updated" if before else "installed"
        return PullResult(name, status, after, before, pinned, resumed)

    def _drop_pin(self, pinned: str | None) -> None:
        if pinned:
            with contextlib.suppress(EngineError, *CLIENT_ERRORS):
                self._client.delete(pinned)

    def remove(self, name: str) -> list[str]:
        """Delete ``name`` and the versions kept for rolling it back; the names deleted."""
        name = canonical_name(name)
        installed = self._call(self._client.list).models
        names = [m.model for m in installed if m.model == name or
                 (m.model or "").startswith(f"{name}{PIN_MARK}")]  # fmt: skip
        if name not in names:
            raise ModelNotFound(f"Ollama has no model {name!r}", fix="see `fanous models`")
        digest = next(m.digest for m in installed if m.model == name)
        for n in names:
            self._call(functools.partial(self._client.delete, n), n)
        self._record(name, digest or "", "removed", None)
        return names

    def rollback(self, name: str) -> PullResult:
        """Put back the version ``name`` had before its last update."""
        name = canonical_name(name)
        installed = self._call(self._client.list).models
        current = next((m.digest for m in installed if m.model == name), None)
        pins = {
            m.model: m.digest for m in installed if (m.model or "").startswith(f"{name}{PIN_MARK}")
        }
        candidates = []
        if self.digests is not None:
            for row in self.digests.history(name):
                if row["pinned"] in pins and row["digest"] != current:
                    candidates.append((row["pinned"], row["digest"]))
        candidates += [(tag, d) for tag, d in pins.items() if d != current]
        if not candidates:
            raise ModelNotFound(
                f"There is no earlier version of {name!r} to roll back to",
                fix="Fanous keeps the previous version when `fanous models pull` updates a "
                "model; this one was not updated through Fanous",
            )
        tag, digest = candidates[0]
        if current:  # keep the version we leave, so the rollback can itself be undone
            keep = pin_tag(name, current)
            self._call(lambda: self._client.copy(name, keep), name)
            self._record(name, current, "pinned", keep)
        self._call(lambda: self._client.copy(tag, name), name)
        self._record(name, digest or "", "rolled_back", tag)
        return PullResult(name, "updated", digest, current, tag)

    def _record(self, name: str, digest: str, event: str, pinned: str | None) -> None:
        if self.digests is None:
            return
        try:
            self.digests.record(name, digest, event, pinned)
        except StorageError as e:  # the model is installed: a missing record is no failure
            log.warning("could not record the digest of %s: %s", name, e)
