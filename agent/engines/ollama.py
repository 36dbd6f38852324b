"""The Ollama engine: a local model served by ``ollama serve``, through the ``ollama`` client.

Written against the ``ollama`` 0.6 Python package and Ollama's HTTP API (see
``reference/ollama-api.md``). Every failure becomes an ``EngineError`` subclass whose
message and ``fix`` a user can act on; errors raised while answering carry the text
streamed so far in ``partial_text``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import Any, cast

import httpx
import numpy as np
import ollama

from agent.engines.base import (
    CancelToken,
    Capabilities,
    ChatChunk,
    Health,
    Message,
    ModelInfo,
    ToolCall,
    tool_specs,
)
from agent.engines.ollama_host import (
    DEFAULT_HOST,
    OllamaAddress,
    is_loopback,
    normalize_host,
    ollama_address,
    parse_ollama_env,
)
from contracts.errors import EngineError, EngineUnavailable, ModelNotFound

__all__ = [
    "CLIENT_ERRORS",
    "DEFAULT_HOST",
    "OllamaAddress",
    "OllamaEngine",
    "context_size",
    "estimate_tokens",
    "is_loopback",
    "normalize_host",
    "ollama_address",
    "ollama_error",
    "ollama_running",
    "parse_ollama_env",
]

log = logging.getLogger(__name__)

INSTALL_FIX = "start it with `ollama serve` or install it from https://ollama.com/download"
SUGGESTED_CHAT_MODEL = "llama3.2"
SUGGESTED_EMBED_MODEL = "bge-m3"  # multilingual, as the default embeddings are
RETRY_FIX = "retry; if it keeps failing, restart `ollama serve` and check its log"
CRASH_FIX = "check that Ollama is still running (it may have crashed), then retry"
MIN_CONTEXT = 2048
EMBED_BATCH = 64
# What the client raises: HTTP errors (ResponseError), refused connections (ConnectionError,
# or httpx.ConnectError inside a stream), transport errors, and unreadable replies (ValueError).
CLIENT_ERRORS = _CLIENT_ERRORS = (
    ollama.ResponseError,
    ConnectionError,
    httpx.HTTPError,
    ValueError,
)
_MEMORY_WORDS = ("memory", "alloc")


def ollama_running(host: str = "", timeout: float = 0.3) -> bool:
    """True when an Ollama server answers at ``host`` (used to choose the engine)."""
    url = normalize_host(host)
    try:
        r = httpx.get(f"{url}/api/version", timeout=timeout, trust_env=not is_loopback(url))
        return r.status_code == 200 and "version" in r.json()
    except (httpx.HTTPError, ValueError):
        return False


def estimate_tokens(messages: Sequence[Message]) -> int:
    """A generous token estimate: ~3 ASCII or ~2 other characters a token, plus template."""
    total = 0.0
    for m in messages:
        text = m["content"] or ""
        ascii_chars = sum(1 for ch in text if ch.isascii())
        total += ascii_chars / 3 + (len(text) - ascii_chars) / 2 + 8
    return math.ceil(total)


def context_size(needed_tokens: int) -> int:
    """The smallest power of two >= ``needed_tokens`` and >= 2048: stable, so no reloads."""
    return max(MIN_CONTEXT, 1 << max(needed_tokens - 1, 1).bit_length())


def _smaller_model_fix(model: str) -> str:
    """Name a smaller model from the catalog that fits this machine, when there is one."""
    from agent.engines.catalog import smaller_than
    from agent.hardware import detect

    smaller = smaller_than(model, detect())
    if smaller:
        return f"close programs that use the GPU, or switch to a smaller model such as {smaller}"
    return "close programs that use the GPU, or choose a smaller model"


def ollama_error(exc: BaseException, host: str, model: str, partial: str = "") -> EngineError:
    """Turn a client or transport exception into ours; ``partial_text`` keeps the answer
    streamed before it failed, ``retryable`` says a crash is worth one retry."""
    kind: type[EngineError] = EngineError
    retry = False
    if isinstance(exc, ollama.ResponseError):
        err, status = exc.error, exc.status_code
        oom = any(w in err.lower() for w in _MEMORY_WORDS)
        if status == 404:
            kind, msg = ModelNotFound, f"Ollama has no model {model!r} ({err})"
            fix = f"pull it: `ollama pull {model}`"
        elif status == 503:
            msg, fix = f"Ollama is busy with other requests ({err})", "wait a moment and retry"
        elif oom and (status >= 500 or status == -1):
            msg = f"Ollama ran out of memory running {model!r}: {err}"
            fix = _smaller_model_fix(model)
        elif status == -1:
            msg, fix = f"Ollama stopped in the middle of the answer: {err}", RETRY_FIX
            retry = True
        elif status >= 500:
            msg, fix = f"Ollama failed running {model!r}: {err}", RETRY_FIX
            retry = True
        else:
            msg = f"Ollama rejected the request ({status}): {err}"
            fix = "check the model name and options in the settings"
    elif isinstance(exc, ConnectionError | httpx.ConnectError | httpx.ConnectTimeout):
        kind, msg, fix = EngineUnavailable, f"Ollama is not running at {host}", INSTALL_FIX
        retry = True
    elif isinstance(exc, httpx.TimeoutException):
        msg = f"Ollama did not answer in time at {host}"
        fix = "retry (the model may still be loading), or choose a smaller model"
    elif isinstance(exc, ValueError):
        msg = f"Ollama sent a reply Fanous cannot read ({exc})"
        fix = "update Ollama to a current version, then retry"
    else:
        msg = f"Ollama closed the connection before the answer was finished ({exc})"
        fix, retry = CRASH_FIX, True
    if kind is ModelNotFound:  # the model named, so a UI can offer to pull it
        return ModelNotFound(msg, fix=fix, partial_text=partial, retryable=retry, model=model)
    return kind(msg, fix=fix, partial_text=partial, retryable=retry)


class OllamaEngine:
    """Answers and embeds with models served by Ollama."""

    name = "ollama"
    # The context grows with the prompt (``context_size``); 4096 is what a turn plans for.
    # Tool calling: Ollama's ``tools``; a model without them is asked again without.
    capabilities = Capabilities(
        context_window=4096, embeddings=True, reports_residency=True, tool_calling=True
    )

    def __init__(
        self,
        host: str = "",
        model: str = "",
        *,
        client: ollama.Client | None = None,
        timeout: float = 300.0,
        connect_timeout: float = 3.0,
        embed_model: str = "",
        max_answer_tokens: int = 1024,
        keep_alive: float | str | None = None,
        recover: Callable[[], bool] | None = None,
    ) -> None:
        self.host = normalize_host(host)
        # Called once after a crash (connection lost, runner died); True when Ollama is
        # back, e.g. OllamaManager.recover restarting the ``ollama serve`` it started.
        self.recover = recover
        self.model = model
        self.embed_model = embed_model
        self.max_answer_tokens = max_answer_tokens
        self.keep_alive = keep_alive
        self._owns_client = client is None
        self._client = client or ollama.Client(
            host=self.host,
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            trust_env=not is_loopback(self.host),  # never route loopback through a proxy
        )

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> OllamaEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- errors ------------------------------------------------------------------------
    def _error(self, exc: BaseException, model: str, partial: str = "") -> EngineError:
        return ollama_error(exc, self.host, model, partial)

    def _retry(self, error: EngineError) -> bool:
        """True when ``error`` is a crash and the ``recover`` hook brought Ollama back."""
        if self.recover is None or not error.retryable:
            return False
        log.warning("Ollama failed (%s): recovering and retrying once", error.message)
        try:
            return bool(self.recover())
        except Exception:  # a failed recovery means: report the original error
            log.exception("recovering Ollama failed")
            return False

    # -- models ------------------------------------------------------------------------
    def _list(self) -> list[Any]:
        try:
            return list(self._client.list().models)
        except _CLIENT_ERRORS as exc:
            raise self._error(exc, "") from exc

    def models(self) -> list[ModelInfo]:
        out = []
        for m in self._list():
            details = m.details.model_dump(exclude_none=True) if m.details else {}
            if m.digest:
                details["digest"] = m.digest
            size = int(m.size) if m.size is not None else None
            out.append(ModelInfo(name=m.model or "", size_bytes=size, details=details))
        return out

    @staticmethod
    def is_embedding(info: ModelInfo) -> bool:
        family = str(info.details.get("family", ""))
        return "embed" in info.name.lower() or family in ("bert", "nomic-bert")

    def resolve_model(self) -> str:
        """The chat model: the configured one, else the first installed non-embedding one."""
        if not self.model:
            chat = [m.name for m in self.models() if not self.is_embedding(m)]
            if not chat:
                raise ModelNotFound(
                    f"Ollama at {self.host} has no chat model installed",
                    fix=f"pull one: `ollama pull {SUGGESTED_CHAT_MODEL}`",
                )
            self.model = chat[0]
        return self.model

    def resolve_embed_model(self) -> str:
        """The embedding model: the configured one, else the first installed one."""
        if not self.embed_model:
            found = [m.name for m in self.models() if self.is_embedding(m)]
            if not found:
                raise ModelNotFound(
                    f"Ollama at {self.host} has no embedding model installed",
                    fix=f"pull one: `ollama pull {SUGGESTED_EMBED_MODEL}`",
                )
            self.embed_model = found[0]
        return self.embed_model

    # -- chat --------------------------------------------------------------------------
    def chat_options(
        self, messages: Sequence[Message], options: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """``options`` plus an explicit ``num_ctx`` that holds the prompt and the answer."""
        opts = {k: v for k, v in (options or {}).items() if k not in ("tools", "tool_choice")}
        if "max_tokens" in opts:  # the engine-neutral name; Ollama calls it num_predict
            opts.setdefault("num_predict", opts.pop("max_tokens"))
        answer = opts.get("num_predict")
        answer = answer if isinstance(answer, int) and answer > 0 else self.max_answer_tokens
        needed = context_size(estimate_tokens(messages) + answer)
        opts["num_ctx"] = max(int(opts.get("num_ctx") or 0), needed)
        return opts

    def chat(
        self,
        messages: Sequence[Message],
        *,
        stream: bool = True,
        options: dict[str, Any] | None = None,
        cancel: CancelToken | None = None,
    ) -> Iterator[ChatChunk]:
        """Stream the answer; the last chunk has ``done=True`` and the token counts.

        ``finish_reason`` is Ollama's ``done_reason`` ("stop", "length"), "cancelled" when
        ``cancel`` fired, or "prompt_truncated" when the prompt filled the whole context.
        ``options["tools"]`` offers tools (``base.tool_specs``): the last chunk carries the
        calls the model made; a model without tool calling is asked again without them.
        """
        model = self.resolve_model()
        opts = self.chat_options(messages, options)
        kwargs: dict[str, Any] = {"model": model, "messages": list(messages), "options": opts}
        if self.keep_alive is not None:
            kwargs["keep_alive"] = self.keep_alive
        if tools := tool_specs(options):
            kwargs["tools"] = [{"type": "function", "function": t} for t in tools]
            try:
                yield from self._chat(kwargs, opts, stream, cancel)
                return
            except EngineError as error:
                unsupported = "does not support tools" in error.message
                if not unsupported or error.partial_text:
                    raise
                log.info("%s has no tool calling: asking again without tools", model)
                del kwargs["tools"]
        yield from self._chat(kwargs, opts, stream, cancel)

    def _chat(
        self, kwargs: dict[str, Any], opts: dict[str, Any], stream: bool, cancel: CancelToken | None
    ) -> Iterator[ChatChunk]:
        model = kwargs["model"]
        if not stream:
            for attempt in (0, 1):
                try:
                    resp = self._client.chat(**kwargs, stream=False)
                    break
                except _CLIENT_ERRORS as exc:
                    error = self._error(exc, model)
                    if attempt or not self._retry(error):
                        raise error from exc
            calls = _tool_calls(resp.message.tool_calls)
            yield self._final(resp, resp.message.content or "", opts["num_ctx"], calls)
            return
        sent: list[str] = []  # the text already handed to the caller
        try:
            yield from self._stream(kwargs, opts["num_ctx"], cancel, sent, "")
        except EngineError as error:
            if not self._retry(error):
                raise
            # The retry regenerates the answer: skip what the caller already has.
            yield from self._stream(kwargs, opts["num_ctx"], cancel, sent, "".join(sent))

    def _stream(
        self,
        kwargs: dict[str, Any],
        num_ctx: int,
        cancel: CancelToken | None,
        sent: list[str],
        skip: str,
    ) -> Iterator[ChatChunk]:
        """One streamed attempt. Text is appended to ``sent`` as it is yielded; a retry
        passes the text already shown as ``skip`` and yields only what comes after it."""
        model = kwargs["model"]
        seen = ""  # this attempt's text
        calls: list[ToolCall] = []  # Ollama streams a model's tool calls in their own chunk
        # A generator at run time (typed as an iterator): closed to leave the HTTP stream.
        responses = cast(Generator[Any, None, None], self._client.chat(**kwargs, stream=True))
        try:
            for resp in responses:
                if cancel is not None and cancel.cancelled:
                    yield ChatChunk(done=True, finish_reason="cancelled")
                    return
                calls += _tool_calls(resp.message.tool_calls)
                if resp.done:
                    if len(seen) < len(skip):
                        break  # the retry's answer is shorter than what was shown
                    yield self._final(resp, resp.message.content or "", num_ctx, calls)
                    return
                text = resp.message.content or ""
                seen += text
                if len(seen) <= len(skip):
                    if not skip.startswith(seen):
                        break
                    continue
                if len(seen) - len(text) < len(skip):  # this piece crosses the shown text
                    if not seen.startswith(skip):
                        break
                    text = seen[len(skip) :]
                if text:
                    sent.append(text)
                    yield ChatChunk(text=text)
        except _CLIENT_ERRORS as exc:
            raise self._error(exc, model, "".join(sent)) from exc
        finally:
            responses.close()  # leaves the HTTP stream when cancelled or abandoned
        if cancel is not None and cancel.cancelled:
            yield ChatChunk(done=True, finish_reason="cancelled")
            return
        if skip:
            raise EngineError(
                "Ollama restarted in the middle of the answer and began a different one",
                fix="ask again",
                partial_text="".join(sent),
            )
        raise EngineError(
            "Ollama's answer ended before it was finished",
            fix=CRASH_FIX,
            partial_text="".join(sent),
            retryable=True,
        )

    @staticmethod
    def _final(
        resp: ollama.ChatResponse, text: str, num_ctx: int, calls: Sequence[ToolCall] = ()
    ) -> ChatChunk:
        reason = resp.done_reason or "stop"
        prompt = resp.prompt_eval_count
        if prompt is not None and prompt >= num_ctx:
            # Ollama cut the prompt from the front to fit: the answer missed part of it.
            log.warning("Ollama truncated the prompt: %d tokens >= num_ctx %d", prompt, num_ctx)
            reason = "prompt_truncated"
        return ChatChunk(
            text=text,
            done=True,
            prompt_tokens=prompt,
            completion_tokens=resp.eval_count,
            finish_reason=reason,
            tool_calls=tuple(calls),
        )

    # -- embeddings --------------------------------------------------------------------
    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text, from ``/api/embed``."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        model = self.resolve_embed_model()
        rows: list[Sequence[float]] = []
        for i in range(0, len(texts), EMBED_BATCH):
            batch = list(texts[i : i + EMBED_BATCH])
            for attempt in (0, 1):
                try:
                    resp = self._client.embed(model=model, input=batch)
                    break
                except _CLIENT_ERRORS as exc:
                    error = self._error(exc, model)
                    if attempt or not self._retry(error):
                        raise error from exc
            rows.extend(resp.embeddings)
        vectors = np.asarray(rows, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)

    def cost(self) -> float:
        return 0.0  # runs on the user's own server

    def release(self) -> None:
        """Unload the chat model now (``keep_alive: 0``), freeing its memory."""
        if not self.model:
            return
        try:
            self._client.generate(self.model, "", keep_alive=0)
        except _CLIENT_ERRORS as exc:
            raise self._error(exc, self.model) from exc

    # -- health ------------------------------------------------------------------------
    def health(self, timeout: float = 1.0) -> Health:
        trust_env = not is_loopback(self.host)
        try:
            version = httpx.get(f"{self.host}/api/version", timeout=timeout, trust_env=trust_env)
            tags = httpx.get(f"{self.host}/api/tags", timeout=timeout, trust_env=trust_env)
            version.raise_for_status()
            tags.raise_for_status()
            names = [m.get("model") or m.get("name") for m in tags.json().get("models", [])]
            detail = f"Ollama {version.json().get('version', '?')} at {self.host}"
        except (httpx.ConnectError, httpx.ConnectTimeout):
            return Health(False, f"Ollama is not running at {self.host}", INSTALL_FIX)
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            detail = f"Ollama at {self.host} is not answering properly ({exc})"
            return Health(False, detail, RETRY_FIX)
        detail += f", {len(names)} model{'s' if len(names) != 1 else ''}"
        if self.model and self.model not in names and f"{self.model}:latest" not in names:
            fix = f"pull it: `ollama pull {self.model}`"
            return Health(False, f"{detail}; {self.model!r} is not installed", fix)
        if not names:
            return Health(False, detail, f"pull a model: `ollama pull {SUGGESTED_CHAT_MODEL}`")
        return Health(True, detail)


def _tool_calls(calls: Sequence[Any] | None) -> list[ToolCall]:
    """Ollama's ``message.tool_calls`` as ours (arguments come as an object already)."""
    out = []
    for call in calls or []:
        fn = call.function
        out.append(ToolCall(str(fn.name), dict(fn.arguments or {})))
    return out
