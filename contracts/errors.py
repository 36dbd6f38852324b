"""The one error tree of Fanous.

Every error a user can meet is a ``FanousError`` whose message says what happened and
what to do about it. Lower layers raise the most specific subclass; the CLI and the UI
show ``str(error)`` (and ``error.fix`` when set) and never a traceback.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from typing import Any

__all__ = [
    "ActionRefused",
    "ConfigError",
    "ConnectorError",
    "EngineError",
    "EngineUnavailable",
    "FanousError",
    "InputError",
    "KeyringUnavailable",
    "ModelNotFound",
    "NeedsKeyError",
    "StorageError",
    "disk_full",
    "explain",
    "storage_error",
]


class FanousError(Exception):
    """Base of every error Fanous raises on purpose.

    ``fix`` is a short imperative sentence telling the user what to do, when we know it.
    """

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message} — {self.fix}" if self.fix else self.message


class InputError(FanousError):
    """What the user typed cannot be used as it is (an empty question, a missing folder)."""


class ConfigError(FanousError):
    """The settings file cannot be read or written."""


class StorageError(FanousError):
    """The database cannot be opened, migrated or written (disk full, locked, corrupt)."""


class ConnectorError(FanousError):
    """A source (folder, mailbox, account) cannot be read."""


class EngineError(FanousError):
    """A model engine failed while answering or embedding.

    ``partial_text``: the answer streamed before the failure (kept, never thrown away);
    ``retryable``: the server crashed and one retry is worth it; ``conversation_id``: the
    conversation the failed turn was saved in (set by the turn, so the UI stays there).
    """

    def __init__(
        self,
        message: str,
        *,
        fix: str | None = None,
        partial_text: str = "",
        retryable: bool = False,
        conversation_id: int | None = None,
    ) -> None:
        super().__init__(message, fix=fix)
        self.partial_text = partial_text
        self.retryable = retryable
        self.conversation_id = conversation_id


class EngineUnavailable(EngineError):
    """The engine cannot be reached or loaded at all (server down, library missing)."""


class ModelNotFound(EngineError):
    """The engine runs but does not have the requested model (``model``, when known, so
    a UI can offer to pull it)."""

    def __init__(self, message: str, *, model: str = "", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.model = model


class NeedsKeyError(FanousError):
    """A credential is missing from the keyring or was rejected by the provider."""


class ActionRefused(FanousError):
    """An action (draft, note, reminder) was not carried out: the source may not be
    written, the target is outside it, or it changed since the proposal was made."""


class KeyringUnavailable(FanousError):
    """No secure OS keyring is usable; secrets are never stored anywhere else."""


_KEPT = "then try again: everything saved before is kept"
_OS_CODES = {errno.ENOSPC: "FULL", errno.EDQUOT: "FULL", errno.EROFS: "READONLY",
             errno.EACCES: "READONLY", errno.EPERM: "READONLY"}  # fmt: skip


def disk_full(folder: str | os.PathLike[str]) -> bool:
    """Whether the disk holding ``folder`` has (next to) no room left for us."""
    try:
        return shutil.disk_usage(folder).free < 1 << 20
    except OSError:
        return False


def storage_error(
    error: sqlite3.Error | OSError, where: str = "the database", folder: str | None = None
) -> StorageError:
    """What a failed database or file write means for the user, and what to do next.

    Every write is one transaction, so a failure never leaves half of one behind: the
    messages can promise that what was saved before is still there. ``folder`` is where
    the write went: SQLite reports a full disk as an I/O error when it cannot grow its
    shared-memory file, so a full disk there explains any failure.
    """
    if isinstance(error, OSError):
        code = _OS_CODES.get(error.errno or 0, "")
    else:  # SQLITE_FULL, SQLITE_IOERR_WRITE, ...: the primary code is the first word
        code = (getattr(error, "sqlite_errorname", "") or "").removeprefix("SQLITE_")
        code = code.split("_")[0]
    if folder is not None and disk_full(folder):
        code = "FULL"
    if code == "FULL":
        message = f"The disk is full: Fanous could not save to {where}"
        fix = f"free some space on that disk (or move Fanous's data with FANOUS_HOME), {_KEPT}"
    elif code in ("READONLY", "PERM", "CANTOPEN"):
        message = f"Fanous cannot write to {where}: {error}"
        fix = f"check the folder's permissions and that its disk is not read-only, {_KEPT}"
    elif code in ("BUSY", "LOCKED"):
        message = f"{where} is busy: another Fanous is writing to it"
        fix = "wait for it to finish or close the other Fanous, then try again"
    elif code in ("CORRUPT", "NOTADB"):
        message = f"{where} is damaged ({error})"
        fix = "move the file away and re-index: your notes and mail are not touched"
    else:
        message = f"Could not save to {where}: {error}"
        fix = f"check the disk, {_KEPT}"
    return StorageError(message, fix=fix)


def explain(error: BaseException) -> FanousError | None:
    """The ``FanousError`` a user should see for ``error``, or None when it is a bug."""
    if isinstance(error, FanousError):
        return error
    if isinstance(error, sqlite3.Error):
        return storage_error(error)
    if isinstance(error, OSError) and _OS_CODES.get(error.errno or 0) == "FULL":
        return storage_error(error, error.filename or "the disk")
    return None
