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
    "MIN_GPU_BYTES",
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
# arm64 /proc/cpuinfo has no model name, only the implementer and part ids lscpu decodes.
_ARM_IMPLEMENTERS = {"0x41": "ARM", "0x61": "Apple", "0x51": "Qualcomm", "0x48": "HiSilicon",
                     "0xc0": "Ampere", "0x4e": "NVIDIA", "0x46": "Fujitsu"}  # fmt: skip
_ARM_PARTS = {"0xd03": "Cortex-A53", "0xd05": "Cortex-A55", "0xd08": "Cortex-A72",
              "0xd0b": "Cortex-A76", "0xd0c": "Neoverse-N1", "0xd40": "Neoverse-V1",
              "0xd49": "Neoverse-N2", "0xd4f": "Neoverse-V2"}  # fmt: skip
# Dedicated memory below this is an integrated GPU's carve-out (rocm-smi reports 64 MiB for a
# Ryzen 7000 "Raphael" iGPU): no model fits, so it runs on the CPU.
MIN_GPU_BYTES = GiB
# With its header row the CSV is read by column name (see parse_nvidia_smi).
NVIDIA_SMI_QUERY = ("nvidia-smi", "--query-gpu=name,memory.total,memory.free,driver_version",
                    "--format=csv,nounits")  # fmt: skip
# How nvidia-smi writes a value it does not have, across driver releases.
_NOT_REPORTED = re.compile(r"\[?(N/A|Not Supported)\]?", re.I)
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
        """A GPU that can hold a model: one with at least MIN_GPU_BYTES of dedicated VRAM, or
        Apple's unified memory. Integrated GPUs (Intel, an AMD iGPU's small carve-out) are
        listed but not used: llama.cpp runs faster on the CPU."""
        usable = [g for g in self.gpus if _holds_models(g) or g.vendor == "Apple"]
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
        same = [g for g in self.gpus if g.vendor == gpu.vendor and _holds_models(g)]
        return int(sum(g.memory_bytes or 0 for g in same) * 0.9)

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
                size = f"{g.memory_bytes / GiB:.0f} GiB"
                if g.memory_bytes < GiB:  # an iGPU's carve-out can be 64 MiB
                    size = f"{g.memory_bytes // MiB} MiB"
                memory = f"{size} VRAM"
            gpus.append(f"{g.name} ({memory or 'memory unknown'}, {g.backend})")
        return f"{'; '.join(gpus)}; {base}"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["accelerator"] = self.accelerator
        data["model_memory_bytes"] = self.model_memory_bytes()
        return data


def _holds_models(gpu: Gpu) -> bool:
    return (gpu.memory_bytes or 0) >= MIN_GPU_BYTES


# -- running the tools ------------------------------------------------------------------
Runner = Callable[..., str | None]


def _run(*cmd: str) -> str | None:
    """The tool's stdout, or None when it is absent, fails or hangs."""
    if shutil.which(cmd[0]) is None:
        return None
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=5, check=True)
    except subprocess.CalledProcessError as failed:
        # Some tools print their data and still exit non-zero (nvidia-smi exits 14 when an
        # infoROM is corrupted); the parsers reject what is not data.
        return failed.stdout or None
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout


def _number(text: Any) -> float | None:
    match = re.search(r"\d+(?:\.\d+)?", str(text))
    return float(match.group()) if match else None


# -- NVIDIA -----------------------------------------------------------------------------
def parse_nvidia_smi(out: str) -> list[Gpu]:
    """Parse ``nvidia-smi --query-gpu=... --format=csv[,noheader][,nounits]``.

    With a header row (``name, memory.total [MiB], ...``) columns are found by name, so any
    query that includes ``name`` and ``memory.total`` works, whatever its other fields and
    order; without one they are taken as ``name, memory.total[, memory.free,
    driver_version]``. Memory is in MiB, with or without the unit; ``[N/A]``, ``N/A`` or
    ``[Not Supported]`` (depending on the driver) means not reported. Lines that are not
    data (warnings nvidia-smi prints first) are skipped.
    """
    rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(out.strip()))]
    columns = {"name": 0, "memory.total": 1, "memory.free": 2, "driver_version": 3}
    for i, row in enumerate(rows):
        keys = [c.split("[")[0].strip().lower() for c in row]
        if "name" in keys and "memory.total" in keys:  # the header row
            columns = {k: keys.index(k) for k in columns if k in keys}
            rows = rows[i + 1 :]
            break

    def cell(row: list[str], key: str) -> str | None:
        index = columns.get(key)
        return row[index] if index is not None and index < len(row) else None

    gpus = []
    for row in rows:
        name, total_cell = cell(row, "name"), cell(row, "memory.total")
        if not name or total_cell is None:
            continue
        total = _number(total_cell)
        if total is None and not _NOT_REPORTED.fullmatch(total_cell):  # not a data row
            continue
        free = _number(cell(row, "memory.free") or "")
        driver = cell(row, "driver_version") or ""
        gpus.append(
            Gpu(
                "NVIDIA",
                name,
                int(total * MiB) if total else None,
                int(free * MiB) if free is not None else None,
                driver=driver if driver[:1].isdigit() else None,
                source="nvidia-smi",
            )
        )
    return gpus


def nvml_gpus(nvml: Any = None) -> list[Gpu] | None:
    """NVIDIA GPUs through NVML; None when NVML (the module or the driver) is unavailable,
    so the caller falls back to ``nvidia-smi``. ``nvml`` is the ``pynvml`` module."""
    if nvml is None:
        try:
            import pynvml
        except ImportError:
            return None
        nvml = pynvml
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
        vendor = _pci_vendor(device)
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


def _pci_vendor(device: Path) -> str | None:
    """The PCI vendor id ("0x1002") from ``vendor``, else from ``PCI_ID`` in ``uevent``."""
    try:
        return (device / "vendor").read_text().strip().lower()
    except OSError:
        pass
    try:
        match = re.search(r"^PCI_ID=([0-9a-f]{4}):", (device / "uevent").read_text(), re.I | re.M)
    except OSError:
        return None
    return f"0x{match.group(1).lower()}" if match else None


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
    name, flags, ids = "", set[str](), dict[str, str]()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key in ("model name", "hardware", "cpu model") and not name:
            name = value.strip()
        elif key in ("flags", "features") and not flags:
            flags = {_ARM_ALIASES.get(f, f) for f in value.split()}
        elif key in ("cpu implementer", "cpu part"):
            ids.setdefault(key, value.strip().lower())
    if not name and "cpu implementer" in ids:
        maker, part = ids["cpu implementer"], ids.get("cpu part", "?")
        core = _ARM_PARTS.get(part) if maker == "0x41" else None
        maker = _ARM_IMPLEMENTERS.get(maker, f"arm64 (implementer {maker})")
        name = f"{maker} {core}" if core else f"{maker} CPU (part {part})"
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
    """(total, available) RAM on every OS, through psutil (/proc/meminfo on Linux,
    sysctl and host_statistics on macOS, GlobalMemoryStatusEx on Windows)."""
    import psutil

    try:
        memory = psutil.virtual_memory()
    except (OSError, RuntimeError):
        return None, None
    return int(memory.total) or None, int(memory.available) or None


def _apple(values: dict[str, str]) -> Gpu:
    chip = values.get("machdep.cpu.brand_string", "")
    # macOS 11 on the first M1 Macs names the chip just "Apple processor".
    chip = chip if chip.startswith("Apple M") else "Apple Silicon"
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
    cpu_name, features = "", tuple[str, ...]()
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
