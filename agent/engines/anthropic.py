"""Anthropic's Messages API engine (``POST /v1/messages``, ``anthropic-version`` header).

Streams server-sent events: ``message_start``, ``content_block_start``,
``content_block_delta`` (``text_delta``), ``content_block_stop``, ``message_delta`` (stop
reason, output tokens), ``message_stop``, ``ping``, and ``error`` mid-stream. A stream
without ``message_stop`` was cut: the error carries the text so far.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import httpx
import numpy as np

from agent.engines.base import CancelToken, ChatChunk, Health, Message, ModelInfo
from agent.engines.cloud import DEFAULT_PRICES, Exchange, Price, iter_sse, json_event, send
from agent.engines.openai_compat import DEFAULT_TIMEOUT, _cut
from agent.errors import EngineError, FanousError

__all__ = ["API_VERSION", "AnthropicEngine"]

API_VERSION = "2023-06-01"
DEFAULT_MAX_TOKENS = 1024


class AnthropicEngine:
    """Claude models over httpx. Keyword-only configuration; ``client`` is the seam."""

    name = "anthropic"
    provider = "anthropic"

    def __init__(
        self,
        *,
        model: str,
        api_key: str,
        base_url: str = "https://api.anthropic.com",
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        backoff: float = 0.5,
        sleep: Callable[[float], None] | None = None,
        price: Price | None = None,
    ) -> None:
        self.model = model
        self.base_url = base_url.rstrip("/").removesuffix("/v1")
        self._key = api_key
        self._client = client or httpx.Client(timeout=timeout, transport=transport)
        self.max_retries = max_retries
        self.backoff = backoff
        self._sleep = sleep
        self.price = price or DEFAULT_PRICES["*"]
        self.last_exchange = Exchange()

    def __repr__(self) -> str:  # never show the key
        return f"AnthropicEngine(model={self.model!r})"

    def _headers(self) -> dict[str, str]:
        return {
            "x-api-key": self._key,
            "anthropic-version": API_VERSION,
            "content-type": "application/json",
        }

    def _send(self, request: httpx.Request, exchange: Exchange) -> httpx.Response:
        kwargs: dict[str, Any] = {"max_retries": self.max_retries, "backoff": self.backoff}
        if self._sleep is not None:
            kwargs["sleep"] = self._sleep
        return send(
            self._client, request, provider="anthropic", model=self.model, exchange=exchange,
            **kwargs,
        )  # fmt: skip

    def chat(
        self,
        messages: Sequence[Message],
        *,
        stream: bool = True,
        options: dict[str, Any] | None = None,
        cancel: CancelToken | None = None,
    ) -> Iterator[ChatChunk]:
        options = options or {}
        system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
        body: dict[str, Any] = {
            "model": self.model,
            "max_tokens": int(options.get("max_tokens", DEFAULT_MAX_TOKENS)),
            "messages": [
                {"role": m["role"], "content": m["content"]}
                for m in messages
                if m["role"] != "system"
            ],
            "stream": True,
        }
        if system:
            body["system"] = system
        if "temperature" in options:
            body["temperature"] = float(options["temperature"])
        exchange = self.last_exchange = Exchange()
        request = self._client.build_request(
            "POST",
            f"{self.base_url}/v1/messages",
            content=json.dumps(body).encode("utf-8"),
            headers={**self._headers(), "accept": "text/event-stream"},
        )
        response = self._send(request, exchange)
        parts: list[str] = []
        finish: str | None = None
        stopped = False
        try:
            for event, data in iter_sse(self._lines(response, exchange)):
                if cancel and cancel.cancelled:
                    finish = "cancelled"
                    break
                obj = json_event(data)
                kind = obj.get("type", event)
                if kind == "message_start":
                    usage = (obj.get("message") or {}).get("usage") or {}
                    exchange.prompt_tokens = usage.get("input_tokens")
                    exchange.completion_tokens = usage.get("output_tokens")
                elif kind == "content_block_delta":
                    delta = obj.get("delta") or {}
                    text = delta.get("text") or "" if delta.get("type") == "text_delta" else ""
                    if text:
                        parts.append(text)
                        yield ChatChunk(text=text)
                elif kind == "message_delta":
                    finish = (obj.get("delta") or {}).get("stop_reason") or finish
                    usage = obj.get("usage") or {}
                    if usage.get("output_tokens") is not None:
                        exchange.completion_tokens = usage["output_tokens"]
                elif kind == "message_stop":
                    stopped = True
                    break
                elif kind == "error":
                    err = obj.get("error") or {}
                    raise _cut(
                        f"Anthropic stopped with an error: {err.get('type')}: {err.get('message')}",
                        "".join(parts),
                    )
        except httpx.HTTPError as e:
            raise _cut(
                f"The connection to {exchange.host} broke mid-answer ({type(e).__name__})",
                "".join(parts),
            ) from e
        finally:
            response.close()
        if not stopped and finish != "cancelled":
            raise _cut(f"{exchange.host} cut the answer short", "".join(parts))
        yield ChatChunk(
            done=True,
            prompt_tokens=exchange.prompt_tokens,
            completion_tokens=exchange.completion_tokens,
            finish_reason=finish or "end_turn",
        )

    @staticmethod
    def _lines(response: httpx.Response, exchange: Exchange) -> Iterator[str]:
        for line in response.iter_lines():
            exchange.bytes_received += len(line.encode("utf-8")) + 1
            yield line

    def cost(self) -> float:
        ex = self.last_exchange
        return self.price.cost(ex.prompt_tokens, ex.completion_tokens)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        raise EngineError(
            "Cloud engines do not embed your notes", fix="embeddings are always made locally"
        )

    def models(self) -> list[ModelInfo]:
        request = self._client.build_request(
            "GET", f"{self.base_url}/v1/models", headers=self._headers()
        )
        response = self._send(request, Exchange())
        try:
            response.read()
            data = response.json().get("data") or []
        finally:
            response.close()
        return [ModelInfo(str(m.get("id"))) for m in data if isinstance(m, dict)]

    def health(self) -> Health:
        try:
            names = [m.name for m in self.models()]
        except FanousError as e:
            return Health(False, e.message, e.fix)
        return Health(True, f"Anthropic answers ({len(names)} models)")
