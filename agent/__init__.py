"""Fanous core: Qt-free. Everything here runs and is tested without a screen."""

from agent.llama_first import load_llama_first

__version__ = "0.1.0"

# Before numpy, Qt or any other C++ library is loaded: a CUDA build of llama.cpp
# crashes loading a model otherwise (agent/llama_first.py says why).
load_llama_first()
