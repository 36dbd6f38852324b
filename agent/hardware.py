"""What compute this machine has: GPUs (NVIDIA, AMD, Apple, Intel) or CPU only, RAM, CPU
features, and how much memory a local model may use.

Each probe is cheap and never raises: a tool that is missing or fails simply means "not
seen". Probes, best first:

- NVIDIA: NVML through ``nvidia-ml-py`` (``pynvml``), else ``nvidia-smi`` CSV;
- AMD: ``amd-smi static --json``, else ``rocm-smi --json``, else the amdgpu sysfs files;
- Apple Silicon: ``sysctl`` (the GPU shares the machine's unified memory);
- Intel and others: the Linux DRM sysfs tree (integrated GPUs share RAM);
- CPU: ``/proc/cpuinfo`` flags (avx2, avx512f, neon, …) or ``sysctl hw.optional`` on macOS.

The parsers take the tools' text so tests run them on recorded outputs
(``tests/fixtures/hardware/``).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import platform
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "CPU_FEATURES",
    "Gpu",
    "HardwareProfile",
    "detect",
    "nvml_gpus",
    "parse_amd_smi",
    "parse_cpuinfo",
    "parse_meminfo",
    "parse_nvidia_smi",
    "parse_rocm_smi",
    "parse_sysctl",
    "sysfs_gpus",
]

GiB = 2**30
MiB = 2**20
_PCI_VENDORS = {"0x10de": "NVIDIA", "0x1002": "AMD", "0x8086": "Intel"}
_BACKENDS = {"NVIDIA": "CUDA", "AMD": "ROCm", "Apple": "Metal", "Intel": "Vulkan"}
# The CPU features llama.cpp's kernels care about, in the order we show them.
CPU_FEATURES = ("avx", "avx2", "fma", "f16c", "avx512f", "avx512_vnni", "avx512_bf16",
                "amx_int8", "neon", "dotprod", "i8mm", "sve", "sve2")  # fmt: skip
# /proc/cpuinfo on ARM says "asimd" for NEON and "asimddp" for the dot-product extension.
_ARM_ALIASES = {"asimd": "neon", "asimddp": "dotprod"}
NVIDIA_SMI_QUERY = ("nvidia-smi", "--query-gpu=name,memory.total,memory.free,driver_version",
                    "--format=csv,noheader,nounits")  # fmt: skip
AMD_SMI_QUERY = ("amd-smi", "static", "--asic", "--vram", "--json")
ROCM_SMI_QUERY = ("rocm-smi", "--showproductname", "--showmeminfo", "vram", "--json")
SYSCTL_KEYS = ("hw.memsize", "hw.ncpu", "machdep.cpu.brand_string", "hw.optional")


@dataclass(frozen=True, slots=True)
class Gpu:
    vendor: str  # NVIDIA, AMD, Apple, Intel
    name: str
    memory_bytes: int | None = None  # dedicated VRAM; None when unknown or shared with RAM
    free_bytes: int | None = None
    unified: bool = False  # shares the system RAM (Apple Silicon, integrated GPUs)
    driver: str | None = None
    source: str = ""  # the probe that saw it: nvml, nvidia-smi, amd-smi, rocm-smi, sysfs, sysctl

    @property
    def backend(self) -> str:
        return _BACKENDS.get(self.vendor, "Vulkan")


@dataclass(frozen=True, slots=True)
class HardwareProfile:
    system: str
    machine: str
    cpu_cores: int
    ram_bytes: int | None
    gpus: list[Gpu] = field(default_factory=list)
    cpu_name: str = ""
    cpu_features: tuple[str, ...] = ()
    ram_available_bytes: int | None = None

    @property
    def accelerator(self) -> str:
        """The vendor of the GPU a model would run on, or "CPU"."""
        gpu = self.best_gpu
        return gpu.vendor if gpu else "CPU"

    @property
    def best_gpu(self) -> Gpu | None:
        """A GPU that can hold a model: one with dedicated VRAM, or Apple's unified memory.
        An Intel integrated GPU is listed but not used: llama.cpp runs faster on the CPU."""
        usable = [g for g in self.gpus if g.memory_bytes or g.vendor == "Apple"]
        return max(usable, key=lambda g: g.memory_bytes or 0, default=None)

    def model_memory_bytes(self) -> int:
        """How much memory a local model (weights + context) may take on this machine.

        Dedicated GPUs: the VRAM of the best vendor's cards (Ollama splits a model across
        them) less 10 % for the driver; Apple: about 2/3 of RAM, Metal's default working
        set limit; CPU only: half the RAM, leaving the rest to the system and the app.
        """
        gpu, ram = self.best_gpu, self.ram_bytes or 8 * GiB
        if gpu is None:
            return ram // 2
        if gpu.vendor == "Apple":
            return ram * 2 // 3
        same = [g.memory_bytes or 0 for g in self.gpus if g.vendor == gpu.vendor]
        return int(sum(same) * 0.9)

    def describe(self) -> str:
        ram = f"{self.ram_bytes / GiB:.0f} GiB RAM" if self.ram_bytes else "RAM unknown"
        base = f"{self.cpu_cores} CPU cores, {ram}"
        if self.cpu_features:
            base += f", CPU features {' '.join(self.cpu_features)}"
        if not self.gpus:
            return f"CPU only ({base})"
        gpus = []
        for g in self.gpus:
            memory = "unified memory" if g.unified else None
            if g.memory_bytes:
                memory = f"{g.memory_bytes / GiB:.0f} GiB VRAM"
            gpus.append(f"{g.name} ({memory or 'memory unknown'}, {g.backend})")
        return f"{'; '.join(gpus)}; {base}"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["accelerator"] = self.accelerator
        data["model_memory_bytes"] = self.model_memory_bytes()
        return data


# -- running the tools ------------------------------------------------------------------
Runner = Callable[..., str | None]


def _run(*cmd: str) -> str | None:
    """The tool's stdout, or None when it is absent, fails or hangs."""
    if shutil.which(cmd[0]) is None:
        return None
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=5, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout


def _number(text: Any) -> float | None:
    match = re.search(r"\d+(?:\.\d+)?", str(text))
    return float(match.group()) if match else None


# -- NVIDIA -----------------------------------------------------------------------------
def parse_nvidia_smi(out: str) -> list[Gpu]:
    """Parse ``nvidia-smi --query-gpu=name,memory.total[,memory.free,driver_version]
    --format=csv,noheader,nounits``; memory is in MiB, ``[N/A]`` when not reported."""
    gpus = []
    for row in csv.reader(io.StringIO(out.strip())):
        cells = [c.strip() for c in row]
        if not cells or not cells[0]:
            continue
        total = _number(cells[1]) if len(cells) > 1 else None
        free = _number(cells[2]) if len(cells) > 2 else None
        gpus.append(
            Gpu(
                "NVIDIA",
                cells[0],
                int(total * MiB) if total else None,
                int(free * MiB) if free is not None else None,
                driver=cells[3] if len(cells) > 3 and cells[3][:1].isdigit() else None,
                source="nvidia-smi",
            )
        )
    return gpus


def nvml_gpus(nvml: Any = None) -> list[Gpu] | None:
    """NVIDIA GPUs through NVML; None when NVML (the module or the driver) is unavailable,
    so the caller falls back to ``nvidia-smi``. ``nvml`` is the ``pynvml`` module."""
    if nvml is None:
        try:
            import pynvml as nvml
        except ImportError:
            return None
    try:
        nvml.nvmlInit()
    except Exception:  # NVMLError_LibraryNotFound, DriverNotLoaded, …: no NVIDIA driver
        return None
    try:
        driver = _text(nvml.nvmlSystemGetDriverVersion())
        gpus = []
        for i in range(nvml.nvmlDeviceGetCount()):
            handle = nvml.nvmlDeviceGetHandleByIndex(i)
            mem = nvml.nvmlDeviceGetMemoryInfo(handle)
            name = _text(nvml.nvmlDeviceGetName(handle))
            gpus.append(Gpu("NVIDIA", name, int(mem.total), int(mem.free), False, driver, "nvml"))
        return gpus
    except Exception:
        return None
    finally:
        with contextlib.suppress(Exception):
            nvml.nvmlShutdown()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)  # old pynvml: bytes


# -- AMD --------------------------------------------------------------------------------
def _size_bytes(value: Any) -> int | None:
    """amd-smi sizes: ``{"value": 24560, "unit": "MB"}`` (ROCm 6.1+) or ``"24560 MB"``."""
    if isinstance(value, dict):
        amount, unit = _number(value.get("value")), str(value.get("unit", "MB"))
    else:
        amount, unit = _number(value), str(value)
    if not amount:
        return None
    scale = GiB if "G" in unit.upper() else MiB
    return int(amount * scale)


def parse_amd_smi(out: str) -> list[Gpu]:
    """Parse ``amd-smi static --asic --vram --json``: a list of GPUs (or, in newer
    releases, ``{"gpu_data": [...]}``) with ``asic.market_name`` and ``vram.size``."""
    try:
        data = json.loads(out)
    except ValueError:
        return []
    if isinstance(data, dict):
        data = data.get("gpu_data", [])
    gpus = []
    for entry in data if isinstance(data, list) else []:
        asic, vram = entry.get("asic") or {}, entry.get("vram") or {}
        name = str(asic.get("market_name") or "AMD GPU")
        gpus.append(Gpu("AMD", name, _size_bytes(vram.get("size")), source="amd-smi"))
    return gpus


def parse_rocm_smi(out: str) -> list[Gpu]:
    """Parse ``rocm-smi --showproductname --showmeminfo vram --json``: ``{"card0": {...}}``
    with "Card Series" (or "Card series" in older releases) and "VRAM Total Memory (B)"."""
    try:
        data = json.loads(out)
    except ValueError:
        return []
    gpus = []
    for card, info in sorted(data.items()) if isinstance(data, dict) else []:
        if not card.startswith("card") or not isinstance(info, dict):
            continue
        fields = {k.lower(): v for k, v in info.items()}
        name = fields.get("card series") or fields.get("device name") or f"AMD GPU ({card})"
        total = _number(fields.get("vram total memory (b)", ""))
        used = _number(fields.get("vram total used memory (b)", ""))
        free = int(total - used) if total and used is not None else None
        gpus.append(Gpu("AMD", str(name), int(total) if total else None, free, source="rocm-smi"))
    return gpus


# -- Linux sysfs (any vendor) -------------------------------------------------------------
def sysfs_gpus(sys_drm: Path = Path("/sys/class/drm")) -> list[Gpu]:
    """GPUs the Linux kernel sees. amdgpu exposes its VRAM size; an Intel GPU without
    ``mem_info_vram_total`` is integrated and shares RAM."""
    gpus = []
    for card in sorted(sys_drm.glob("card[0-9]*")):
        if not card.name[4:].isdigit():  # card0-DP-1 and such are connectors
            continue
        device = card / "device"
        try:
            vendor = (device / "vendor").read_text().strip()
        except OSError:
            continue
        if vendor not in _PCI_VENDORS:
            continue
        name = _PCI_VENDORS[vendor]
        vram = _read_int(device / "mem_info_vram_total")
        used = _read_int(device / "mem_info_vram_used")
        try:
            label = (device / "product_name").read_text().strip()
        except OSError:
            label = ""
        gpus.append(
            Gpu(
                name,
                label or f"{name} GPU ({card.name})",
                vram or None,
                vram - used if vram and used is not None else None,
                unified=not vram and name == "Intel",
                source="sysfs",
            )
        )
    return gpus


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


# -- Apple and CPU ------------------------------------------------------------------------
def parse_sysctl(out: str) -> dict[str, str]:
    """``sysctl hw.memsize machdep.cpu.brand_string hw.optional`` -> {key: value}."""
    values = {}
    for line in out.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            values[key.strip()] = value.strip()
    return values


def _sysctl_features(values: dict[str, str]) -> tuple[str, ...]:
    found = set()
    for key, value in values.items():
        if not key.startswith("hw.optional.") or value != "1":
            continue
        name = key.rsplit(".", 1)[-1].lower()
        name = {"feat_dotprod": "dotprod", "feat_i8mm": "i8mm", "arm64": "neon"}.get(name, name)
        name = {"avx2_0": "avx2", "avx512f": "avx512f", "avx1_0": "avx", "fma": "fma"}.get(
            name, name
        )
        found.add(name)
    return tuple(f for f in CPU_FEATURES if f in found)


def parse_cpuinfo(text: str) -> tuple[str, tuple[str, ...]]:
    """``/proc/cpuinfo`` -> (CPU model name, the features from ``CPU_FEATURES`` it has)."""
    name, flags = "", set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key in ("model name", "hardware", "cpu model") and not name:
            name = value.strip()
        elif key in ("flags", "features") and not flags:
            flags = {_ARM_ALIASES.get(f, f) for f in value.split()}
    return name, tuple(f for f in CPU_FEATURES if f in flags)


def parse_meminfo(text: str) -> tuple[int | None, int | None]:
    """``/proc/meminfo`` -> (MemTotal, MemAvailable) in bytes."""
    values = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        number = _number(value)
        if number is not None:
            values[key.strip()] = int(number) * 1024  # the file counts kB
    return values.get("MemTotal"), values.get("MemAvailable")


def _ram() -> tuple[int | None, int | None]:
    try:
        return parse_meminfo(Path("/proc/meminfo").read_text())
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"), None
    except (ValueError, OSError, AttributeError):
        return None, None


def _apple(values: dict[str, str]) -> Gpu:
    chip = values.get("machdep.cpu.brand_string") or "Apple Silicon"
    return Gpu("Apple", f"{chip} GPU", None, unified=True, source="sysctl")


# -- the profile --------------------------------------------------------------------------
def detect(
    *,
    run: Runner = _run,
    nvml: Any = None,
    sys_drm: Path = Path("/sys/class/drm"),
    cpuinfo: Path = Path("/proc/cpuinfo"),
    system: str | None = None,
    machine: str | None = None,
) -> HardwareProfile:
    """Probe this machine. The keyword seams let tests replay recorded tool outputs."""
    system, machine = system or platform.system(), machine or platform.machine()
    ram, available = _ram()
    cpu_name, features = "", ()
    gpus: list[Gpu] = []
    if system == "Darwin":
        values = parse_sysctl(run("sysctl", *SYSCTL_KEYS) or "")
        ram = int(_number(values.get("hw.memsize")) or 0) or ram
        cpu_name, features = values.get("machdep.cpu.brand_string", ""), _sysctl_features(values)
        if machine == "arm64":
            gpus.append(_apple(values))
    else:
        with contextlib.suppress(OSError):
            cpu_name, features = parse_cpuinfo(cpuinfo.read_text())
        nvidia = nvml_gpus(nvml)
        if nvidia is None:
            out = run(*NVIDIA_SMI_QUERY)
            nvidia = parse_nvidia_smi(out) if out else []
        gpus += nvidia
        amd = parse_amd_smi(run(*AMD_SMI_QUERY) or "[]")
        gpus += amd or parse_rocm_smi(run(*ROCM_SMI_QUERY) or "{}")
        if system == "Linux":
            seen = {g.vendor for g in gpus}
            gpus += [g for g in sysfs_gpus(sys_drm) if g.vendor not in seen]
    return HardwareProfile(
        system, machine, os.cpu_count() or 1, ram, gpus, cpu_name, features, available
    )
