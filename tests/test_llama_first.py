"""A GPU build of llama.cpp is loaded before numpy or Qt can load the C++ runtime
(agent/llama_first.py: a CUDA build crashed loading a model otherwise, on an H200)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent.llama_first import llama_library_folder

ROOT = Path(__file__).resolve().parents[1]
# What a fresh `fanous` process has loaded once `agent` is imported: libllama? numpy?
PROBE = (
    "import sys, agent; maps = open('/proc/self/maps').read(); "
    "print('libllama.so' in maps, 'numpy' in sys.modules)"
)


def _library_folder(tmp_path: Path, *, gpu_backend: bool) -> Path:
    """This machine's llama.cpp libraries (a CPU build), linked into a folder of their
    own, with a CUDA backend's file beside them or not (only its name is looked at)."""
    real = llama_library_folder()
    assert real is not None and os.path.isfile(os.path.join(real, "libllama.so"))
    folder = tmp_path / "lib"
    folder.mkdir()
    for name in os.listdir(real):
        (folder / name).symlink_to(os.path.join(real, name))
    if gpu_backend:
        (folder / "libggml-cuda.so").write_bytes(b"")
    return folder


def _probe(folder: Path) -> str:
    env = {**os.environ, "LLAMA_CPP_LIB_PATH": str(folder), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                          text=True, timeout=60, check=True)  # fmt: skip
    return done.stdout.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the crash is Linux's")
def test_a_gpu_build_is_loaded_as_agent_is_imported_before_numpy(tmp_path: Path) -> None:
    assert _probe(_library_folder(tmp_path, gpu_backend=True)) == "True False"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the crash is Linux's")
def test_a_cpu_build_is_left_to_load_when_the_engine_needs_it(tmp_path: Path) -> None:
    assert _probe(_library_folder(tmp_path, gpu_backend=False)) == "False False"
