"""What compute this machine has: GPU (NVIDIA, AMD, Apple, Intel) or CPU only, and RAM.

A first, dependency-free look used by ``fanous doctor``; each probe is cheap and never
raises — a tool that is missing or fails simply means "not seen".
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Gpu", "HardwareProfile", "detect"]

_PCI_VENDORS = {"0x10de": "NVIDIA", "0x1002": "AMD", "0x8086": "Intel"}


@dataclass(frozen=True, slots=True)
class Gpu:
    vendor: str
    name: str
    memory_bytes: int | None = None  # None when the tool does not say (or memory is shared)


@dataclass(frozen=True, slots=True)
class HardwareProfile:
    system: str
    machine: str
    cpu_cores: int
    ram_bytes: int | None
    gpus: list[Gpu] = field(default_factory=list)

    @property
    def accelerator(self) -> str:
        return self.gpus[0].vendor if self.gpus else "CPU"

    def describe(self) -> str:
        ram = f"{self.ram_bytes / 2**30:.0f} GiB RAM" if self.ram_bytes else "RAM unknown"
        base = f"{self.cpu_cores} CPU cores, {ram}"
        if not self.gpus:
            return f"CPU only ({base})"
        gpus = "; ".join(
            g.name + (f" ({g.memory_bytes / 2**30:.0f} GiB)" if g.memory_bytes else "")
            for g in self.gpus
        )
        return f"{gpus}; {base}"


def _run(*cmd: str) -> str | None:
    if shutil.which(cmd[0]) is None:
        return None
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=5, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout


def _ram_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        out = _run("sysctl", "-n", "hw.memsize")  # macOS
        return int(out) if out and out.strip().isdigit() else None


def parse_nvidia_smi(out: str) -> list[Gpu]:
    """Parse ``nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits``."""
    gpus = []
    for line in out.strip().splitlines():
        name, _, mem = line.rpartition(",")
        if name.strip():
            mib = mem.strip()
            gpus.append(
                Gpu(
                    "NVIDIA",
                    name.strip(),
                    int(float(mib)) * 2**20 if mib.replace(".", "").isdigit() else None,
                )
            )
    return gpus


def _pci_gpus(sys_drm: Path = Path("/sys/class/drm")) -> list[Gpu]:
    """GPUs the Linux kernel sees, for vendors whose own tool is not installed."""
    gpus = []
    for card in sorted(sys_drm.glob("card[0-9]")):
        try:
            vendor = (card / "device" / "vendor").read_text().strip()
        except OSError:
            continue
        if vendor in _PCI_VENDORS:
            vram = card / "device" / "mem_info_vram_total"  # amdgpu exposes this
            memory = int(vram.read_text()) if vram.exists() else None
            gpus.append(
                Gpu(_PCI_VENDORS[vendor], f"{_PCI_VENDORS[vendor]} GPU ({card.name})", memory)
            )
    return gpus


def detect() -> HardwareProfile:
    system, machine = platform.system(), platform.machine()
    gpus: list[Gpu] = []
    if system == "Darwin" and machine == "arm64":
        gpus.append(Gpu("Apple", "Apple Silicon GPU (unified memory)", None))
    else:
        out = _run("nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader,nounits")
        gpus = parse_nvidia_smi(out) if out else []
        if system == "Linux":
            seen = {g.vendor for g in gpus}
            gpus += [g for g in _pci_gpus() if g.vendor not in seen]
    return HardwareProfile(system, machine, os.cpu_count() or 1, _ram_bytes(), gpus)
