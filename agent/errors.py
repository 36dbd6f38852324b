"""The one error tree of Fanous.

Every error a user can meet is a ``FanousError`` whose message says what happened and
what to do about it. Lower layers raise the most specific subclass; the CLI and the UI
show ``str(error)`` (and ``error.fix`` when set) and never a traceback.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "ConnectorError",
    "EngineError",
    "EngineUnavailable",
    "FanousError",
    "KeyringUnavailable",
    "ModelNotFound",
    "NeedsKeyError",
    "StorageError",
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


class ConfigError(FanousError):
    """The settings file cannot be read or written."""


class StorageError(FanousError):
    """The database cannot be opened, migrated or written (disk full, locked, corrupt)."""


class ConnectorError(FanousError):
    """A source (folder, mailbox, account) cannot be read."""


class EngineError(FanousError):
    """A model engine failed while answering or embedding."""


class EngineUnavailable(EngineError):
    """The engine cannot be reached or loaded at all (server down, library missing)."""


class ModelNotFound(EngineError):
    """The engine runs but does not have the requested model."""


class NeedsKeyError(FanousError):
    """A credential is missing from the keyring or was rejected by the provider."""


class KeyringUnavailable(FanousError):
    """No secure OS keyring is usable; secrets are never stored anywhere else."""
