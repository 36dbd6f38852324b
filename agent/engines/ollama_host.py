"""Where Ollama serves: the ``ollama_host`` setting, else ``OLLAMA_HOST`` read the way
Ollama's own CLI reads it, else the default address. Kept free of heavy imports: the
workspace's egress policy reads it on every start."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "OllamaAddress",
    "is_loopback",
    "normalize_host",
    "ollama_address",
    "parse_ollama_env",
]

DEFAULT_HOST = "http://127.0.0.1:11434"
DEFAULT_PORT = 11434


def _join(scheme: str, name: str, port: int | str, path: str) -> str:
    if name in ("0.0.0.0", "::"):  # a bind-all address: the server is reached locally
        name = "127.0.0.1"
    if ":" in name:
        name = f"[{name}]"
    return f"{scheme}://{name}:{port}{path.rstrip('/')}"


def parse_ollama_env(value: str) -> str:
    """``OLLAMA_HOST`` read as Ollama's own CLI and Python client read it (envconfig.Host):
    quotes and spaces trimmed; no scheme means http and port 11434; ``http://`` or
    ``https://`` without a port means 80 or 443; ``:PORT`` means 127.0.0.1:PORT. The
    server reads the same variable, so Fanous must agree with it to find it."""
    value = value.strip().strip("\"'").strip()
    scheme, sep, rest = value.partition("://")
    if not sep:
        scheme, rest, default_port = "http", value, DEFAULT_PORT
    else:
        scheme = scheme.lower()
        default_port = {"http": 80, "https": 443}.get(scheme, DEFAULT_PORT)
    hostport, slash, path = rest.partition("/")
    parts = urlsplit(f"//{hostport}")
    try:
        port = parts.port
    except ValueError:  # not a number or out of range: Ollama falls back to the default
        port = None
    name = parts.hostname or "127.0.0.1"
    return _join(scheme, name, port or default_port, f"{slash}{path}")


def normalize_host(host: str | None, environ: Mapping[str, str] | None = None) -> str:
    """``scheme://host:port[/path]`` for the ``ollama_host`` setting: no scheme means
    http, no port means 11434 (not 80). An empty setting means what Ollama's own tools
    use: ``OLLAMA_HOST`` (see ``parse_ollama_env``), else http://127.0.0.1:11434."""
    return ollama_address(host, environ).url


@dataclass(frozen=True, slots=True)
class OllamaAddress:
    url: str
    origin: str  # "setting" | "OLLAMA_HOST" | "default"

    def describe(self) -> str:
        return {
            "setting": f"{self.url} (the ollama_host setting)",
            "OLLAMA_HOST": f"{self.url} (from OLLAMA_HOST)",
        }.get(self.origin, f"{self.url} (the default)")


def ollama_address(setting: str | None, environ: Mapping[str, str] | None = None) -> OllamaAddress:
    """Where Ollama is: an explicit ``ollama_host`` setting wins, then ``OLLAMA_HOST`` as
    Ollama's CLI reads it, then the default address."""
    host = (setting or "").strip()
    if host:
        if "://" not in host:
            host = f"http://{host}"
        parts = urlsplit(host)
        return OllamaAddress(
            _join(parts.scheme, parts.hostname or "127.0.0.1", parts.port or DEFAULT_PORT,
                  parts.path),
            "setting",
        )  # fmt: skip
    env = (os.environ if environ is None else environ).get("OLLAMA_HOST", "")
    if env.strip().strip("\"'").strip():
        return OllamaAddress(parse_ollama_env(env), "OLLAMA_HOST")
    return OllamaAddress(DEFAULT_HOST, "default")


def is_loopback(url: str) -> bool:
    name = urlsplit(url).hostname or ""
    try:
        return name == "localhost" or ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
