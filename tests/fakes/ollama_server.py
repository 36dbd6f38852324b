"""An Ollama HTTP API double on 127.0.0.1, built from Ollama's API docs.

It serves the endpoints Fanous uses with their real field names and both stream modes
(the HTTP API streams NDJSON unless the body says ``"stream": false``), answers with
deterministic text and real timing fields, records what it received, and fails on demand::

    with FakeOllama() as fake:                  # fake.url -> "http://127.0.0.1:PORT"
        fake.fail_next(503)                     # next request: 503 {"error": "server busy…"}
        fake.error_mid_stream("boom", after=2)  # next stream: 2 chunks, {"error": "boom"}
        fake.cut_stream(after=2)                # next stream: 2 chunks, socket closed
        fake.first_token_delay = 0.5            # answers wait before the first chunk
        fake.stop(); fake.start()               # connection refused, then back, same port
        fake.die_mid_stream(after=2)            # next stream: 2 chunks, then the server dies
        fake.publish_update("llama3.2:1b")      # the registry has a newer version to pull

Pulls stream per-layer progress in steps and remember what a cut-off pull had completed
(``partial``), so the next pull resumes from there, as Ollama does with its partial blobs.

``python -m tests.fakes.ollama_server serve`` runs it as a process that listens on
``OLLAMA_HOST`` like ``ollama serve``; ``write_ollama_executable(folder)`` puts an ``ollama``
script there that does so, for tests of "installed but not running".
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple

__all__ = [
    "FakeModel",
    "FakeOllama",
    "Received",
    "count_tokens",
    "embed_text",
    "main",
    "write_ollama_executable",
]

MODIFIED_AT = "2025-05-01T12:00:00.000000+00:00"
EXPIRES_AT = "2099-01-01T00:00:00.000000+00:00"
DEFAULT_ERRORS = {
    400: "invalid request",
    500: "llama runner process has terminated: exit status 2",
    503: "server busy, please try again.  maximum pending requests exceeded",
}
Json = dict[str, Any]


@dataclass
class FakeModel:
    """One installed model, as ``/api/tags``, ``/api/show`` and ``/api/ps`` describe it."""

    name: str
    family: str = "llama"
    parameter_size: str = "1.2B"
    quantization_level: str = "Q4_K_M"
    size: int = 1_321_098_329
    context_length: int = 131072
    capabilities: list[str] = field(default_factory=lambda: ["completion", "tools"])
    manifest: str = ""  # the manifest digest when it is not derived from the name

    @property
    def digest(self) -> str:
        return self.manifest or hashlib.sha256(self.name.encode()).hexdigest()

    def listing(self) -> Json:
        details = {"parent_model": "", "format": "gguf", "family": self.family}
        details |= {"families": [self.family], "parameter_size": self.parameter_size}
        details["quantization_level"] = self.quantization_level
        return {"name": self.name, "model": self.name, "modified_at": MODIFIED_AT,
                "size": self.size, "digest": self.digest, "details": details}  # fmt: skip


def default_models() -> dict[str, FakeModel]:
    """One chat model and one embedding model."""
    emb = FakeModel(
        "nomic-embed-text:latest", "nomic-bert", "137M", "F16", 274_302_450, 2048, ["embedding"]
    )
    return {"llama3.2:1b": FakeModel("llama3.2:1b"), emb.name: emb}


class Received(NamedTuple):
    method: str
    path: str
    body: Any  # the parsed JSON body, or None


def canonical(name: str) -> str:
    """Ollama's naming rule: a name without a tag means ``:latest``."""
    return name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"


def count_tokens(text: str) -> int:
    """The double's tokenizer: words and punctuation marks."""
    return len(re.findall(r"\w+|[^\w\s]", text))


def embed_text(text: str, dim: int = 64) -> list[float]:
    """A hashed bag of words, L2-normalised: texts sharing words get close vectors."""
    vec = [0.0] * dim
    for word in re.findall(r"\w+", text.lower()):
        h = hashlib.blake2b(word.encode(), digest_size=8).digest()
        vec[h[0] % dim] += 1.0 if h[1] & 1 else -1.0
    norm = sum(v * v for v in vec) ** 0.5
    if norm == 0.0:
        vec[0], norm = 1.0, 1.0
    return [v / norm for v in vec]


class _Abort(Exception):
    """The client left, or the double was told to drop the connection."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeOllama

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], OSError):  # clients leaving are not errors
            super().handle_error(request, client_address)


class FakeOllama:
    """An Ollama server double. Use as a context manager; ``url`` is its address."""

    def __init__(
        self, *, models: dict[str, FakeModel] | None = None, reply: str | None = None,
        version: str = "0.12.3", embed_dim: int = 64,
    ) -> None:  # fmt: skip
        self.models: dict[str, FakeModel] = default_models() if models is None else models
        self.reply = reply  # None: "Echo:" then the words of the last user message
        # A model version's own answer, by its digest: two versions of one model differ.
        self.replies: dict[str, str] = {}
        # The calls the model "makes" when a chat offers tools ({"name", "arguments"}):
        # streamed in a chunk of their own before the final one, as Ollama does; only
        # those naming an offered tool are made.
        self.tool_calls: list[Json] = []
        self.version = version
        self.embed_dim = embed_dim
        self.first_token_delay = 0.0  # seconds before the first chunk (a model loading)
        self.chunk_delay = 0.0  # seconds between chunks
        self.on_gpu = True  # /api/ps: size_vram == size, else 0
        self.requests: list[Received] = []
        self.loaded: dict[str, int] = {}  # model -> the num_ctx it is loaded with
        self.loads = 0  # model (re)loads: a changed num_ctx reloads, as in Ollama
        self.disconnects = 0  # streams the client left before their end
        self.port = 0
        self.pull_steps = 4  # progress lines per layer
        self.partial: dict[str, int] = {}  # layer digest -> bytes a cut-off pull completed
        self.prune_on_restart = False  # Ollama without OLLAMA_NOPRUNE drops partial layers
        self.revisions: dict[str, int] = {}  # model -> the registry's latest revision
        self._failures: list[tuple[int, str | None, str | None]] = []
        self._faults: list[tuple[str, int, str | None]] = []
        self._lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._server: _Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeOllama:
        """Listen (again) on the same port; the first start picks a free one."""
        if self._server is None:
            self._server = _Server(("127.0.0.1", self.port), _Handler)
            self._server.fake = self
            self.port = self._server.server_address[1]
            kwargs = {"poll_interval": 0.02}
            threading.Thread(target=self._server.serve_forever, kwargs=kwargs, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop listening and drop open connections, as a crashed server does."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with self._lock:
            conns, self._conns = list(self._conns), set()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self.loaded.clear()
        if self.prune_on_restart:
            self.partial.clear()

    def __enter__(self) -> FakeOllama:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def fail_next(self, status: int, message: str | None = None, *, path: str | None = None):
        """The next request (to ``path`` if given) fails with ``status`` and ``{"error"}``."""
        with self._lock:
            self._failures.append((status, message, path))

    def error_mid_stream(self, message: str, *, after: int = 2) -> None:
        """The next stream sends ``after`` chunks, then an ``{"error"}`` line, then ends."""
        with self._lock:
            self._faults.append(("error", after, message))

    def cut_stream(self, *, after: int = 2, clean_end: bool = False) -> None:
        """The next stream sends ``after`` chunks and never the final ``done`` object.

        The socket closes mid-body (an incomplete chunked read), or with ``clean_end``
        the body ends properly without ``done``.
        """
        with self._lock:
            self._faults.append(("end" if clean_end else "cut", after, None))

    def die_mid_stream(self, *, after: int = 2) -> None:
        """The next stream sends ``after`` chunks, then the whole server stops (a crash)."""
        with self._lock:
            self._faults.append(("die", after, None))

    def publish_update(self, name: str) -> None:
        """The registry now has a newer ``name``: the next pull gets a new digest."""
        name = canonical(name)
        self.revisions[name] = self.revisions.get(name, 0) + 1

    def registry_digest(self, name: str) -> str:
        """The manifest digest a pull of ``name`` installs now."""
        name = canonical(name)
        revision = self.revisions.get(name, 0)
        return hashlib.sha256(
            f"{name}@{revision}".encode() if revision else name.encode()
        ).hexdigest()

    def bodies(self, path: str) -> list[Any]:
        """The JSON bodies received on ``path``, oldest first."""
        return [r.body for r in self.requests if r.path == path]

    def _take_failure(self, path: str) -> tuple[int, str | None] | None:
        with self._lock:
            for i, (status, message, only) in enumerate(self._failures):
                if only in (None, path):
                    del self._failures[i]
                    return status, message
        return None

    def _take_fault(self) -> tuple[str, int, str | None] | None:
        with self._lock:
            return self._faults.pop(0) if self._faults else None

    def _load(self, name: str, num_ctx: int) -> int:
        """Load ``name`` with ``num_ctx`` unless it already is; the load_duration in ns."""
        if self.loaded.get(name) == num_ctx:
            return 50_000
        self.loaded[name] = num_ctx
        self.loads += 1
        return 5_000_000


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.fake._lock:
            self.server.fake._conns.add(self.connection)

    def finish(self) -> None:
        with self.server.fake._lock:
            self.server.fake._conns.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, ctype: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, obj: Any, status: int = 200) -> None:
        self._send(status, json.dumps(obj).encode())

    def _error(self, status: int, message: str) -> None:
        self._json({"error": message}, status)

    def _chunk(self, obj: Any | None) -> None:
        """Write one NDJSON line as an HTTP chunk; None writes the terminating chunk."""
        data = b"" if obj is None else json.dumps(obj).encode() + b"\n"
        try:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        except OSError as exc:
            self.server.fake.disconnects += 1
            raise _Abort from exc

    def _stream(
        self, parts: list[Json], final: Json, sent: Callable[[Json], None] | None = None
    ) -> bool:
        """Send ``parts`` then ``final`` as chunked NDJSON, with any injected fault; call
        ``sent`` after each part is written. True when ``final`` went out."""
        fake = self.server.fake
        fault = fake._take_fault()
        time.sleep(fake.first_token_delay)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for i, part in enumerate(parts[: fault[1] if fault else None]):
            time.sleep(fake.chunk_delay if i else 0)
            self._chunk(part)
            if sent is not None:
                sent(part)
        if fault and fault[0] == "die":
            fake.stop()  # from this handler thread: the serving loop runs in another
            raise _Abort
        if fault and fault[0] == "cut":
            raise _Abort
        if fault is None or fault[0] == "error":
            self._chunk(final if fault is None else {"error": fault[2]})
        self._chunk(None)
        return fault is None

    def _dispatch(self) -> None:
        fake, method, path = self.server.fake, self.command, self.path.split("?", 1)[0]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw.strip() else None
        except json.JSONDecodeError as exc:
            fake.requests.append(Received(method, path, None))
            return self._error(400, f"invalid character in request body: {exc.msg}")
        fake.requests.append(Received(method, path, body))
        route = _ROUTES.get((method, path))
        if route is None:
            return self._send(404, b"404 page not found", "text/plain")
        if (failure := fake._take_failure(path)) is not None:
            status, message = failure
            name = body.get("model", "") if isinstance(body, dict) else ""
            default = (
                f'model "{name}" not found, try pulling it first'
                if status == 404
                else f"HTTP {status}"
            )
            return self._error(status, message or DEFAULT_ERRORS.get(status) or default)
        if method != "GET" and not isinstance(body, dict):
            return self._error(400, "missing request body")
        try:
            route(self, body or {})
        except _Abort:
            self.close_connection = True

    do_GET = do_POST = do_DELETE = _dispatch

    # -- endpoints ---------------------------------------------------------------------
    def _model(self, body: Json) -> FakeModel | None:
        """The requested model, or None after answering 400 or 404."""
        name = body.get("model") or body.get("name") or ""
        model = self.server.fake.models.get(canonical(name)) if name else None
        if not name:
            self._error(400, "model is required")
        elif model is None:
            self._error(404, f'model "{name}" not found, try pulling it first')
        return model

    def _answer(self, body: Json, *, chat: bool) -> None:
        fake, start = self.server.fake, time.perf_counter_ns()
        if (model := self._model(body)) is None:
            return
        if "completion" not in model.capabilities:
            return self._error(400, f'"{model.name}" does not support {self.path[5:]}')
        opts = body.get("options") or {}
        num_ctx = int(opts.get("num_ctx") or 4096)
        head: Json = {"model": model.name, "created_at": _now()}
        offered = {(t.get("function") or {}).get("name") for t in body.get("tools") or []}
        if offered and "tools" not in model.capabilities:
            unsupported = f"registry.ollama.ai/library/{model.name} does not support tools"
            return self._error(400, unsupported)
        if chat:
            msgs = body.get("messages") or []
            prompt_tokens = sum(count_tokens(m.get("content") or "") + 4 for m in msgs)
            users = [m.get("content") or "" for m in msgs if m.get("role") == "user"]
            prompt = users[-1] if users else ""
        else:
            prompt = body.get("prompt") or ""
            prompt_tokens = count_tokens(body.get("system") or "") + count_tokens(prompt) + 4
            if not prompt:  # an empty prompt loads the model, or with keep_alive 0 unloads it
                unload = body.get("keep_alive") in (0, "0", "0s")
                if unload:
                    fake.loaded.pop(model.name, None)
                else:
                    fake._load(model.name, num_ctx)
                reason = "unload" if unload else "load"
                return self._json({**head, "response": "", "done": True, "done_reason": reason})
        load_ns = fake._load(model.name, num_ctx)
        text = fake.replies.get(model.digest) or (
            fake.reply if fake.reply is not None else " ".join(["Echo:", *prompt.split()])
        )
        pieces = [w if i == 0 else f" {w}" for i, w in enumerate(text.split(" "))]
        reason, limit = "stop", int(opts.get("num_predict", -1))
        if 0 <= limit < len(pieces):
            pieces, reason = pieces[:limit], "length"

        def part(text: str, done: bool) -> Json:
            if chat:
                return {**head, "message": {"role": "assistant", "content": text}, "done": done}
            return {**head, "response": text, "done": done}

        def final(text: str) -> Json:
            total = max(time.perf_counter_ns() - start, 3)
            return {**part(text, True), "done_reason": reason, "total_duration": total,
                    "load_duration": load_ns,
                    "prompt_eval_count": min(prompt_tokens, num_ctx),  # cut from the front
                    "prompt_eval_duration": total // 3, "eval_count": len(pieces),
                    "eval_duration": total // 2}  # fmt: skip

        calls = [{"function": {"name": c["name"], "arguments": c["arguments"]}}
                 for c in fake.tool_calls if c["name"] in offered]  # fmt: skip
        if body.get("stream", True):
            parts = [part(p, False) for p in pieces]
            if calls:
                message = {"role": "assistant", "content": "", "tool_calls": calls}
                parts.append({**head, "message": message, "done": False})
            return self._stream(parts, final(""))
        time.sleep(fake.first_token_delay)
        self._json(final("".join(pieces)))

    def embed(self, body: Json) -> None:
        fake, start = self.server.fake, time.perf_counter_ns()
        if (model := self._model(body)) is None:
            return
        raw = body.get("input", "")
        texts = [raw] if isinstance(raw, str) else list(raw)
        load_ns = fake._load(model.name, model.context_length)
        vectors = [embed_text(t, fake.embed_dim) for t in texts]
        self._json({"model": model.name, "embeddings": vectors, "load_duration": load_ns,
                    "total_duration": max(time.perf_counter_ns() - start, 1),
                    "prompt_eval_count": sum(count_tokens(t) for t in texts)})  # fmt: skip

    def tags(self, body: Json) -> None:
        self._json({"models": [m.listing() for m in self.server.fake.models.values()]})

    def show(self, body: Json) -> None:
        if (model := self._model(body)) is None:
            return
        arch = model.family.replace("-", "")
        info = {"general.architecture": arch, "general.parameter_count": 1_235_814_432,
                f"{arch}.context_length": model.context_length,
                f"{arch}.embedding_length": 2048}  # fmt: skip
        listing = model.listing()
        self._json({"modelfile": f"FROM {model.name}\n", "parameters": 'stop "<|eot_id|>"',
                    "template": "{{ .Prompt }}", "details": listing["details"],
                    "model_info": info, "capabilities": model.capabilities,
                    "modified_at": MODIFIED_AT})  # fmt: skip

    def ps(self, body: Json) -> None:
        fake, running = self.server.fake, []
        for name, num_ctx in fake.loaded.items():
            if (m := fake.models.get(name)) is not None:
                size = m.size + num_ctx * 4096  # weights plus the KV cache
                running.append({**m.listing(), "size": size, "expires_at": EXPIRES_AT,
                                "size_vram": size if fake.on_gpu else 0,
                                "context_length": num_ctx})  # fmt: skip
        self._json({"models": running})

    def pull(self, body: Json) -> None:
        fake = self.server.fake
        name = canonical(body.get("model") or body.get("name") or "")
        if name == ":latest":
            return self._error(400, "model is required")
        caps = ["embedding"] if "embed" in name else ["completion"]
        model = FakeModel(name, capabilities=caps, manifest=fake.registry_digest(name))
        parts: list[Json] = [{"status": "pulling manifest"}]
        steps = max(fake.pull_steps, 1)
        for n, total in enumerate((model.size - 1000, 1000)):
            digest = "sha256:" + hashlib.sha256(f"{name}{n}".encode()).hexdigest()
            start = fake.partial.get(digest, 0)  # resume what a cut-off pull left
            done = sorted(
                {start, *(start + (total - start) * k // steps for k in range(1, steps + 1))}
            )
            parts += [{"status": f"pulling {digest[7:19]}", "digest": digest, "total": total,
                       "completed": c} for c in done]  # fmt: skip
        parts += [{"status": "verifying sha256 digest"}, {"status": "writing manifest"}]

        def sent(part: Json) -> None:
            if "completed" in part:
                fake.partial[part["digest"]] = part["completed"]

        if not body.get("stream", True):
            for part in parts:
                sent(part)
            finished = True
        else:
            finished = self._stream(parts, {"status": "success"}, sent)
        if finished:
            for part in parts:
                fake.partial.pop(part.get("digest", ""), None)
            old = fake.models.get(name)
            fake.models[name] = replace(old, manifest=model.digest) if old else model
        if not body.get("stream", True):
            self._json({"status": "success"})

    def delete(self, body: Json) -> None:
        name = body.get("model") or body.get("name") or ""
        if self.server.fake.models.pop(canonical(name), None) is None:
            return self._error(404, f'model "{name}" not found')
        self._send(200, b"")

    def copy(self, body: Json) -> None:
        models, src, dst = self.server.fake.models, body.get("source"), body.get("destination")
        if not src or not dst:
            return self._error(400, "source and destination are required")
        if (model := models.get(canonical(src))) is None:
            return self._error(404, f'model "{src}" not found')
        models[canonical(dst)] = replace(model, name=canonical(dst), manifest=model.digest)
        self._send(200, b"")


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


_ROUTES: dict[tuple[str, str], Callable[[_Handler, Json], None]] = {
    ("GET", "/"): lambda h, _: h._send(200, b"Ollama is running", "text/plain; charset=utf-8"),
    ("GET", "/api/version"): lambda h, _: h._json({"version": h.server.fake.version}),
    ("POST", "/api/chat"): lambda h, body: h._answer(body, chat=True),
    ("POST", "/api/generate"): lambda h, body: h._answer(body, chat=False),
    ("POST", "/api/embed"): _Handler.embed,
    ("GET", "/api/tags"): _Handler.tags,
    ("POST", "/api/show"): _Handler.show,
    ("GET", "/api/ps"): _Handler.ps,
    ("POST", "/api/pull"): _Handler.pull,
    ("DELETE", "/api/delete"): _Handler.delete,
    ("POST", "/api/copy"): _Handler.copy,
}


# -- as a process: `ollama serve` ---------------------------------------------------------
def _listen_address() -> tuple[str, int]:
    host = os.environ.get("OLLAMA_HOST", "127.0.0.1:11434").split("://")[-1]
    name, _, port = host.rpartition(":")
    return name or "127.0.0.1", int(port or 11434)


def main(argv: list[str] | None = None) -> int:
    """``serve``: listen on ``OLLAMA_HOST`` until SIGTERM, as ``ollama serve`` does.

    ``FAKE_OLLAMA_DIE_AFTER=N`` with ``FAKE_OLLAMA_MARKER=path``: the first stream after
    which ``path`` does not exist yet writes N chunks, creates ``path`` and kills the
    process (a crash mid-answer); the restarted process answers normally.
    """
    args = sys.argv[1:] if argv is None else argv
    if args[:1] in (["-v"], ["--version"]):
        print("ollama version is 0.12.3")
        return 0
    if args[:1] != ["serve"]:
        print(f"Error: unknown command {' '.join(args)!r} for the Ollama double", file=sys.stderr)
        return 1
    host, port = _listen_address()
    fake = FakeOllama()
    fake.port = port
    try:
        fake.start()
    except OSError:
        print(f"Error: listen tcp {host}:{port}: bind: address already in use", file=sys.stderr)
        return 1
    marker = os.environ.get("FAKE_OLLAMA_MARKER")
    if (after := os.environ.get("FAKE_OLLAMA_DIE_AFTER")) and marker and not Path(marker).exists():
        original = _Handler._chunk
        count = {"n": 0}

        def dying(self: _Handler, obj: Any | None) -> None:
            if obj is not None and count["n"] >= int(after):
                Path(marker).write_text("died")
                os._exit(2)
            count["n"] += 1
            original(self, obj)

        _Handler._chunk = dying  # type: ignore[method-assign]
    print(f"Listening on {host}:{port} (version {fake.version})", file=sys.stderr, flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    stopped.wait()
    fake.stop()
    return 0


def write_ollama_executable(folder: Path) -> Path:
    """An ``ollama`` script in ``folder`` that runs this double (put ``folder`` on PATH)."""
    root = Path(__file__).resolve().parents[2]
    script = folder / "ollama"
    script.write_text(
        f"#!/bin/sh\nPYTHONPATH='{root}' exec '{sys.executable}' -m tests.fakes.ollama_server"
        ' "$@"\n'
    )
    script.chmod(0o755)
    return script


if __name__ == "__main__":
    sys.exit(main())
