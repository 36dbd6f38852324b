"""OllamaEngine against the Ollama API double, and the double against the real client."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import httpx
import numpy as np
import ollama
import pytest

from agent.engines.base import CancelToken, ChatChunk, Engine, Message
from agent.engines.ollama import (
    OllamaEngine,
    context_size,
    estimate_tokens,
    normalize_host,
    ollama_running,
)
from contracts.errors import EngineError, EngineUnavailable, ModelNotFound
from tests.fakes.ollama_server import FakeModel, FakeOllama

CHAT = "llama3.2:1b"
EMBED = "nomic-embed-text:latest"


@pytest.fixture
def fake() -> Iterator[FakeOllama]:
    with FakeOllama() as server:
        yield server


@pytest.fixture
def client(fake: FakeOllama) -> Iterator[ollama.Client]:
    with ollama.Client(host=fake.url, timeout=5.0) as c:
        yield c


@pytest.fixture
def engine(fake: FakeOllama) -> Iterator[OllamaEngine]:
    with OllamaEngine(fake.url, CHAT, timeout=5.0) as e:
        yield e


def ask(text: str) -> list[Message]:
    return [{"role": "system", "content": "Be brief."}, {"role": "user", "content": text}]


def answer(chunks: list[ChatChunk]) -> str:
    return "".join(c.text for c in chunks)


# -- the double, read by the real ollama client ------------------------------------------
def test_client_chat_streams_and_not(client: ollama.Client) -> None:
    msgs = [{"role": "user", "content": "hello there lantern"}]
    whole = client.chat(CHAT, msgs)
    assert whole.message.content == "Echo: hello there lantern"
    assert whole.done and whole.done_reason == "stop"
    assert whole.eval_count == 4 and whole.prompt_eval_count == 7
    assert whole.total_duration and whole.total_duration > 0
    assert whole.eval_duration and whole.prompt_eval_duration and whole.load_duration
    parts = list(client.chat(CHAT, msgs, stream=True))
    assert len(parts) == 5 and [p.done for p in parts] == [False] * 4 + [True]
    assert "".join(p.message.content or "" for p in parts) == whole.message.content


def test_client_generate(client: ollama.Client, fake: FakeOllama) -> None:
    assert client.generate(CHAT, "tell me").response == "Echo: tell me"
    parts = list(client.generate(CHAT, "tell me", stream=True))
    assert "".join(p.response or "" for p in parts) == "Echo: tell me" and parts[-1].done
    assert client.generate(CHAT, "", keep_alive=0).done_reason == "unload"
    assert client.generate(CHAT, "").done_reason == "load"
    assert fake.bodies("/api/generate")[0]["stream"] is False


def test_client_embed_string_and_list(client: ollama.Client) -> None:
    one = client.embed(EMBED, "notes about lanterns").embeddings
    many = client.embed(EMBED, ["notes about lanterns", "mail from Sara"]).embeddings
    assert len(one) == 1 and len(many) == 2 and len(many[0]) == 64
    assert one[0] == many[0]  # deterministic
    assert np.linalg.norm(np.array(many), axis=1) == pytest.approx([1.0, 1.0])


def test_client_list_show_ps(client: ollama.Client) -> None:
    assert [m.model for m in client.list().models] == [CHAT, EMBED]
    shown = client.show(CHAT)
    assert shown.modelinfo and shown.modelinfo["llama.context_length"] == 131072
    assert shown.capabilities == ["completion", "tools"]
    assert client.ps().models == []
    client.chat(CHAT, [{"role": "user", "content": "hi"}], options={"num_ctx": 8192})
    (running,) = client.ps().models
    assert running.model == CHAT and running.size_vram == running.size
    assert running.context_length == 8192


def test_client_pull_with_progress_adds_model(client: ollama.Client) -> None:
    progress = list(client.pull("qwen3:0.6b", stream=True))
    assert progress[0].status == "pulling manifest" and progress[-1].status == "success"
    layers = [p for p in progress if p.digest]
    assert layers and all(p.total and p.completed is not None for p in layers)
    assert layers[-1].completed == layers[-1].total
    assert "qwen3:0.6b" in [m.model for m in client.list().models]
    assert client.pull("tiny", stream=False).status == "success"


def test_client_copy_and_delete(client: ollama.Client) -> None:
    assert client.copy(CHAT, "known-good").status == "success"
    assert client.show("known-good").capabilities == ["completion", "tools"]
    assert client.delete("known-good").status == "success"
    with pytest.raises(ollama.ResponseError) as err:
        client.delete("known-good")
    assert err.value.status_code == 404


def test_client_errors(client: ollama.Client, fake: FakeOllama) -> None:
    with pytest.raises(ollama.ResponseError) as err:
        client.chat("missing", [{"role": "user", "content": "hi"}])
    assert err.value.status_code == 404
    assert err.value.error == 'model "missing" not found, try pulling it first'
    fake.fail_next(503)
    with pytest.raises(ollama.ResponseError) as err:
        client.list()
    assert err.value.status_code == 503 and "server busy" in err.value.error
    fake.error_mid_stream("boom", after=1)
    with pytest.raises(ollama.ResponseError) as err:
        list(client.chat(CHAT, [{"role": "user", "content": "a b c"}], stream=True))
    assert err.value.status_code == -1 and err.value.error == "boom"


def test_http_api_streams_by_default(fake: FakeOllama) -> None:
    assert httpx.get(fake.url).text == "Ollama is running"
    assert httpx.get(f"{fake.url}/api/version").json() == {"version": "0.12.3"}
    msgs = [{"role": "user", "content": "x y"}]
    r = httpx.post(f"{fake.url}/api/chat", json={"model": CHAT, "messages": msgs})
    assert r.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert len(lines) == 4 and lines[-1]["done"] is True and lines[-1]["eval_count"] == 3
    bad = httpx.post(f"{fake.url}/api/chat", content=b"{nope")
    assert bad.status_code == 400 and "error" in bad.json()
    assert httpx.post(f"{fake.url}/api/chat", json={"messages": msgs}).status_code == 400
    assert fake.requests[1] == ("GET", "/api/version", None)


# -- the engine ---------------------------------------------------------------------------
def test_engine_streams_text_then_stats(engine: OllamaEngine) -> None:
    assert isinstance(engine, Engine)
    chunks = list(engine.chat(ask("where is my lantern")))
    assert answer(chunks) == "Echo: where is my lantern"
    assert len(chunks) == 6 and not any(c.done for c in chunks[:-1])
    final = chunks[-1]
    assert final.done and final.finish_reason == "stop"
    assert final.completion_tokens == 5 and final.prompt_tokens == 15


def test_engine_non_stream(engine: OllamaEngine) -> None:
    (only,) = list(engine.chat(ask("one shot"), stream=False))
    assert only.text == "Echo: one shot" and only.done and only.completion_tokens == 3


def test_num_ctx_explicit_fits_prompt_and_stays_stable(
    engine: OllamaEngine, fake: FakeOllama
) -> None:
    list(engine.chat(ask("a short question")))
    list(engine.chat(ask("another, slightly longer short question")))
    sent = [b["options"]["num_ctx"] for b in fake.bodies("/api/chat")]
    assert sent == [2048, 2048] and fake.loads == 1  # the model was not reloaded
    long = ask("word " * 3000)  # ~5000 tokens by our estimate, plus the answer
    list(engine.chat(long, options={"num_ctx": 1024, "temperature": 0}))
    opts = fake.bodies("/api/chat")[-1]["options"]
    assert opts["num_ctx"] == 8192 >= estimate_tokens(long) + 1024 and opts["temperature"] == 0


def test_context_size_buckets() -> None:
    assert [context_size(n) for n in (1, 2048, 2049, 5000, 9000)] == [
        2048, 2048, 4096, 8192, 16384,
    ]  # fmt: skip
    assert estimate_tokens([{"role": "user", "content": "x" * 300}]) == 108


def test_length_and_prompt_truncation_reasons(engine: OllamaEngine) -> None:
    chunks = list(engine.chat(ask("one two three four five"), options={"num_predict": 2}))
    assert answer(chunks) == "Echo: one" and chunks[-1].finish_reason == "length"
    full = ollama.ChatResponse(
        message=ollama.Message(role="assistant", content=""),
        done=True,
        done_reason="stop",
        prompt_eval_count=4096,
        eval_count=3,
    )
    assert OllamaEngine._final(full, "", 4096).finish_reason == "prompt_truncated"


def test_cancel_mid_stream_closes_the_stream(engine: OllamaEngine, fake: FakeOllama) -> None:
    fake.reply = " ".join(f"w{i}" for i in range(40))
    fake.chunk_delay = 0.02
    token = CancelToken()
    got: list[ChatChunk] = []
    for chunk in engine.chat(ask("go"), cancel=token):
        got.append(chunk)
        if len(got) == 2:
            token.cancel()
    assert got[-1] == ChatChunk(done=True, finish_reason="cancelled")
    assert len(got) == 3
    deadline = time.monotonic() + 2
    while fake.disconnects == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fake.disconnects == 1  # the server saw the client leave


def test_missing_model_is_model_not_found(fake: FakeOllama) -> None:
    with OllamaEngine(fake.url, "mistral:7b") as eng, pytest.raises(ModelNotFound) as err:
        list(eng.chat(ask("hi")))
    assert err.value.fix == "pull it: `ollama pull mistral:7b`"
    assert "mistral:7b" in str(err.value)


@pytest.mark.parametrize(
    ("status", "message", "expected"),
    [
        (503, None, "Ollama is busy"),
        (500, None, "Ollama failed running 'llama3.2:1b'"),
        (500, "model requires more system memory (9 GiB) than is available", "out of memory"),
        (400, "invalid options", "rejected"),
    ],
)
def test_http_errors_become_engine_errors(
    engine: OllamaEngine, fake: FakeOllama, status: int, message: str | None, expected: str
) -> None:
    fake.fail_next(status, message, path="/api/chat")
    with pytest.raises(EngineError) as err:
        list(engine.chat(ask("hi")))
    assert type(err.value) is EngineError and expected in err.value.message
    assert err.value.fix
    assert answer(list(engine.chat(ask("again")))) == "Echo: again"  # one failure only


def test_error_line_mid_stream_keeps_partial_text(engine: OllamaEngine, fake: FakeOllama) -> None:
    fake.error_mid_stream("llama runner process has terminated", after=2)
    got: list[ChatChunk] = []
    with pytest.raises(EngineError) as err:
        got.extend(engine.chat(ask("one two three")))
    assert answer(got) == "Echo: one" == err.value.partial_text  # type: ignore[attr-defined]
    assert "llama runner process has terminated" in err.value.message


@pytest.mark.parametrize("clean_end", [False, True])
def test_stream_cut_without_done_is_an_error(
    engine: OllamaEngine, fake: FakeOllama, clean_end: bool
) -> None:
    fake.cut_stream(after=3, clean_end=clean_end)
    got: list[ChatChunk] = []
    with pytest.raises(EngineError) as err:
        got.extend(engine.chat(ask("one two three four")))
    assert answer(got) == "Echo: one two" == err.value.partial_text  # type: ignore[attr-defined]
    assert not any(c.done for c in got)
    assert not isinstance(err.value, EngineUnavailable)


def test_slow_first_token_past_read_timeout(fake: FakeOllama) -> None:
    fake.first_token_delay = 0.5
    with OllamaEngine(fake.url, CHAT, timeout=0.1) as eng, pytest.raises(EngineError) as err:
        list(eng.chat(ask("hi")))
    assert "did not answer in time" in err.value.message


def test_connection_refused_is_engine_unavailable(engine: OllamaEngine, fake: FakeOllama) -> None:
    fake.stop()
    for call in (
        lambda: list(engine.chat(ask("hi"))),
        lambda: list(engine.chat(ask("hi"), stream=False)),
        lambda: engine.models(),
        lambda: engine.embed(["x"]),
    ):
        with pytest.raises(EngineUnavailable) as err:
            call()
        assert err.value.message == f"Ollama is not running at {fake.url}"
        assert err.value.fix == (
            "start it with `ollama serve` or install it from https://ollama.com/download"
        )


def test_engine_recovers_after_server_restart(engine: OllamaEngine, fake: FakeOllama) -> None:
    assert answer(list(engine.chat(ask("before")))) == "Echo: before"
    fake.stop()
    with pytest.raises(EngineUnavailable):
        list(engine.chat(ask("during")))
    fake.start()
    assert answer(list(engine.chat(ask("after")))) == "Echo: after"


def test_health(engine: OllamaEngine, fake: FakeOllama) -> None:
    ok = engine.health()
    assert ok.ok and ok.detail == f"Ollama 0.12.3 at {fake.url}, 2 models" and ok.fix is None
    engine.model = "gone:1b"
    missing = engine.health()
    assert not missing.ok and missing.fix == "pull it: `ollama pull gone:1b`"
    fake.fail_next(500, path="/api/version")
    broken = engine.health()
    assert not broken.ok and "not answering properly" in broken.detail
    fake.models.clear()
    engine.model = ""
    empty = engine.health()
    assert not empty.ok and empty.fix == "pull a model: `ollama pull llama3.2`"
    fake.stop()
    down = engine.health()
    assert not down.ok and "not running" in down.detail and "ollama serve" in (down.fix or "")


def test_resolve_model_picks_a_chat_model(fake: FakeOllama) -> None:
    fake.models = {
        EMBED: fake.models[EMBED],
        "mxbai-embed-large:latest": FakeModel("mxbai-embed-large:latest", family="bert"),
        "qwen3:0.6b": FakeModel("qwen3:0.6b", family="qwen3"),
    }
    with OllamaEngine(fake.url) as eng:
        assert eng.resolve_model() == "qwen3:0.6b" == eng.model
        assert eng.resolve_embed_model() == EMBED
        assert answer(list(eng.chat(ask("hi")))) == "Echo: hi"
    fake.models = {EMBED: fake.models[EMBED]}
    with OllamaEngine(fake.url) as eng, pytest.raises(ModelNotFound) as err:
        eng.resolve_model()
    assert err.value.fix == "pull one: `ollama pull llama3.2`"


def test_embed_and_models(engine: OllamaEngine, fake: FakeOllama) -> None:
    vecs = engine.embed(["lantern notes", "lantern notes", "tax mail"])
    assert vecs.dtype == np.float32 and vecs.shape == (3, 64)
    assert np.linalg.norm(vecs, axis=1) == pytest.approx(1.0, abs=1e-6)
    assert vecs[0] @ vecs[1] == pytest.approx(1.0) and vecs[0] @ vecs[2] < 0.9
    assert fake.bodies("/api/embed")[0] == {
        "model": EMBED,
        "input": ["lantern notes", "lantern notes", "tax mail"],
    }
    assert engine.embed([]).shape[0] == 0
    (chat, emb) = engine.models()
    assert chat.name == CHAT and chat.size_bytes == 1_321_098_329
    assert chat.details["family"] == "llama" and emb.name == EMBED


def test_host_normalisation_and_probe(fake: FakeOllama) -> None:
    assert normalize_host("", {}) == "http://127.0.0.1:11434"
    assert normalize_host("localhost") == "http://localhost:11434"
    assert normalize_host("http://example.com") == "http://example.com:11434"
    assert normalize_host("https://box:8443/ollama/") == "https://box:8443/ollama"
    assert normalize_host("0.0.0.0") == "http://127.0.0.1:11434"
    assert normalize_host("[::1]:5000") == "http://[::1]:5000"
    assert ollama_running(fake.url)
    fake.stop()
    assert not ollama_running(fake.url)


def test_chat_from_a_worker_thread(engine: OllamaEngine) -> None:
    out: list[str] = []
    worker = threading.Thread(target=lambda: out.append(answer(list(engine.chat(ask("bg"))))))
    worker.start()
    worker.join(5)
    assert out == ["Echo: bg"]
