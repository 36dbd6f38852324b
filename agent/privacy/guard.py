"""The offline guarantee, enforced in the process itself.

``install(policy)`` adds a ``sys.addaudithook`` hook (once per process; hooks cannot be
removed) that sees every ``socket.connect``, ``socket.connect_ex``, ``socket.sendto`` and
``socket.getaddrinfo``. While ``policy()`` says offline, anything aimed at a non-loopback
address raises ``OfflineBlocked`` before a packet leaves — DNS look-ups included. The
policy is a callable so that flipping the setting takes effect at the next connection.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from contracts.errors import ConfigError, FanousError

__all__ = [
    "OfflineBlocked",
    "Policy",
    "check_base_url",
    "install",
    "is_loopback",
    "set_policy",
]

_EVENTS = frozenset({"socket.connect", "socket.connect_ex", "socket.sendto", "socket.getaddrinfo"})


class OfflineBlocked(FanousError):
    """Something tried to reach the network while Fanous is offline."""


@dataclass(frozen=True, slots=True)
class Policy:
    offline: bool
    # Hosts the user configured as their own: an Ollama server on the LAN, their IMAP
    # server. Fetching their own mail is not escalation; nothing else gets through.
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)


_lock = threading.Lock()
_local = threading.local()
_allowed_addresses: set[str] = set()  # addresses of allowed host names, as resolved
_installed = False
_policy: Callable[[], Policy] = lambda: Policy(offline=False)  # noqa: E731


def is_loopback(host: object) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port): the local host
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.strip("[]").split("%", 1)[0].lower()
    if name in ("localhost", "localhost.localdomain", "ip6-localhost", ""):
        return True
    if name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _target(event: str, args: tuple[Any, ...]) -> tuple[object, bool]:
    """(host, is_network) for an audited socket event."""
    if event == "socket.getaddrinfo":
        return args[0], True
    sock, address = args[0], args[-1]
    family = getattr(sock, "family", None)
    if family not in (socket.AF_INET, socket.AF_INET6):
        return None, False  # AF_UNIX and friends never leave the machine
    host = address[0] if isinstance(address, tuple) and address else address
    return host, True


def _remember_addresses(host: str) -> None:
    """Resolve an allowed host name once more, so that a later ``connect`` to one of its
    addresses is recognised as going to that host."""
    if getattr(_local, "resolving", False):
        return
    _local.resolving = True
    try:
        for *_, sockaddr in socket.getaddrinfo(host, None):
            _allowed_addresses.add(str(sockaddr[0]).lower())
    except OSError:
        pass
    finally:
        _local.resolving = False


def _hook(event: str, args: tuple[Any, ...], _events: frozenset[str] = _EVENTS) -> None:
    # _events is bound at definition: at interpreter shutdown module globals may already
    # be cleared while late socket events still reach the hook.
    if event not in _events:
        return
    host, network = _target(event, args)
    if not network or is_loopback(host):
        return
    policy = _policy()
    name = str(host).lower()
    if not policy.offline or name in _allowed_addresses:
        return
    if name in policy.allowed_hosts:
        if event == "socket.getaddrinfo":
            _remember_addresses(name)
        return
    raise OfflineBlocked(
        f"Blocked a connection to {host}: Fanous is offline",
        fix="turn cloud escalation on (`fanous cloud on`) and the offline switch off to "
        "let Fanous reach a cloud model",
    )


def set_policy(policy: Callable[[], Policy]) -> None:
    global _policy
    _policy = policy


def install(policy: Callable[[], Policy]) -> None:
    """Enforce ``policy`` for the rest of this process (idempotent; the newest wins)."""
    global _installed
    with _lock:
        set_policy(policy)
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True


def check_base_url(url: str) -> None:
    """A cloud base URL must be https:// (the API key and the passages cross the network
    in every request) unless it is this machine (a server on loopback). Raises
    ``ConfigError`` saying how to fix it."""
    parts = urlsplit(url.strip())
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname and is_loopback(parts.hostname):
        return
    if parts.scheme == "http" and parts.hostname:
        raise ConfigError(
            f"The cloud base URL {url!r} is not encrypted: your API key and the passages "
            "would cross the network in clear",
            fix="use its https:// address (plain http:// is only for a server on this "
            "machine, such as http://127.0.0.1:8000/v1)",
        )
    raise ConfigError(
        f"The cloud base URL {url!r} is not a web address",
        fix="give the provider's https:// API address, e.g. https://api.openai.com/v1, or "
        "leave it empty for the provider's own",
    )
