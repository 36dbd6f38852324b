"""The only module that touches the OS keyring. Secrets never go anywhere else.

If no secure keyring is usable we raise ``KeyringUnavailable`` with what was found and
how to fix it; we never fall back to a file.
"""

from __future__ import annotations

import keyring
import keyring.backend
import keyring.errors

from contracts.errors import KeyringUnavailable

__all__ = [
    "SERVICE",
    "backend_name",
    "check_backend",
    "delete_secret",
    "get_secret",
    "set_secret",
]

SERVICE = "Fanous"

# Backends that do not keep secrets safely, or do not keep them at all.
_UNSAFE = ("fail", "null", "plaintext", "chainer")


def backend_name() -> str:
    kr = keyring.get_keyring()
    return f"{type(kr).__module__.removeprefix('keyring.backends.')}.{type(kr).__name__}"


def check_backend() -> str:
    """Return the backend's name, or raise when it is not a secure store."""
    kr = keyring.get_keyring()
    name = backend_name()
    lowered = name.lower()
    is_chainer = type(kr).__name__ == "ChainerBackend"
    usable = not any(word in lowered for word in _UNSAFE) or (
        is_chainer and bool(getattr(kr, "backends", []))
    )
    if not usable or kr.priority <= 0:
        raise KeyringUnavailable(
            f"No secure keyring is available (found {name})",
            fix="on Linux install and unlock gnome-keyring or KWallet (a Secret Service "
            "provider); on macOS and Windows the system keychain is used automatically",
        )
    return name


def _wrap(action: str, error: Exception) -> KeyringUnavailable:
    return KeyringUnavailable(
        f"The keyring ({backend_name()}) refused to {action}: {error}",
        fix="unlock your keyring (log in to your desktop session) and try again",
    )


def set_secret(name: str, value: str) -> None:
    if not value:
        raise ValueError("refusing to store an empty secret")
    check_backend()
    try:
        keyring.set_password(SERVICE, name, value)
    except keyring.errors.KeyringError as e:
        raise _wrap("store the secret", e) from e


def get_secret(name: str) -> str | None:
    check_backend()
    try:
        return keyring.get_password(SERVICE, name)
    except keyring.errors.KeyringError as e:
        raise _wrap("read the secret", e) from e


def delete_secret(name: str) -> bool:
    """Remove a secret; False when there was none."""
    check_backend()
    try:
        keyring.delete_password(SERVICE, name)
    except keyring.errors.PasswordDeleteError:
        return False
    except keyring.errors.KeyringError as e:
        raise _wrap("delete the secret", e) from e
    return True
