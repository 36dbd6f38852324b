"""Where Ollama's loaded models sit (GPU or CPU), and loading or freeing one now."""

from __future__ import annotations

from dataclasses import dataclass

from agent.engines.ollama_server import KEEP_ALIVE, OllamaConnection

__all__ = ["OllamaResidency", "Residency"]


@dataclass(frozen=True, slots=True)
class Residency:
    """Where a loaded model sits, from ``/api/ps``."""

    name: str
    size: int
    size_vram: int
    context_length: int | None = None

    @property
    def gpu_fraction(self) -> float:
        return self.size_vram / self.size if self.size else 0.0

    def describe(self) -> str:
        gib = self.size / 2**30
        if self.size_vram >= self.size:
            where = "fully on the GPU"
        elif self.size_vram == 0:
            where = "on the CPU only (no GPU memory used)"
        else:
            pct = round(self.gpu_fraction * 100)
            where = f"{pct} % on the GPU, {100 - pct} % on the CPU (slower)"
        return f"{self.name}: {gib:.1f} GiB, {where}"


class OllamaResidency(OllamaConnection):
    """Loaded models (``/api/ps``), and loading or unloading one."""

    def residency(self) -> list[Residency]:
        """Loaded models and how much of each is in GPU memory (``/api/ps``)."""
        running = self._call(self._client.ps).models
        return [Residency(m.model or m.name or "", int(m.size or 0), int(m.size_vram or 0),
                          m.context_length) for m in running]  # fmt: skip

    def load(self, model: str, keep_alive: str | float = KEEP_ALIVE) -> None:
        """Load ``model`` now (an empty prompt), so the first answer starts fast."""
        self._call(lambda: self._client.generate(model, "", keep_alive=keep_alive), model)

    def unload(self, model: str) -> None:
        """Free the model's memory now (``keep_alive: 0``)."""
        self._call(lambda: self._client.generate(model, "", keep_alive=0), model)
