"""llama.cpp's libraries loaded before any other C++ code, where its build needs that.

A CUDA build of llama.cpp crashes loading a model when the C++ runtime (libstdc++) was
loaded into the process before ``libllama``: by numpy, by Qt, or by anything else in C++.
Its CUDA backend, ``libggml-cuda``, carries a copy of parts of the C++ runtime and exports
it; loaded after the shared runtime, ``libllama``'s ``std::regex`` calls a locale facet of
that copy, and the tokenizer segfaults as the model's vocabulary loads. Found on an NVIDIA
H200 (CUDA 13.0, the llama.cpp of llama-cpp-python 0.3.36 built with ``GGML_CUDA`` by GCC
13.3): it crashed with numpy or libstdc++ loaded first, and loaded and answered with
``libllama`` loaded first. CPU builds load in any order, so this loads nothing unless a
GPU backend sits beside ``libllama``.

``agent/__init__.py`` calls it: every Fanous process imports ``agent`` before numpy or
Qt. Standard library only (and ``agent.installed_packages``, which is too); nothing of
llama-cpp-python is imported here.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys

from agent.installed_packages import package_dir

__all__ = ["llama_library_folder", "load_llama_first"]

log = logging.getLogger(__name__)

_LOADED: list[ctypes.CDLL] = []  # kept for the life of the process, as llama_cpp keeps it


def llama_library_folder() -> str | None:
    """Where llama-cpp-python will load ``libllama`` from, found without importing it."""
    folder = os.environ.get("LLAMA_CPP_LIB_PATH")  # llama-cpp-python honours it first
    if folder:
        return folder
    try:
        package = package_dir("llama_cpp")
    except (ImportError, ValueError):  # at import time nothing may stop Fanous
        return None
    return os.path.join(package, "lib") if package else None


def _has_gpu_backend(folder: str) -> bool:
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    return any(
        name.startswith("libggml-") and ".so" in name
        and not name.startswith(("libggml-base", "libggml-cpu"))
        for name in names
    )  # fmt: skip


def load_llama_first() -> bool:
    """Load ``libllama`` (and with it its GPU backend) now, on Linux, when the build has
    a GPU backend; True when it did. A library that does not load is left to the
    embedded engine, which reports why when it is used."""
    if not sys.platform.startswith("linux") or _LOADED:
        return bool(_LOADED)
    folder = llama_library_folder()
    if folder is None or not _has_gpu_backend(folder):
        return False
    library = os.path.join(folder, "libllama.so")
    if not os.path.isfile(library):
        return False
    try:
        _LOADED.append(ctypes.CDLL(library))
    except OSError as e:
        log.debug("llama.cpp's library did not load ahead: %s", e)
        return False
    return True
