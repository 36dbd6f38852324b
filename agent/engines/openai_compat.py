"""The OpenAI-compatible Chat Completions engine: OpenAI, OpenRouter, Groq, DeepSeek,
Together, Mistral, a self-hosted vLLM or llama.cpp server — the base URL is a setting.

Streams with server-sent events (``data: {...}`` chunks, then ``data: [DONE]``). A stream
that ends without ``[DONE]`` or a finish reason was cut: the error carries the text so far.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import httpx
import numpy as np

from agent.engines.base import CancelToken, ChatChunk, Health, Message, ModelInfo
from agent.engines.cloud import DEFAULT_PRICES, Exchange, Price, iter_sse, json_event, send
from agent.errors import EngineError, FanousError

__all__ = ["DEFAULT_TIMEOUT", "OpenAICompatEngine", "estimate_tokens"]

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0, pool=5.0)


def estimate_tokens(text: str) -> int:
    """~4 bytes a token: used only when a server does not report usage."""
    return max(1, len(text.encode("utf-8")) // 4) if text else 0


def _cut(message: str, partial: str) -> EngineError:
    e = EngineError(message, fix="ask again; the part received so far is kept")
    e.partial_text = partial  # type: ignore[attr-defined]
    return e


class OpenAICompatEngine:
    """Chat Completions over httpx. Keyword-only configuration; ``client`` is the seam."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str,
        provider: str = "openai",
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        backoff: float = 0.5,
        sleep: Callable[[float], None] | None = None,
        price: Price | None = None,
    ) -> None:
        self.name = provider
        self.provider = provider
        self.model = model
        self.base_url = base_url.rstrip("/")
        self._key = api_key
        # verify=True (the default) always: TLS certificates are checked.
        self._client = client or httpx.Client(timeout=timeout, transport=transport)
        self.max_retries = max_retries
        self.backoff = backoff
        self._sleep = sleep
        self.price = price or DEFAULT_PRICES["*"]
        self.last_exchange = Exchange()

    def __repr__(self) -> str:  # never show the key
        return f"OpenAICompatEngine(provider={self.provider!r}, model={self.model!r})"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._key}", "Content-Type": "application/json"}

    def _send(self, request: httpx.Request, exchange: Exchange) -> httpx.Response:
        kwargs: dict[str, Any] = {"max_retries": self.max_retries, "backoff": self.backoff}
        if self._sleep is not None:
            kwargs["sleep"] = self._sleep
        return send(
            self._client,
            request,
            provider=self.provider,
            model=self.model,
            exchange=exchange,
            **kwargs,
        )

    def chat(
        self,
        messages: Sequence[Message],
        *,
        stream: bool = True,
        options: dict[str, Any] | None = None,
        cancel: CancelToken | None = None,
    ) -> Iterator[ChatChunk]:
        options = options or {}
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m["role"], "content": m["content"]} for m in messages],
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if "max_tokens" in options:
            body["max_tokens"] = int(options["max_tokens"])
        if "temperature" in options:
            body["temperature"] = float(options["temperature"])
        exchange = self.last_exchange = Exchange()
        request = self._client.build_request(
            "POST",
            f"{self.base_url}/chat/completions",
            content=json.dumps(body).encode("utf-8"),
            headers={**self._headers(), "Accept": "text/event-stream"},
        )
        response = self._send(request, exchange)
        parts: list[str] = []
        finish: str | None = None
        done = False
        try:
            for _event, data in iter_sse(self._lines(response, exchange)):
                if cancel and cancel.cancelled:
                    finish = "cancelled"
                    break
                if data.strip() == "[DONE]":
                    done = True
                    break
                obj = json_event(data)
                if "error" in obj:
                    err = obj["error"]
                    msg = err.get("message", err) if isinstance(err, dict) else err
                    raise _cut(f"{self.provider} stopped with an error: {msg}", "".join(parts))
                if usage := obj.get("usage"):
                    exchange.prompt_tokens = usage.get("prompt_tokens")
                    exchange.completion_tokens = usage.get("completion_tokens")
                for choice in obj.get("choices") or []:
                    text = (choice.get("delta") or {}).get("content") or ""
                    if text:
                        parts.append(text)
                        yield ChatChunk(text=text)
                    finish = choice.get("finish_reason") or finish
        except httpx.HTTPError as e:
            raise _cut(
                f"The connection to {exchange.host} broke mid-answer ({type(e).__name__})",
                "".join(parts),
            ) from e
        finally:
            response.close()
        if not done and finish is None:
            raise _cut(f"{exchange.host} cut the answer short", "".join(parts))
        if exchange.prompt_tokens is None:
            exchange.estimated = True
            exchange.prompt_tokens = estimate_tokens(request.content.decode("utf-8"))
            exchange.completion_tokens = estimate_tokens("".join(parts))
        yield ChatChunk(
            done=True,
            prompt_tokens=exchange.prompt_tokens,
            completion_tokens=exchange.completion_tokens,
            finish_reason=finish or "stop",
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
            "GET", f"{self.base_url}/models", headers=self._headers()
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
        return Health(True, f"{self.provider} answers ({len(names)} models)")
