"""Hardware detection on recorded tool outputs, and the model catalog on those profiles.

The fixtures in tests/fixtures/hardware/ follow each tool's documented output format (see
the README there: no GPU machine was available to capture them for real).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from agent import catalog, hardware
from agent.hardware import GiB, Gpu, HardwareProfile, MiB

FIXTURES = Path(__file__).parent / "fixtures" / "hardware"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


def replay(outputs: dict[str, str]):
    """A ``run`` seam that answers each tool from a fixture, or None (tool absent)."""

    def run(*cmd: str) -> str | None:
        return outputs.get(cmd[0])

    return run


class NoNvml:
    """pynvml without a driver: nvmlInit fails, as on this machine."""

    def nvmlInit(self) -> None:
        raise RuntimeError("NVML Shared Library Not Found")


class FakeNvml:
    """Just the NVML calls hardware.nvml_gpus makes, answering like an RTX 4090 does."""

    def __init__(self, names: list[bytes | str]) -> None:
        self.names = names
        self.shut = False

    def nvmlInit(self) -> None: ...

    def nvmlShutdown(self) -> None:
        self.shut = True

    def nvmlSystemGetDriverVersion(self) -> bytes:
        return b"550.54.14"  # pynvml < 11.5 returned bytes

    def nvmlDeviceGetCount(self) -> int:
        return len(self.names)

    def nvmlDeviceGetHandleByIndex(self, i: int) -> int:
        return i

    def nvmlDeviceGetName(self, handle: int) -> bytes | str:
        return self.names[handle]

    def nvmlDeviceGetMemoryInfo(self, handle: int) -> SimpleNamespace:
        return SimpleNamespace(total=25_757_220_864, free=24_870_387_712, used=886_833_152)


# -- parsers -----------------------------------------------------------------------------
def test_nvidia_smi_single_and_multi_gpu() -> None:
    (gpu,) = hardware.parse_nvidia_smi(fixture("nvidia-smi-rtx4090.csv"))
    assert gpu.name == "NVIDIA GeForce RTX 4090" and gpu.vendor == "NVIDIA"
    assert gpu.memory_bytes == 24564 * MiB and gpu.free_bytes == 23719 * MiB
    assert gpu.driver == "550.54.14" and gpu.backend == "CUDA"
    two = hardware.parse_nvidia_smi(fixture("nvidia-smi-2x-a100.csv"))
    assert [g.memory_bytes for g in two] == [81920 * MiB] * 2


def test_nvidia_smi_old_query_and_not_available_values() -> None:
    (gpu,) = hardware.parse_nvidia_smi(fixture("nvidia-smi-gtx1650-old.csv"))
    assert gpu.memory_bytes == 4096 * MiB and gpu.free_bytes is None and gpu.driver is None
    (na,) = hardware.parse_nvidia_smi("NVIDIA GH200 480GB, [N/A], [N/A], 560.35.03\n")
    assert na.memory_bytes is None and na.driver == "560.35.03"
    assert hardware.parse_nvidia_smi("") == []


def test_nvml_reads_devices_and_shuts_down() -> None:
    nvml = FakeNvml([b"NVIDIA GeForce RTX 4090", "NVIDIA GeForce RTX 3060"])
    gpus = hardware.nvml_gpus(nvml)
    assert gpus is not None and gpus[0].name == "NVIDIA GeForce RTX 4090"
    assert gpus[0].memory_bytes == 25_757_220_864 and gpus[0].driver == "550.54.14"
    assert gpus[0].source == "nvml" and nvml.shut
    assert hardware.nvml_gpus(NoNvml()) is None
    assert catalog.find("nomic-embed-text:latest") is catalog.find("nomic-embed-text")


def test_amd_smi_both_json_shapes() -> None:
    (mi300,) = hardware.parse_amd_smi(fixture("amd-smi-mi300x.json"))
    assert mi300.name == "AMD Instinct MI300X" and mi300.memory_bytes == 196592 * MiB
    (xtx,) = hardware.parse_amd_smi(fixture("amd-smi-rx7900xtx-gpu-data.json"))
    assert xtx.name == "Radeon RX 7900 XTX" and xtx.memory_bytes == 24560 * MiB
    assert xtx.backend == "ROCm"
    assert hardware.parse_amd_smi("not json") == []


def test_rocm_smi_new_and_old_keys() -> None:
    (xtx,) = hardware.parse_rocm_smi(fixture("rocm-smi-rx7900xtx.json"))
    assert xtx.name == "Navi 31 [Radeon RX 7900 XT/7900 XTX]"
    assert xtx.memory_bytes == 25753026560 and xtx.free_bytes == 25753026560 - 1021300736
    (mi210,) = hardware.parse_rocm_smi(fixture("rocm-smi-mi210-old.json"))  # "system" skipped
    assert "MI210" in mi210.name and mi210.memory_bytes == 68702699520


def test_sysfs_amd_card_and_intel_igpu() -> None:
    amd, intel = hardware.sysfs_gpus(FIXTURES / "sysfs")  # card0-DP-1 is a connector
    assert amd.vendor == "AMD" and amd.memory_bytes == 25753026560 and not amd.unified
    assert intel.vendor == "Intel" and intel.memory_bytes is None and intel.unified
    assert hardware.sysfs_gpus(FIXTURES / "missing") == []


def test_cpuinfo_features_x86_and_arm() -> None:
    name, feats = hardware.parse_cpuinfo(fixture("cpuinfo-x86-avx512.txt"))
    assert name == "Intel(R) Xeon(R) Platinum 8480+"
    assert {"avx2", "avx512f", "avx512_vnni", "amx_int8", "fma", "f16c"} <= set(feats)
    assert "neon" not in feats
    _, arm = hardware.parse_cpuinfo(fixture("cpuinfo-arm64-graviton3.txt"))
    assert {"neon", "dotprod", "sve", "i8mm"} <= set(arm) and "avx2" not in arm


def test_meminfo_and_sysctl() -> None:
    total, available = hardware.parse_meminfo(fixture("meminfo.txt"))
    assert total == 32601744 * 1024 and available == 27913436 * 1024
    values = hardware.parse_sysctl(fixture("sysctl-m2-pro.txt"))
    assert values["hw.memsize"] == "34359738368"
    assert values["machdep.cpu.brand_string"] == "Apple M2 Pro"


# -- whole profiles ------------------------------------------------------------------------
def test_detect_apple_silicon_unified_memory() -> None:
    profile = hardware.detect(
        run=replay({"sysctl": fixture("sysctl-m2-pro.txt")}), system="Darwin", machine="arm64"
    )
    assert profile.ram_bytes == 32 * GiB and profile.accelerator == "Apple"
    (gpu,) = profile.gpus
    assert gpu.name == "Apple M2 Pro GPU" and gpu.unified and gpu.backend == "Metal"
    assert {"neon", "dotprod", "i8mm"} <= set(profile.cpu_features)
    assert profile.model_memory_bytes() == 32 * GiB * 2 // 3
    assert "unified memory" in profile.describe() and "Metal" in profile.describe()


def test_detect_intel_mac_is_cpu_only() -> None:
    profile = hardware.detect(
        run=replay({"sysctl": fixture("sysctl-intel-mac.txt")}), system="Darwin", machine="x86_64"
    )
    assert profile.gpus == [] and profile.accelerator == "CPU"
    assert {"avx", "avx2", "fma", "f16c"} <= set(profile.cpu_features)
    assert "avx512f" not in profile.cpu_features
    assert profile.describe().startswith("CPU only")


def test_detect_nvidia_falls_back_to_nvidia_smi(tmp_path: Path) -> None:
    profile = hardware.detect(
        run=replay({"nvidia-smi": fixture("nvidia-smi-2x-a100.csv")}),
        nvml=NoNvml(),
        sys_drm=tmp_path,
        cpuinfo=FIXTURES / "cpuinfo-x86-avx512.txt",
        system="Linux",
        machine="x86_64",
    )
    assert [g.source for g in profile.gpus] == ["nvidia-smi", "nvidia-smi"]
    assert profile.model_memory_bytes() == int(2 * 81920 * MiB * 0.9)
    assert profile.cpu_name.startswith("Intel(R) Xeon")


def test_detect_nvml_wins_over_nvidia_smi(tmp_path: Path) -> None:
    profile = hardware.detect(
        run=replay({"nvidia-smi": fixture("nvidia-smi-2x-a100.csv")}),
        nvml=FakeNvml(["NVIDIA GeForce RTX 4090"]),
        sys_drm=tmp_path,
        system="Linux",
        machine="x86_64",
    )
    assert [g.name for g in profile.gpus] == ["NVIDIA GeForce RTX 4090"]


def test_detect_amd_prefers_amd_smi_then_rocm_smi_then_sysfs() -> None:
    common = {"nvml": NoNvml(), "system": "Linux", "machine": "x86_64"}
    both = replay({"amd-smi": fixture("amd-smi-mi300x.json"),
                   "rocm-smi": fixture("rocm-smi-mi210-old.json")})  # fmt: skip
    sysfs = FIXTURES / "sysfs"
    assert [g.source for g in hardware.detect(run=both, sys_drm=sysfs, **common).gpus] == [
        "amd-smi",
        "sysfs",  # the Intel iGPU, which no vendor tool reported
    ]
    rocm = replay({"rocm-smi": fixture("rocm-smi-rx7900xtx.json")})
    assert hardware.detect(run=rocm, sys_drm=sysfs, **common).gpus[0].source == "rocm-smi"
    only_sysfs = hardware.detect(run=replay({}), sys_drm=sysfs, **common)
    assert [g.vendor for g in only_sysfs.gpus] == ["AMD", "Intel"]
    assert only_sysfs.best_gpu is not None and only_sysfs.best_gpu.vendor == "AMD"


def test_intel_igpu_alone_means_the_model_runs_on_the_cpu() -> None:
    igpu = Gpu("Intel", "Intel GPU (card1)", unified=True, source="sysfs")
    profile = HardwareProfile("Linux", "x86_64", 8, 16 * GiB, [igpu])
    assert profile.accelerator == "CPU" and profile.model_memory_bytes() == 8 * GiB
    assert "Intel GPU (card1) (unified memory, Vulkan)" in profile.describe()


def test_detect_on_this_machine_never_raises() -> None:
    profile = hardware.detect()
    assert profile.cpu_cores >= 1 and profile.describe()
    assert profile.to_json()["model_memory_bytes"] > 0


# -- the catalog on these profiles ---------------------------------------------------------
def gpu_profile(vram_gib: int, vendor: str = "NVIDIA", ram_gib: int = 32) -> HardwareProfile:
    gpu = Gpu(vendor, f"{vendor} card", vram_gib * GiB)
    return HardwareProfile("Linux", "x86_64", 16, ram_gib * GiB, [gpu])


@pytest.mark.parametrize(
    ("vram", "chat"),
    [
        (4, "llama3.2:3b"),
        (8, "llama3.1:8b"),
        (12, "qwen2.5:14b"),
        (24, "qwen2.5:32b"),
        (80, "llama3.3:70b"),
    ],
)
def test_best_chat_model_that_fits_the_vram(vram: int, chat: str) -> None:
    rec = catalog.recommend(gpu_profile(vram))
    assert rec.chat.name == chat and not rec.chat.overridden
    assert rec.chat.memory_bytes is not None and rec.chat.memory_bytes <= rec.budget_bytes
    assert f"{rec.chat.context}-token context" in rec.chat.reason
    assert rec.chat.context >= catalog.MIN_CONTEXT


def test_cpu_only_prefers_small_fast_models_and_short_contexts() -> None:
    two_cores = HardwareProfile("Linux", "x86_64", 2, 24 * GiB)
    rec = catalog.recommend(two_cores)
    assert rec.chat.name == "llama3.2:1b" and rec.chat.context == catalog.CPU_MAX_CONTEXT
    assert "too slow on 2 CPU cores" in rec.chat.reason
    assert rec.embed.name == "nomic-embed-text" and rec.embedded_fallback == "smollm2-135m"
    eight = catalog.recommend(HardwareProfile("Linux", "x86_64", 8, 16 * GiB))
    assert eight.chat.name == "llama3.2:3b"
    tiny = catalog.recommend(HardwareProfile("Linux", "x86_64", 2, 2 * GiB))
    assert tiny.chat.name == "qwen2.5:0.5b" and tiny.embed.name == "all-minilm"


def test_apple_and_amd_profiles() -> None:
    m2 = hardware.detect(
        run=replay({"sysctl": fixture("sysctl-m2-pro.txt")}), system="Darwin", machine="arm64"
    )
    rec = catalog.recommend(m2)
    assert rec.chat.name == "qwen2.5:32b" and "unified memory" in rec.chat.reason
    xtx = hardware.parse_rocm_smi(fixture("rocm-smi-rx7900xtx.json"))
    rec = catalog.recommend(HardwareProfile("Linux", "x86_64", 16, 64 * GiB, xtx))
    assert rec.chat.name == "qwen2.5:32b" and "ROCm" in rec.chat.reason


def test_user_override_wins_and_says_whether_it_fits() -> None:
    small = gpu_profile(4)
    rec = catalog.recommend(small, chat_override="llama3.3:70b", embed_override="all-minilm")
    assert rec.chat.name == "llama3.3:70b" and rec.chat.overridden
    assert "needs more than" in rec.chat.reason
    assert rec.embed.name == "all-minilm" and rec.embed.overridden
    custom = catalog.recommend(small, chat_override="my-finetune:latest")
    assert custom.chat.name == "my-finetune:latest" and "not in the catalog" in custom.chat.reason
    ok = catalog.recommend(gpu_profile(24), chat_override="llama3.2")  # no tag = :latest
    assert ok.chat.name == "llama3.2:3b" and "it fits" in ok.chat.reason


def test_smaller_model_after_out_of_memory() -> None:
    assert catalog.smaller_than("llama3.1:8b") == "qwen2.5:7b"
    assert catalog.smaller_than("llama3.1:8b", gpu_profile(4)) == "llama3.2:3b"
    assert catalog.smaller_than("qwen2.5:0.5b") is None
    assert catalog.smaller_than("unknown-model", gpu_profile(8)) == "llama3.1:8b"
