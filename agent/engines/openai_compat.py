"""The OpenAI-compatible Chat Completions engine: OpenAI, OpenRouter, Groq, DeepSeek,
Together, Mistral, a self-hosted vLLM or llama.cpp server — the base URL is a setting.

Streams with server-sent events (``data: {...}`` chunks, then ``data: [DONE]``). A stream
that ends without ``[DONE]`` or a finish reason was cut: the error carries the text so far.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from agent.engines.base import Message
from agent.engines.cloud import (
    HttpCloudEngine,
    Stream,
    cut_short,
    estimate_tokens,
    json_event,
    tool_specs,
)

__all__ = ["OpenAICompatEngine"]


class OpenAICompatEngine(HttpCloudEngine):
    """Chat Completions over httpx: OpenAI and every server that speaks its protocol."""

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._key}", "Content-Type": "application/json"}

    chat_path = "/chat/completions"
    default_finish = "stop"

    def _body(self, messages: Sequence[Message], options: dict[str, Any]) -> dict[str, Any]:
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
        if tools := tool_specs(options):
            body["tools"] = [{"type": "function", "function": t} for t in tools]
            if isinstance(choice := options.get("tool_choice"), dict):
                body["tool_choice"] = {"type": "function", "function": {"name": choice["name"]}}
        return body

    def _read_event(self, event: str, data: str, stream: Stream) -> Iterator[str]:
        if data.strip() == "[DONE]":
            stream.done = stream.complete = True
            return
        obj = json_event(data)
        if "error" in obj:
            err = obj["error"]
            msg = err.get("message", err) if isinstance(err, dict) else err
            raise cut_short(f"{self.provider} stopped with an error: {msg}", stream.text)
        if usage := obj.get("usage"):
            stream.exchange.prompt_tokens = usage.get("prompt_tokens")
            stream.exchange.completion_tokens = usage.get("completion_tokens")
        for choice in obj.get("choices") or []:
            delta = choice.get("delta") or {}
            text = delta.get("content") or ""
            if text:
                yield text
            for n, piece in enumerate(delta.get("tool_calls") or []):  # streamed in pieces
                fn = piece.get("function") or {}
                stream.call_piece(
                    int(piece.get("index", n)), fn.get("name") or "", fn.get("arguments") or ""
                )
            if finish := choice.get("finish_reason"):
                stream.finish = finish
                stream.complete = True  # a finish reason ends the answer, [DONE] or not

    def _count_usage(self, body: dict[str, Any], stream: Stream) -> None:
        exchange = stream.exchange
        if exchange.prompt_tokens is None:  # the server reports no usage: estimate it
            exchange.estimated = True
            exchange.prompt_tokens = estimate_tokens(json.dumps(body))
            exchange.completion_tokens = estimate_tokens(stream.text)
