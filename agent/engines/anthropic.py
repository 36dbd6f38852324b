"""Anthropic's Messages API engine (``POST /v1/messages``, ``anthropic-version`` header).

Streams server-sent events: ``message_start``, ``content_block_start``,
``content_block_delta`` (``text_delta``), ``content_block_stop``, ``message_delta`` (stop
reason, output tokens), ``message_stop``, ``ping``, and ``error`` mid-stream. A stream
without ``message_stop`` was cut: the error carries the text so far.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from agent.engines.base import Message
from agent.engines.cloud import HttpCloudEngine, Stream, cut_short, json_event, tool_specs

__all__ = ["API_VERSION", "AnthropicEngine"]

API_VERSION = "2023-06-01"
DEFAULT_MAX_TOKENS = 1024


class AnthropicEngine(HttpCloudEngine):
    """Claude models over Anthropic's Messages API."""

    models_path = "/v1/models"

    def __init__(self, *, base_url: str = "https://api.anthropic.com", **kwargs: Any) -> None:
        super().__init__(
            base_url=base_url.rstrip("/").removesuffix("/v1"), provider="anthropic", **kwargs
        )

    def _headers(self) -> dict[str, str]:
        return {
            "x-api-key": self._key,
            "anthropic-version": API_VERSION,
            "content-type": "application/json",
        }

    chat_path = "/v1/messages"
    default_finish = "end_turn"

    def _body(self, messages: Sequence[Message], options: dict[str, Any]) -> dict[str, Any]:
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
        if tools := tool_specs(options):
            body["tools"] = [
                {"name": t["name"], "description": t.get("description", ""),
                 "input_schema": t.get("parameters") or {"type": "object"}}
                for t in tools
            ]  # fmt: skip
            if isinstance(choice := options.get("tool_choice"), dict):
                body["tool_choice"] = {"type": "tool", "name": choice["name"]}
        return body

    def _read_event(self, event: str, data: str, stream: Stream) -> Iterator[str]:
        obj = json_event(data)
        kind = obj.get("type", event)
        exchange = stream.exchange
        if kind == "message_start":
            usage = (obj.get("message") or {}).get("usage") or {}
            exchange.prompt_tokens = usage.get("input_tokens")
            exchange.completion_tokens = usage.get("output_tokens")
        elif kind == "content_block_start":
            block = obj.get("content_block") or {}
            if block.get("type") == "tool_use":
                stream.call_piece(int(obj.get("index", 0)), block.get("name") or "")
        elif kind == "content_block_delta":
            delta = obj.get("delta") or {}
            if delta.get("type") == "input_json_delta":
                stream.call_piece(int(obj.get("index", 0)), "", delta.get("partial_json") or "")
            text = delta.get("text") or "" if delta.get("type") == "text_delta" else ""
            if text:
                yield text
        elif kind == "message_delta":
            stream.finish = (obj.get("delta") or {}).get("stop_reason") or stream.finish
            usage = obj.get("usage") or {}
            if usage.get("output_tokens") is not None:
                exchange.completion_tokens = usage["output_tokens"]
        elif kind == "message_stop":
            stream.done = stream.complete = True
        elif kind == "error":
            err = obj.get("error") or {}
            raise cut_short(
                f"Anthropic stopped with an error: {err.get('type')}: {err.get('message')}",
                stream.text,
            )
