"""The embedded engine: llama.cpp in-process (llama-cpp-python) on a local GGUF file.

The out-of-the-box default: no server, no download, works offline. Layers go to the GPU
when the llama.cpp build supports offload.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from agent.engines.base import CancelToken, Capabilities, ChatChunk, Health, Message, ModelInfo
from agent.engines.packaged import PACKAGED_MODELS, resolve_model_path
from contracts.errors import EngineError, EngineUnavailable, FanousError

__all__ = ["EmbeddedEngine", "file_digest", "gpu_build_fix", "llama_cpp_available"]

_INSTALL_FIX = "install the embedded engine: pip install 'fanous[embedded]'"


# llama.cpp's CMake switch for each GPU backend (agent.hardware.Gpu.backend).
_GPU_BUILDS = {"CUDA": "GGML_CUDA", "ROCm": "GGML_HIP", "Metal": "GGML_METAL",
               "Vulkan": "GGML_VULKAN"}  # fmt: skip


def gpu_build_fix(backend: str) -> str:
    """How to get a llama.cpp build that offloads to ``backend`` (CUDA, ROCm, ...)."""
    switch = _GPU_BUILDS.get(backend, "GGML_VULKAN")
    return (
        f"install Ollama (it uses the GPU by itself), or rebuild the built-in engine for "
        f'{backend}: CMAKE_ARGS="-D{switch}=on" pip install --force-reinstall --no-cache-dir '
        "llama-cpp-python"
    )


_DIGEST_CACHE: dict[tuple[str, int, int], str] = {}
_SAMPLE = 1 << 20


def file_digest(path: Path) -> str:
    """A GGUF file's version: SHA-256 of its size, first and last MiB (a whole-file hash
    of a 1 GB model takes seconds; this tells two files apart, as a turn log needs)."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _DIGEST_CACHE:
        h = hashlib.sha256(str(st.st_size).encode())
        with path.open("rb") as f:
            h.update(f.read(_SAMPLE))
            f.seek(max(0, st.st_size - _SAMPLE))
            h.update(f.read(_SAMPLE))
        _DIGEST_CACHE[key] = "gguf:" + h.hexdigest()[:16]
    return _DIGEST_CACHE[key]


def llama_cpp_available() -> bool:
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        return False
    return True


class EmbeddedEngine:
    name = "embedded"

    def __init__(
        self,
        model: str,
        *,
        n_ctx: int = 4096,
        n_threads: int | None = None,
        gpu_layers: int | None = None,
    ) -> None:
        self.model = model
        self.n_ctx = n_ctx
        self.capabilities = Capabilities(context_window=n_ctx, embeddings=True)
        # Generation on half the logical cores: with every core, one other busy process
        # made llama.cpp's threads wait on each other (23 tokens/s instead of 59 on 2
        # cores; tests/bench/bench_engines.py). Prompt reading still uses every core.
        cores = os.cpu_count() or 2
        self.n_threads = n_threads or max(1, cores // 2)
        self.n_threads_batch = max(self.n_threads, cores)
        self._gpu_layers = gpu_layers
        self._chat_llm: Any = None
        self._embed_llm: Any = None
        # llama.cpp contexts are not thread-safe: one call at a time per instance.
        self._lock = threading.Lock()

    # -- loading ---------------------------------------------------------------------

    @property
    def model_path(self) -> Path:
        return resolve_model_path(self.model)

    def _load(self, *, embedding: bool) -> Any:
        try:
            from llama_cpp import Llama, llama_supports_gpu_offload
        except ImportError as e:
            raise EngineUnavailable(
                "The embedded engine (llama-cpp-python) is not installed", fix=_INSTALL_FIX
            ) from e
        gpu_layers = self._gpu_layers
        if gpu_layers is None:
            gpu_layers = -1 if llama_supports_gpu_offload() else 0
        try:
            llm = Llama(
                model_path=str(self.model_path),
                n_ctx=self.n_ctx,
                n_threads=self.n_threads,
                n_threads_batch=self.n_threads_batch,
                n_gpu_layers=gpu_layers,
                embedding=embedding,
                verbose=False,
            )
        except FanousError:
            raise
        except (ValueError, RuntimeError, OSError) as e:
            raise EngineError(
                f"The local model {self.model} could not be loaded: {e}",
                fix="check the file is a valid GGUF model, or pick another model in Settings",
            ) from e
        # Free the model when this engine goes, or at exit before module teardown:
        # llama-cpp-python's own __del__ fails noisily once its globals are gone.
        weakref.finalize(self, llm.close)
        return llm

    def _chat_model(self) -> Any:
        if self._chat_llm is None:
            self._chat_llm = self._load(embedding=False)
        return self._chat_llm

    def count_tokens(self, text: str) -> int:
        with self._lock:
            return len(self._chat_model().tokenize(text.encode("utf-8"), add_bos=False))

    # -- Engine protocol -------------------------------------------------------------

    def chat(
        self,
        messages: Sequence[Message],
        *,
        stream: bool = True,
        options: dict[str, Any] | None = None,
        cancel: CancelToken | None = None,
    ) -> Iterator[ChatChunk]:
        opts = {"temperature": 0.1, "max_tokens": 256, "top_p": 0.9, "repeat_penalty": 1.1}
        opts.update(options or {})
        with self._lock:
            llm = self._chat_model()
            try:
                pieces = llm.create_chat_completion(messages=list(messages), stream=True, **opts)
                count = 0
                finish = None
                for piece in pieces:
                    if cancel and cancel.cancelled:
                        finish = "cancelled"
                        break
                    choice = piece["choices"][0]
                    text = choice.get("delta", {}).get("content") or ""
                    finish = choice.get("finish_reason") or finish
                    if text:
                        count += 1
                        yield ChatChunk(text=text)
            except ValueError as e:  # llama-cpp-python: prompt longer than the context
                raise EngineError(
                    f"The question and its context do not fit the local model's window "
                    f"({self.n_ctx} tokens): {e}",
                    fix="ask a shorter question or use fewer context passages",
                ) from e
        yield ChatChunk(done=True, completion_tokens=count, finish_reason=finish)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            if self._embed_llm is None:
                self._embed_llm = self._load(embedding=True)
            result = self._embed_llm.create_embedding(list(texts))
        rows = [np.asarray(row["embedding"], dtype=np.float32) for row in result["data"]]
        # A model without a pooling layer gives one vector per token: average them.
        vectors = np.stack([r.mean(axis=0) if r.ndim == 2 else r for r in rows])
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)

    def models(self) -> list[ModelInfo]:
        """The packaged models that are installed, and this engine's own file."""
        found = []
        names = {n: p.note for n, p in PACKAGED_MODELS.items()}
        if self.model not in names:
            names[self.model] = "chosen file"
        for name, note in names.items():
            try:
                path = resolve_model_path(name)
            except FanousError:
                continue
            details = {"path": str(path), "note": note, "digest": file_digest(path)}
            found.append(ModelInfo(name=name, size_bytes=path.stat().st_size, details=details))
        return found

    def health(self) -> Health:
        if not llama_cpp_available():
            return Health(False, "llama-cpp-python is not installed", _INSTALL_FIX)
        try:
            path = self.model_path
        except FanousError as e:
            return Health(False, e.message, e.fix)
        return Health(True, f"llama.cpp with {self.model} ({path.stat().st_size >> 20} MB)")

    def cost(self) -> float:
        return 0.0  # runs on this computer

    def release(self) -> None:
        """Nothing to do: the model's memory goes with the process."""

    def offload(self, *, load: bool = False) -> str:
        """Whether the model's layers run on the GPU, in words (for `fanous doctor`).

        With ``load`` the model is loaded to count its layers; otherwise only the build's
        support and the requested layer count are reported.
        """
        try:
            import llama_cpp
        except ImportError:
            return "llama-cpp-python is not installed"
        if not llama_cpp.llama_supports_gpu_offload():
            return "this llama.cpp build has no GPU support: all layers run on the CPU"
        if self._gpu_layers == 0:
            return "GPU offload is off (gpu_layers=0): all layers run on the CPU"
        if not load and self._chat_llm is None:
            return "GPU offload is built in: all layers go to the GPU when the model loads"
        with self._lock:
            llm = self._chat_model()
        layers = llama_cpp.llama_model_n_layer(llm.model)
        asked = llm.model_params.n_gpu_layers
        on_gpu = layers if asked < 0 or asked > layers else asked
        return f"{on_gpu} of {layers} layers offloaded to the GPU"

    def warm_up(self) -> float:
        """Load the model now (seconds taken), so the first answer starts fast."""
        started = time.perf_counter()
        with self._lock:
            self._chat_model()
        return time.perf_counter() - started
