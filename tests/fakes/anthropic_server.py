"""An Anthropic Messages API double on 127.0.0.1, built from Anthropic's API reference.

``POST /v1/messages`` checks the ``x-api-key`` and ``anthropic-version`` headers and the
required body fields, answers as JSON or — with ``"stream": true`` — as server-sent
events in the documented order (``message_start``, ``content_block_start``, ``ping``,
``content_block_delta``… ``content_block_stop``, ``message_delta``, ``message_stop``),
and fails with the documented error shape
``{"type": "error", "error": {"type": ..., "message": ...}, "request_id": ...}``::

    with FakeAnthropic(api_key="sk-ant-test") as fake:   # fake.url
        fake.fail_next(529)              # next request: 529 overloaded_error
        fake.fail_next(429, retry_after=0)
        fake.error_mid_stream(after=2)   # 2 text deltas, then an `error` event
        fake.cut_stream(after=2)         # 2 text deltas, then the socket closes
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["ERROR_TYPES", "FakeAnthropic"]

API_VERSIONS = ("2023-06-01", "2023-01-01")
# Status -> (error type, message), as Anthropic's "Errors" page lists them.
ERROR_TYPES: dict[int, tuple[str, str]] = {
    400: ("invalid_request_error", "There was an issue with the format of your request."),
    401: ("authentication_error", "invalid x-api-key"),
    403: ("permission_error", "Your API key does not have permission to use the resource."),
    404: ("not_found_error", "The requested resource could not be found."),
    413: ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
    429: ("rate_limit_error", "Your account has hit a rate limit."),
    500: ("api_error", "An unexpected error has occurred internal to Anthropic's systems."),
    529: ("overloaded_error", "Overloaded"),
}  # fmt: skip
MODELS = ("claude-3-5-haiku-latest", "claude-sonnet-4-0")


class _Abort(Exception):
    pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeAnthropic

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], OSError | _Abort):
            super().handle_error(request, client_address)


class FakeAnthropic:
    def __init__(self, *, api_key: str = "sk-ant-test", reply: str | None = None) -> None:
        self.api_key = api_key
        self.reply = reply  # None: "You asked:" and the last user message
        # Tool calls the model makes when offered tools: (name, input); streamed as
        # ``tool_use`` blocks after the text, the input JSON in two pieces.
        self.tool_calls: list[tuple[str, dict[str, Any]]] = []
        self.requests: list[dict[str, Any]] = []  # {"path", "headers", "body"}
        self._failures: list[tuple[int, float | None]] = []
        self._faults: list[tuple[str, int]] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeAnthropic:
        self._server = _Server(("127.0.0.1", self.port), _Handler)
        self._server.fake = self
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeAnthropic:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def fail_next(self, status: int, *, times: int = 1, retry_after: float | None = None):
        with self._lock:
            self._failures.extend([(status, retry_after)] * times)

    def error_mid_stream(self, *, after: int = 2) -> None:
        with self._lock:
            self._faults.append(("error", after))

    def cut_stream(self, *, after: int = 2) -> None:
        with self._lock:
            self._faults.append(("cut", after))

    def _take(self, queue: list) -> Any:
        with self._lock:
            return queue.pop(0) if queue else None


def _count(text: str) -> int:
    return max(1, len(text.split())) if text else 0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("request-id", f"req_{uuid.uuid4().hex[:24]}")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, message: str | None = None, **headers: str) -> None:
        kind, default = ERROR_TYPES[status]
        error = {"type": kind, "message": message or default}
        rid = f"req_{uuid.uuid4().hex[:24]}"
        self._send_json(status, {"type": "error", "error": error, "request_id": rid}, headers)

    def _event(self, name: str, data: dict[str, Any]) -> None:
        payload = f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()
        try:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(payload), payload))
            self.wfile.flush()
        except OSError as e:
            raise _Abort from e

    def _authorised(self) -> bool:
        fake = self.server.fake
        if self.headers.get("x-api-key") != fake.api_key:
            self._error(401)
            return False
        if self.headers.get("anthropic-version") not in API_VERSIONS:
            self._error(400, "anthropic-version: header is required and must be a known version")
            return False
        return True

    def do_GET(self) -> None:
        if self.path.split("?")[0] != "/v1/models":
            return self._error(404)
        if not self._authorised():
            return
        data = [{"type": "model", "id": m, "display_name": m, "created_at": "2025-01-01T00:00:00Z"}
                for m in MODELS]  # fmt: skip
        self._send_json(200, {"data": data, "has_more": False, "first_id": MODELS[0],
                              "last_id": MODELS[-1]})  # fmt: skip

    def do_POST(self) -> None:
        fake = self.server.fake
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            body = None
        fake.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        if self.path != "/v1/messages":
            return self._error(404)
        if not self._authorised():
            return
        if (failure := fake._take(fake._failures)) is not None:
            status, retry_after = failure
            extra = {"retry-after": str(retry_after)} if retry_after is not None else {}
            return self._error(status, **extra)
        if not isinstance(body, dict):
            return self._error(400, "Request body is not valid JSON")
        for required in ("model", "max_tokens", "messages"):
            if required not in body:
                return self._error(400, f"{required}: Field required")
        if body["model"] not in MODELS:
            return self._error(404, f"model: {body['model']}")
        for n, tool in enumerate(body.get("tools") or []):
            for required in ("name", "input_schema"):
                if required not in tool:
                    return self._error(400, f"tools.{n}.{required}: Field required")
        offered = {t["name"] for t in body.get("tools") or []}
        calls = [(name, args) for name, args in fake.tool_calls if name in offered]
        messages = body["messages"]
        if not messages or any(m.get("role") not in ("user", "assistant") for m in messages):
            return self._error(400, "messages: roles must be 'user' or 'assistant'")
        last = messages[-1]["content"]
        text = fake.reply if fake.reply is not None else f"You asked: {last}"
        prompt_text = (body.get("system") or "") + " ".join(str(m["content"]) for m in messages)
        usage_in = _count(prompt_text)
        words = text.split(" ")
        words = words[: int(body["max_tokens"])]
        stop = "end_turn" if len(words) == len(text.split(" ")) else "max_tokens"
        msg_id = f"msg_{uuid.uuid4().hex[:24]}"
        if not body.get("stream"):
            return self._send_json(200, {
                "id": msg_id, "type": "message", "role": "assistant", "model": body["model"],
                "content": [{"type": "text", "text": " ".join(words)}],
                "stop_reason": stop, "stop_sequence": None,
                "usage": {"input_tokens": usage_in, "output_tokens": len(words)},
            })  # fmt: skip
        fault = fake._take(fake._faults)
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        self._event("message_start", {"type": "message_start", "message": {
            "id": msg_id, "type": "message", "role": "assistant", "content": [],
            "model": body["model"], "stop_reason": None, "stop_sequence": None,
            "usage": {"input_tokens": usage_in, "output_tokens": 1}}})  # fmt: skip
        block = {"type": "text", "text": ""}
        self._event("content_block_start", {"type": "content_block_start", "index": 0,
                                            "content_block": block})  # fmt: skip
        self._event("ping", {"type": "ping"})
        for n, word in enumerate(words):
            if fault and n == fault[1]:
                if fault[0] == "cut":
                    with contextlib.suppress(OSError):
                        self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(2)
                    raise _Abort
                self._event("error", {"type": "error", "error": {
                    "type": "overloaded_error", "message": "Overloaded"}})  # fmt: skip
                self.wfile.write(b"0\r\n\r\n")
                return
            delta = {"type": "text_delta", "text": word if n == 0 else " " + word}
            self._event("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                "delta": delta})  # fmt: skip
        self._event("content_block_stop", {"type": "content_block_stop", "index": 0})
        for n, (name, args) in enumerate(calls, start=1):
            block = {"type": "tool_use", "id": f"toolu_{uuid.uuid4().hex[:24]}", "name": name,
                     "input": {}}  # fmt: skip
            self._event("content_block_start", {"type": "content_block_start", "index": n,
                                                "content_block": block})  # fmt: skip
            text = json.dumps(args)
            for piece in (text[: len(text) // 2], text[len(text) // 2 :]):
                delta = {"type": "input_json_delta", "partial_json": piece}
                self._event("content_block_delta", {"type": "content_block_delta", "index": n,
                                                    "delta": delta})  # fmt: skip
            self._event("content_block_stop", {"type": "content_block_stop", "index": n})
        if calls:
            stop = "tool_use"
        self._event("message_delta", {"type": "message_delta",
                                      "delta": {"stop_reason": stop, "stop_sequence": None},
                                      "usage": {"output_tokens": len(words)}})  # fmt: skip
        self._event("message_stop", {"type": "message_stop"})
        self.wfile.write(b"0\r\n\r\n")
