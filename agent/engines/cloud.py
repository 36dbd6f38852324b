"""Cloud engines: the provider table, the price table, HTTP plumbing shared by the
OpenAI-compatible and Anthropic engines (``agent.engines.create_cloud_engine`` picks one).

Keys come from the OS keyring (``agent.secrets``), one entry per provider, named after it;
they are handed to an engine and never stored, printed or logged. TLS is always verified.
"""

from __future__ import annotations

import json
import logging
import random
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import tomli_w

from agent.config import PRIVATE_DIR, write_private_text
from agent.engines.base import (
    CancelToken,
    Capabilities,
    ChatChunk,
    Exchange,
    Health,
    Message,
    ModelInfo,
    ToolCall,
    tool_specs,
)
from contracts.errors import (
    ConfigError,
    EngineError,
    EngineUnavailable,
    FanousError,
    ModelNotFound,
    NeedsKeyError,
)

__all__ = [
    "DEFAULT_PRICES",
    "DEFAULT_TIMEOUT",
    "PROVIDERS",
    "Exchange",
    "HttpCloudEngine",
    "Price",
    "Provider",
    "Stream",
    "cut_short",
    "estimate_tokens",
    "http_error",
    "iter_sse",
    "load_prices",
    "parsed_call",
    "send",
    "tool_specs",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Provider:
    name: str
    protocol: str  # "openai" (Chat Completions) or "anthropic" (Messages)
    base_url: str
    model: str
    label: str


PROVIDERS: dict[str, Provider] = {
    p.name: p
    for p in (
        Provider("openai", "openai", "https://api.openai.com/v1", "gpt-4o-mini", "OpenAI"),
        Provider("anthropic", "anthropic", "https://api.anthropic.com", "claude-3-5-haiku-latest",
                 "Anthropic"),
        Provider("openrouter", "openai", "https://openrouter.ai/api/v1", "openai/gpt-4o-mini",
                 "OpenRouter"),
        Provider("groq", "openai", "https://api.groq.com/openai/v1", "llama-3.3-70b-versatile",
                 "Groq"),
        Provider("deepseek", "openai", "https://api.deepseek.com/v1", "deepseek-chat",
                 "DeepSeek"),
        Provider("together", "openai", "https://api.together.xyz/v1",
                 "meta-llama/Llama-3.3-70B-Instruct-Turbo", "Together"),
        Provider("mistral", "openai", "https://api.mistral.ai/v1", "mistral-small-latest",
                 "Mistral"),
        # Any other OpenAI-compatible server (vLLM, LM Studio…): set cloud_base_url.
        Provider("custom", "openai", "", "", "an OpenAI-compatible server"),
    )
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Price:
    """US dollars per million tokens."""

    input: float
    output: float

    def cost(self, prompt_tokens: int | None, completion_tokens: int | None) -> float:
        return ((prompt_tokens or 0) * self.input + (completion_tokens or 0) * self.output) / 1e6


# Published list prices (USD / 1M tokens) at the time of writing; the user's copy in
# prices.toml wins. "*" prices unknown models high, so the budget still holds.
DEFAULT_PRICES: dict[str, Price] = {
    "*": Price(3.0, 15.0),
    "gpt-4o-mini": Price(0.15, 0.60),
    "gpt-4o": Price(2.50, 10.0),
    "gpt-4.1-mini": Price(0.40, 1.60),
    "openai/gpt-4o-mini": Price(0.15, 0.60),
    "claude-3-5-haiku-latest": Price(0.80, 4.0),
    "claude-sonnet-4-0": Price(3.0, 15.0),
    "deepseek-chat": Price(0.27, 1.10),
    "llama-3.3-70b-versatile": Price(0.59, 0.79),
    "meta-llama/Llama-3.3-70B-Instruct-Turbo": Price(0.88, 0.88),
    "mistral-small-latest": Price(0.20, 0.60),
}


def load_prices(config_dir: Path) -> dict[str, Price]:
    """The user-editable price table (``prices.toml`` in the config dir), written with the
    defaults on first use. Unknown models fall back to the ``"*"`` row."""
    path = config_dir / "prices.toml"
    if not path.exists():
        config_dir.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
        table = {k: {"input": v.input, "output": v.output} for k, v in DEFAULT_PRICES.items()}
        header = '# USD per million tokens, per model. Edit freely; "*" is any other model.\n'
        write_private_text(path, header + tomli_w.dumps(table))
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        prices = {k: Price(float(v["input"]), float(v["output"])) for k, v in raw.items()}
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as e:
        raise ConfigError(
            f"The price table {path} is not valid ({e})",
            fix="each model needs `input = …` and `output = …` in USD per million tokens; "
            "delete the file to get the defaults back",
        ) from e
    return {**DEFAULT_PRICES, **prices}


def price_for(prices: dict[str, Price], model: str) -> Price:
    return prices.get(model) or prices.get(model.split("/")[-1]) or prices["*"]


RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504, 529})


def _error_text(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200].strip()
    if isinstance(data, dict):
        err = data.get("error", data.get("detail"))
        if isinstance(err, dict):
            return str(err.get("message") or err.get("type") or err)[:300]
        if err:
            return str(err)[:300]
    return str(data)[:300]


def http_error(provider: str, response: httpx.Response, model: str) -> EngineError | NeedsKeyError:
    """The actionable error for a failed HTTP status."""
    status, detail = response.status_code, _error_text(response)
    label = PROVIDERS[provider].label if provider in PROVIDERS else provider
    if status in (401, 403):
        return NeedsKeyError(
            f"The API key was rejected by {label} (HTTP {status}: {detail})",
            fix=f"replace it with `fanous keys set {provider}` (check it is active and has "
            "access to the model)",
        )
    if status == 404:
        return ModelNotFound(
            f"{label} does not know the model {model!r} (HTTP 404: {detail})",
            fix="set cloud_model in the settings to a model your account can use",
        )
    if status == 429:
        return EngineError(
            f"{label} is rate-limiting this key (HTTP 429: {detail})",
            fix="wait a minute and ask again, or check your plan's limits and credit",
        )
    if status >= 500:
        return EngineUnavailable(
            f"{label} is having trouble (HTTP {status}: {detail})",
            fix="ask again in a few minutes; the question can also stay local",
        )
    return EngineError(
        f"{label} refused the request (HTTP {status}: {detail})",
        fix="check cloud_model and cloud_base_url in the settings",
    )


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def send(
    client: httpx.Client,
    request: httpx.Request,
    *,
    provider: str,
    model: str,
    exchange: Exchange,
    max_retries: int = 3,
    backoff: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> httpx.Response:
    """Send with retries and exponential backoff (honouring Retry-After) on 429/5xx and
    refused connections; returns an open streaming response with a 2xx status."""
    exchange.host = request.url.host
    body = request.content
    for attempt in range(max_retries + 1):
        exchange.attempts = attempt + 1
        exchange.bytes_sent += len(body) + sum(len(k) + len(v) + 4 for k, v in request.headers.raw)
        try:
            response = client.send(request, stream=True)
        except (httpx.ConnectError, httpx.ConnectTimeout) as e:
            if attempt < max_retries:
                sleep(backoff * 2**attempt)
                continue
            raise EngineUnavailable(
                f"Cannot reach {request.url.host} ({type(e).__name__}: {e})",
                fix="check your internet connection (or the cloud_base_url setting); the "
                "question can stay local meanwhile",
            ) from e
        except httpx.TimeoutException as e:
            raise EngineError(
                f"{request.url.host} did not answer in time", fix="ask again in a moment"
            ) from e
        if response.is_success:
            return response
        response.read()
        exchange.bytes_received += len(response.content)
        if response.status_code in RETRY_STATUSES and attempt < max_retries:
            wait = _retry_after(response)
            delay = min(wait if wait is not None else backoff * 2**attempt, 30.0)
            response.close()
            log.info("%s: HTTP %s, retrying in %.1f s", provider, response.status_code, delay)
            sleep(delay * (1 + random.random() * 0.1))
            continue
        response.close()
        raise http_error(provider, response, model)
    raise AssertionError("unreachable")


def iter_sse(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Server-sent events as (event, data); ``event`` is "message" when unnamed."""
    event, data = "", list[str]()
    for line in lines:
        if not line:
            if data:
                yield event or "message", "\n".join(data)
            event, data = "", []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)
    if data:
        yield event or "message", "\n".join(data)


def json_event(data: str) -> dict[str, Any]:
    try:
        obj = json.loads(data)
    except ValueError as e:
        raise EngineError(
            f"The cloud model sent an unreadable event: {data[:80]!r}", fix="ask again"
        ) from e
    return obj if isinstance(obj, dict) else {}


DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0, pool=5.0)


def estimate_tokens(text: str) -> int:
    """~4 bytes a token: used only when a server does not report usage."""
    return max(1, len(text.encode("utf-8")) // 4) if text else 0


def parsed_call(name: str, arguments: str) -> ToolCall:
    """A tool call whose arguments were streamed as JSON text in pieces. A model may
    write broken JSON: the call then has no arguments, and the caller cannot use it."""
    try:
        args = json.loads(arguments or "{}")
    except json.JSONDecodeError:
        args = {}
    return ToolCall(name, args if isinstance(args, dict) else {})


def cut_short(message: str, partial: str) -> EngineError:
    """The error for an answer that stopped mid-stream, carrying what arrived."""
    return EngineError(
        message, fix="ask again; the part received so far is kept", partial_text=partial
    )


@dataclass(slots=True)
class Stream:
    """One streamed answer as a cloud engine reads it: what arrived, how it ended."""

    exchange: Exchange
    parts: list[str] = field(default_factory=list)
    finish: str | None = None
    done: bool = False  # the protocol's end marker arrived: stop reading
    complete: bool = False  # the answer ended properly (not cut short)
    # Tool calls as they stream in, by position: the name and the JSON text of the
    # arguments so far.
    calls: dict[int, dict[str, str]] = field(default_factory=dict)

    def call_piece(self, index: int, name: str = "", arguments: str = "") -> None:
        call = self.calls.setdefault(index, {"name": "", "arguments": ""})
        call["name"] = call["name"] or name  # sent once (OpenAI) or with every piece
        call["arguments"] += arguments

    def tool_calls(self) -> tuple[ToolCall, ...]:
        return tuple(parsed_call(c["name"], c["arguments"]) for _, c in sorted(self.calls.items()))

    @property
    def text(self) -> str:
        return "".join(self.parts)


class HttpCloudEngine:
    """What every cloud engine shares: keyword-only configuration with ``client`` as the
    seam, retries with backoff, byte counting, cost, the model list and the streamed
    answer's frame. A protocol gives its headers, its paths, the request body and how
    to read one event."""

    models_path = "/models"
    capabilities = Capabilities(priced=True, tool_calling=True)
    chat_path = "/chat/completions"
    default_finish = "stop"  # the finish reason when the server gives none

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str,
        provider: str,
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
        return f"{type(self).__name__}(provider={self.provider!r}, model={self.model!r})"

    def _headers(self) -> dict[str, str]:
        raise NotImplementedError

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

    def _post_stream(self, path: str, body: dict[str, Any]) -> tuple[httpx.Response, Exchange]:
        """POST ``body`` to ``path`` asking for server-sent events; the exchange becomes
        ``last_exchange`` so cost and the ledger see this request."""
        exchange = self.last_exchange = Exchange()
        request = self._client.build_request(
            "POST",
            f"{self.base_url}{path}",
            content=json.dumps(body).encode("utf-8"),
            headers={**self._headers(), "Accept": "text/event-stream"},
        )
        return self._send(request, exchange), exchange

    def chat(
        self,
        messages: Sequence[Message],
        *,
        stream: bool = True,
        options: dict[str, Any] | None = None,
        cancel: CancelToken | None = None,
    ) -> Iterator[ChatChunk]:
        """Stream the answer (always streamed: ``stream`` is part of the protocol)."""
        return self._stream(self._body(messages, options or {}), cancel)

    def _body(self, messages: Sequence[Message], options: dict[str, Any]) -> dict[str, Any]:
        """The request body of one answer, in the protocol's own shape."""
        raise NotImplementedError

    def _read_event(self, event: str, data: str, stream: Stream) -> Iterator[str]:
        """The text pieces of one server-sent event; records usage, the finish reason and
        the end on ``stream``; raises ``cut_short`` for an error event."""
        raise NotImplementedError

    def _stream(self, body: dict[str, Any], cancel: CancelToken | None) -> Iterator[ChatChunk]:
        """The frame every cloud engine streams in: POST, read the events, stop when
        cancelled, turn a broken or cut stream into an error carrying the text so far,
        and end with the usage."""
        response, exchange = self._post_stream(self.chat_path, body)
        stream = Stream(exchange)
        try:
            for event, data in iter_sse(self._lines(response, exchange)):
                if cancel and cancel.cancelled:
                    stream.finish = "cancelled"
                    break
                for text in self._read_event(event, data, stream):
                    stream.parts.append(text)
                    yield ChatChunk(text=text)
                if stream.done:
                    break
        except httpx.HTTPError as e:
            raise cut_short(
                f"The connection to {exchange.host} broke mid-answer ({type(e).__name__})",
                stream.text,
            ) from e
        finally:
            response.close()
        if not stream.complete and stream.finish != "cancelled":
            raise cut_short(f"{exchange.host} cut the answer short", stream.text)
        self._count_usage(body, stream)
        yield ChatChunk(
            done=True,
            prompt_tokens=exchange.prompt_tokens,
            completion_tokens=exchange.completion_tokens,
            finish_reason=stream.finish or self.default_finish,
            tool_calls=stream.tool_calls(),
        )

    def _count_usage(self, body: dict[str, Any], stream: Stream) -> None:
        """After the answer: fill in usage the server did not report (default: nothing)."""

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

    def release(self) -> None:
        """Nothing to free here: the model runs at the provider."""

    def models(self) -> list[ModelInfo]:
        request = self._client.build_request(
            "GET", f"{self.base_url}{self.models_path}", headers=self._headers()
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
