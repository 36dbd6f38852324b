"""The OpenAI-compatible Chat Completions engine: OpenAI, OpenRouter, Groq, DeepSeek,
Together, Mistral, a self-hosted vLLM or llama.cpp server — the base URL is a setting.

Streams with server-sent events (``data: {...}`` chunks, then ``data: [DONE]``). A stream
that ends without ``[DONE]`` or a finish reason was cut: the error carries the text so far.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import httpx

from agent.engines.base import CancelToken, ChatChunk, Message
from agent.engines.cloud import (
    HttpCloudEngine,
    cut_short,
    estimate_tokens,
    iter_sse,
    json_event,
)

__all__ = ["OpenAICompatEngine"]


class OpenAICompatEngine(HttpCloudEngine):
    """Chat Completions over httpx: OpenAI and every server that speaks its protocol."""

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._key}", "Content-Type": "application/json"}

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
        response, exchange = self._post_stream("/chat/completions", body)
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
                    raise cut_short(f"{self.provider} stopped with an error: {msg}", "".join(parts))
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
            raise cut_short(
                f"The connection to {exchange.host} broke mid-answer ({type(e).__name__})",
                "".join(parts),
            ) from e
        finally:
            response.close()
        if not done and finish is None:
            raise cut_short(f"{exchange.host} cut the answer short", "".join(parts))
        if exchange.prompt_tokens is None:
            exchange.estimated = True
            exchange.prompt_tokens = estimate_tokens(json.dumps(body))
            exchange.completion_tokens = estimate_tokens("".join(parts))
        yield ChatChunk(
            done=True,
            prompt_tokens=exchange.prompt_tokens,
            completion_tokens=exchange.completion_tokens,
            finish_reason=finish or "stop",
        )
