"""llama-cpp-python's own OpenAI-compatible server on loopback: the real peer of the
cloud-engine and tool-calling tests, started on the packaged SmolLM2 GGUF."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from agent.engines.packaged import resolve_model_path
from tests.fakes.loopback import free_port


@contextlib.contextmanager
def start_llama_server(*options: str, ready: tuple[int, ...] = (200,)) -> Iterator[str]:
    """``python -m llama_cpp.server`` with ``options`` on 127.0.0.1; yields its ``/v1``
    url once ``/models`` answers with a status in ``ready`` (401 where it has an API
    key), and stops it after. A server that dies or is not up within 60 s fails the test
    with the end of its stderr."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model",
         str(resolve_model_path("smollm2-135m")), "--host", "127.0.0.1", "--port", str(port),
         *options, "--verbose", "False"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "NO_PROXY": "*"},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                if httpx.get(f"{url}/models", timeout=1).status_code in ready:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                err = proc.stderr.read().decode() if proc.stderr else ""
                pytest.fail(f"llama_cpp.server did not start: {err[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
