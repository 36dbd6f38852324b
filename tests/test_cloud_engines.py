"""The cloud engines against real peers on loopback: llama-cpp-python's own
OpenAI-compatible server (with an API key, so a wrong key is a real 401) and an
Anthropic Messages API double built from Anthropic's reference."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.config import Settings
from agent.engines import create_cloud_engine
from agent.engines.anthropic import AnthropicEngine
from agent.engines.cloud import DEFAULT_PRICES, PROVIDERS, Price, iter_sse, load_prices
from agent.engines.openai_compat import OpenAICompatEngine
from contracts.errors import (
    ConfigError,
    EngineError,
    EngineUnavailable,
    ModelNotFound,
    NeedsKeyError,
)
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.loopback import free_port
from tests.llama_server import start_llama_server

SERVER_KEY = "sk-local-test-key"
MESSAGES = [
    {"role": "system", "content": "Answer briefly."},
    {"role": "user", "content": "Say hello."},
]


@pytest.fixture(scope="module")
def llama_server() -> Iterator[str]:
    """llama_cpp.server on 127.0.0.1 with the packaged SmolLM2 GGUF and an API key."""
    import llama_cpp.server.app  # noqa: F401  (the dev extra: missing, the run fails)

    with start_llama_server(
        "--api_key", SERVER_KEY, "--n_ctx", "1024", "--model_alias", "smollm2", ready=(200, 401)
    ) as url:
        yield url


def openai(url: str, key: str = SERVER_KEY, **kw) -> OpenAICompatEngine:
    return OpenAICompatEngine(provider="custom", base_url=url, model="smollm2", api_key=key, **kw)


# -- OpenAI-compatible, against llama-cpp-python's server --------------------------------


@pytest.mark.model
def test_openai_compat_streams_an_answer(llama_server: str) -> None:
    engine = openai(llama_server, price=Price(1.0, 2.0))
    chunks = list(engine.chat(MESSAGES, options={"max_tokens": 12, "temperature": 0}))
    text = "".join(c.text for c in chunks)
    final = chunks[-1]
    assert text.strip() and len(chunks) > 2
    assert final.done and final.finish_reason in ("stop", "length")
    ex = engine.last_exchange
    assert ex.host == "127.0.0.1" and ex.bytes_sent > 100 and ex.bytes_received > len(text)
    # llama.cpp's server sends no usage while streaming: estimated, and said so.
    assert ex.prompt_tokens and ex.completion_tokens and ex.estimated
    assert engine.cost() == pytest.approx((ex.prompt_tokens + 2 * ex.completion_tokens) / 1e6)
    assert [m.name for m in engine.models()] == ["smollm2"]
    assert engine.health().ok


@pytest.mark.model
def test_openai_compat_wrong_key_is_a_needs_key_error(llama_server: str) -> None:
    engine = openai(llama_server, key="sk-wrong")
    with pytest.raises(NeedsKeyError) as info:
        list(engine.chat(MESSAGES, options={"max_tokens": 4}))
    assert "HTTP 401" in info.value.message and "fanous keys set custom" in info.value.fix
    assert "sk-wrong" not in str(info.value) and "sk-wrong" not in repr(engine)
    health = engine.health()
    assert not health.ok and "rejected" in health.detail


def test_network_down_is_engine_unavailable_after_retries() -> None:
    naps: list[float] = []
    engine = openai(f"http://127.0.0.1:{free_port()}/v1", sleep=naps.append, max_retries=2)
    with pytest.raises(EngineUnavailable) as info:
        list(engine.chat(MESSAGES))
    assert "Cannot reach 127.0.0.1" in info.value.message and "internet" in info.value.fix
    assert naps == [0.5, 1.0] and engine.last_exchange.attempts == 3


def test_sse_parser_follows_the_spec() -> None:
    lines = [": comment", "event: ping", "data: {}", "", "data: a", "data: b", "", "data: end"]
    assert list(iter_sse(lines)) == [("ping", "{}"), ("message", "a\nb"), ("message", "end")]


# -- Anthropic, against the Messages API double -------------------------------------------


@pytest.fixture
def anthropic() -> Iterator[FakeAnthropic]:
    with FakeAnthropic(api_key="sk-ant-test", reply="The ferry leaves at 7:40.") as fake:
        yield fake


def claude(fake: FakeAnthropic, key: str = "sk-ant-test", **kw) -> AnthropicEngine:
    return AnthropicEngine(
        base_url=fake.url, model="claude-3-5-haiku-latest", api_key=key,
        price=DEFAULT_PRICES["claude-3-5-haiku-latest"], **kw,
    )  # fmt: skip


def test_anthropic_streams_with_usage_and_cost(anthropic: FakeAnthropic) -> None:
    engine = claude(anthropic)
    chunks = list(engine.chat(MESSAGES, options={"max_tokens": 50}))
    assert "".join(c.text for c in chunks) == "The ferry leaves at 7:40."
    final = chunks[-1]
    assert final.done and final.finish_reason == "end_turn"
    assert final.completion_tokens == 5 and final.prompt_tokens > 0
    sent = anthropic.requests[-1]
    assert sent["headers"]["x-api-key"] == "sk-ant-test"
    assert sent["headers"]["anthropic-version"] == "2023-06-01"
    # The system prompt goes in the top-level field, not as a message.
    assert sent["body"]["system"] == "Answer briefly." and sent["body"]["stream"] is True
    assert [m["role"] for m in sent["body"]["messages"]] == ["user"]
    assert engine.cost() == pytest.approx((final.prompt_tokens * 0.8 + 5 * 4.0) / 1e6)
    assert engine.models()[0].name == "claude-3-5-haiku-latest"


def test_anthropic_wrong_key(anthropic: FakeAnthropic) -> None:
    with pytest.raises(NeedsKeyError) as info:
        list(claude(anthropic, key="sk-ant-revoked").chat(MESSAGES))
    assert "invalid x-api-key" in info.value.message
    assert info.value.fix.startswith("replace it with `fanous keys set anthropic`")


@pytest.mark.parametrize("status", [429, 500, 529])
def test_anthropic_retries_with_backoff(anthropic: FakeAnthropic, status: int) -> None:
    naps: list[float] = []
    anthropic.fail_next(status, times=2, retry_after=0.25 if status == 429 else None)
    engine = claude(anthropic, sleep=naps.append)
    text = "".join(c.text for c in engine.chat(MESSAGES))
    assert text == "The ferry leaves at 7:40." and engine.last_exchange.attempts == 3
    if status == 429:  # Retry-After is honoured
        assert [round(n, 2) for n in naps] == [pytest.approx(0.25, abs=0.03)] * 2
    else:  # exponential: 0.5, 1.0 (plus up to 10 % jitter)
        assert 0.5 <= naps[0] <= 0.55 and 1.0 <= naps[1] <= 1.1


def test_anthropic_gives_up_on_a_persistent_529(anthropic: FakeAnthropic) -> None:
    anthropic.fail_next(529, times=4)
    with pytest.raises(EngineUnavailable) as info:
        list(claude(anthropic, sleep=lambda s: None).chat(MESSAGES))
    assert "HTTP 529: Overloaded" in info.value.message


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, EngineError), (403, NeedsKeyError), (404, ModelNotFound)],
)
def test_anthropic_error_statuses(anthropic: FakeAnthropic, status: int, error: type) -> None:
    anthropic.fail_next(status)
    with pytest.raises(error) as info:
        list(claude(anthropic, sleep=lambda s: None).chat(MESSAGES))
    assert f"HTTP {status}" in info.value.message and info.value.fix


def test_anthropic_unknown_model_is_model_not_found(anthropic: FakeAnthropic) -> None:
    engine = AnthropicEngine(base_url=anthropic.url, model="claude-9", api_key="sk-ant-test")
    with pytest.raises(ModelNotFound) as info:
        list(engine.chat(MESSAGES))
    assert "claude-9" in info.value.message and "cloud_model" in info.value.fix


@pytest.mark.parametrize("fault", ["cut", "error"])
def test_a_stream_cut_short_keeps_the_partial_text(anthropic: FakeAnthropic, fault: str) -> None:
    (anthropic.cut_stream if fault == "cut" else anthropic.error_mid_stream)(after=3)
    got: list[str] = []
    with pytest.raises(EngineError) as info:
        for chunk in claude(anthropic).chat(MESSAGES):
            got.append(chunk.text)
    assert "".join(got) == "The ferry leaves" == info.value.partial_text
    assert ("overloaded" in info.value.message.lower()) == (fault == "error")


# -- the registry and the price table -----------------------------------------------------


def test_registry_builds_the_engine_the_settings_name(anthropic: FakeAnthropic) -> None:
    s = Settings(cloud_provider="anthropic", cloud_base_url=anthropic.url)
    engine = create_cloud_engine(s, get_key={"anthropic": "sk-ant-test"}.get)
    assert isinstance(engine, AnthropicEngine) and engine.model == PROVIDERS["anthropic"].model
    s = Settings(cloud_provider="groq")
    engine = create_cloud_engine(s, key="gsk-x")
    assert isinstance(engine, OpenAICompatEngine)
    assert engine.base_url == "https://api.groq.com/openai/v1"
    with pytest.raises(NeedsKeyError) as info:
        create_cloud_engine(Settings(cloud_provider="openai"), get_key=lambda name: None)
    assert info.value.fix == "add one with `fanous keys set openai`"
    with pytest.raises(ConfigError):
        create_cloud_engine(Settings(cloud_provider="custom"), key="k")
    with pytest.raises(ConfigError):
        create_cloud_engine(Settings(cloud_provider="nope"), key="k")


def test_tls_is_verified_by_default() -> None:
    engine = create_cloud_engine(Settings(), key="sk-x")
    pool = engine._client._transport._pool  # httpx's own default transport
    assert pool._ssl_context.verify_mode.name == "CERT_REQUIRED"


def test_price_table_is_written_once_and_user_edits_win(tmp_path: Path) -> None:
    prices = load_prices(tmp_path)
    assert prices["gpt-4o-mini"] == Price(0.15, 0.60)
    path = tmp_path / "prices.toml"
    path.write_text(path.read_text() + '\n["my-model"]\ninput = 1\noutput = 2\n')
    path.write_text(path.read_text().replace("input = 0.15", "input = 0.1", 1))
    again = load_prices(tmp_path)
    assert again["my-model"] == Price(1.0, 2.0) and again["gpt-4o-mini"].input == 0.1
    path.write_text("[broken")
    with pytest.raises(ConfigError) as info:
        load_prices(tmp_path)
    assert "delete the file" in info.value.fix
