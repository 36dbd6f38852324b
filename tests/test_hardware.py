"""Hardware detection on recorded tool outputs, and the model catalog on those profiles.

Most fixtures in tests/fixtures/hardware/ are real captures of the tools, recorded by other
people on their machines; the README there names the source of each, and the few still
written by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from agent import hardware
from agent.engines import catalog
from agent.hardware import GiB, Gpu, HardwareProfile, MiB
from tests.fakes.loopback import free_port

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
# Real captures (README.md says where each comes from) carry the full `--query-gpu` CSV with
# its header and units: columns are found by name, whatever the other ~200 fields.
@pytest.mark.parametrize(
    ("capture", "name", "total_mib", "free_mib", "driver"),
    [
        ("nvidia-smi-h100-sxm.csv", "NVIDIA H100 80GB HBM3", 81559, 81081, "590.48.01"),
        ("nvidia-smi-h200-mig.csv", "NVIDIA H200", 143771, 143103, "590.48.01"),
        ("nvidia-smi-h200.csv", "NVIDIA H200", 143771, 143156, "580.159.04"),  # our own query
        ("nvidia-smi-l40s.csv", "NVIDIA L40S", 46068, 45460, "595.80"),
        (
            "nvidia-smi-rtx4080-super.csv",
            "NVIDIA GeForce RTX 4080 SUPER",
            16376,
            15348,
            "595.71.05",
        ),
        (
            "nvidia-smi-rtx2080-super-windows.csv",
            "NVIDIA GeForce RTX 2080 SUPER",
            8192,
            7286,
            "591.86",
        ),
    ],
)
def test_nvidia_smi_real_captures_with_header(
    capture: str, name: str, total_mib: int, free_mib: int, driver: str
) -> None:
    (gpu,) = hardware.parse_nvidia_smi(fixture(capture))  # the header is not a GPU
    assert gpu.name == name and gpu.vendor == "NVIDIA" and gpu.backend == "CUDA"
    assert gpu.memory_bytes == total_mib * MiB and gpu.free_bytes == free_mib * MiB
    assert gpu.driver == driver and gpu.source == "nvidia-smi"


def test_nvidia_smi_without_header_single_and_multi_gpu() -> None:
    (gpu,) = hardware.parse_nvidia_smi(fixture("nvidia-smi-rtx4090.csv"))
    assert gpu.name == "NVIDIA GeForce RTX 4090" and gpu.memory_bytes == 24564 * MiB
    assert gpu.free_bytes == 23719 * MiB and gpu.driver == "550.54.14"
    two = hardware.parse_nvidia_smi(fixture("nvidia-smi-2x-a100.csv"))
    assert [g.memory_bytes for g in two] == [81920 * MiB] * 2


def test_nvidia_smi_old_query_not_available_values_and_noise() -> None:
    (gpu,) = hardware.parse_nvidia_smi(fixture("nvidia-smi-gtx1650-old.csv"))
    assert gpu.memory_bytes == 4096 * MiB and gpu.free_bytes is None and gpu.driver is None
    # Drivers have written a missing value as "[Not Supported]", "[N/A]" and "N/A" (README).
    for missing in ("[N/A]", "N/A", "[Not Supported]"):
        row = f"NVIDIA GH200 480GB, {missing}, {missing}, 560.35.03\n"
        (na,) = hardware.parse_nvidia_smi(row)
        assert na.memory_bytes is None and na.free_bytes is None and na.driver == "560.35.03"
    assert hardware.parse_nvidia_smi("") == []
    # What nvidia-smi prints instead of data is not a GPU (messages quoted in the README).
    failed = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."
    assert hardware.parse_nvidia_smi(failed) == []
    warned = "WARNING: infoROM is corrupted at gpu 0000:B3:00.0\n" + fixture("nvidia-smi-l40s.csv")
    assert [g.name for g in hardware.parse_nvidia_smi(warned)] == ["NVIDIA L40S"]


def test_nvml_reads_devices_and_shuts_down() -> None:
    nvml = FakeNvml([b"NVIDIA GeForce RTX 4090", "NVIDIA GeForce RTX 3060"])
    gpus = hardware.nvml_gpus(nvml)
    assert gpus is not None and gpus[0].name == "NVIDIA GeForce RTX 4090"
    assert gpus[0].memory_bytes == 25_757_220_864 and gpus[0].driver == "550.54.14"
    assert gpus[0].source == "nvml" and nvml.shut
    assert hardware.nvml_gpus(NoNvml()) is None
    assert catalog.find("nomic-embed-text:latest") is catalog.find("nomic-embed-text")


def test_amd_smi_real_captures_and_the_gpu_data_shape() -> None:
    (rx6600,) = hardware.parse_amd_smi(fixture("amd-smi-rx6600.json"))
    assert rx6600.name == "Navi 23 [Radeon RX 6600/6600 XT"  # amd-smi cuts the name there
    assert rx6600.memory_bytes == 8176 * MiB and rx6600.backend == "ROCm"
    (halo,) = hardware.parse_amd_smi(fixture("amd-smi-strix-halo.json"))
    assert halo.name.startswith("Strix Halo [Radeon Graphics")
    assert halo.memory_bytes == 32768 * MiB  # the APU's carve-out, as amd-smi reports it
    (xtx,) = hardware.parse_amd_smi(fixture("amd-smi-rx7900xtx-gpu-data.json"))
    assert xtx.name == "Radeon RX 7900 XTX" and xtx.memory_bytes == 24560 * MiB
    assert hardware.parse_amd_smi("not json") == []


def test_rocm_smi_real_captures_and_old_keys() -> None:
    (xt,) = hardware.parse_rocm_smi(fixture("rocm-smi-rx7900xt.json"))
    assert xt.name == "Radeon RX 7900 XT" and xt.memory_bytes == 21458059264
    assert xt.free_bytes == 21458059264 - 27856896
    # `--showallinfo` has no VRAM figures, and a "system" entry that is not a card.
    (rx6600,) = hardware.parse_rocm_smi(fixture("rocm-smi-rx6600-allinfo.json"))
    assert rx6600.name == "Navi 23 [Radeon RX 6600/6600 XT/6600M]"
    assert rx6600.memory_bytes is None and rx6600.free_bytes is None
    (mi210,) = hardware.parse_rocm_smi(fixture("rocm-smi-mi210-old.json"))  # "Card series"
    assert "MI210" in mi210.name and mi210.memory_bytes == 68702699520


def test_sysfs_vega64_and_an_intel_igpu_known_only_by_uevent(tmp_path: Path) -> None:
    amd, intel = hardware.sysfs_gpus(FIXTURES / "sysfs-vega64")
    assert amd.vendor == "AMD" and amd.name == "AMD GPU (card0)"  # product_name is empty
    assert amd.memory_bytes == 8573157376 and amd.free_bytes == 8573157376 - 1490378752
    assert intel.vendor == "Intel" and intel.memory_bytes is None and intel.unified
    assert hardware.sysfs_gpus(FIXTURES / "missing") == []
    (tmp_path / "card0-DP-1").mkdir()  # connectors sit beside the cards in /sys/class/drm
    (tmp_path / "card0-DP-1" / "status").write_text("connected\n")
    assert hardware.sysfs_gpus(tmp_path) == []


@pytest.mark.parametrize(
    ("capture", "name", "has", "lacks"),
    [
        ("cpuinfo-sapphirerapids.txt", "Intel(R) Xeon(R) Platinum 8480+",
         {"avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_int8"}, {"neon"}),
        ("cpuinfo-zen5.txt", "AMD Ryzen 9 9950X 16-Core Processor",
         {"avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16"}, {"amx_int8"}),
        ("cpuinfo-alderlake.txt", "Intel(R) Core(TM) Ultra 9 285",
         {"avx", "avx2", "fma", "f16c"}, {"avx512f"}),
        ("cpuinfo-graviton3.txt", "ARM Neoverse-V1", {"neon", "dotprod", "sve", "i8mm"}, {"avx2"}),
        ("cpuinfo-asahi-m2.txt", "Apple CPU (part 0x032)", {"neon", "dotprod", "i8mm"}, {"sve"}),
    ],
)  # fmt: skip
def test_cpuinfo_real_captures(capture: str, name: str, has: set[str], lacks: set[str]) -> None:
    cpu, features = hardware.parse_cpuinfo(fixture(capture))
    assert cpu == name  # arm64 has no model name: it comes from the implementer/part ids
    assert has <= set(features) and not lacks & set(features)


def test_meminfo_and_sysctl() -> None:
    total, available = hardware.parse_meminfo(fixture("meminfo.txt"))  # our dev machine
    assert total == 24684084 * 1024 and available == 24203188 * 1024
    values = hardware.parse_sysctl(fixture("sysctl-m4-max.txt"))  # all of `sysctl hw machdep`
    assert values["hw.memsize"] == "68719476736" and values["hw.ncpu"] == "16"
    assert values["machdep.cpu.brand_string"] == "Apple M4 Max"
    assert values["hw.osenvironment"] == ""


# -- whole profiles ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("capture", "ram_gib", "gpu"),
    [("sysctl-m2.txt", 16, "Apple M2 GPU"), ("sysctl-m4-max.txt", 64, "Apple M4 Max GPU")],
)
def test_detect_apple_silicon_unified_memory(capture: str, ram_gib: int, gpu: str) -> None:
    profile = hardware.detect(
        run=replay({"sysctl": fixture(capture)}), system="Darwin", machine="arm64"
    )
    assert profile.ram_bytes == ram_gib * GiB and profile.accelerator == "Apple"
    (found,) = profile.gpus
    assert found.name == gpu and found.unified and found.backend == "Metal"
    assert {"neon", "dotprod", "i8mm"} <= set(profile.cpu_features)
    assert profile.model_memory_bytes() == ram_gib * GiB * 2 // 3
    assert "unified memory" in profile.describe() and "Metal" in profile.describe()


def test_detect_first_m1_macs_say_apple_processor() -> None:
    # macOS 11 named the chip "Apple processor" and listed no FEAT_* keys; this capture has
    # no hw.memsize line either, so the RAM comes from the machine running the test.
    profile = hardware.detect(
        run=replay({"sysctl": fixture("sysctl-m1-bigsur.txt")}), system="Darwin", machine="arm64"
    )
    assert [g.name for g in profile.gpus] == ["Apple Silicon GPU"]
    assert profile.cpu_name == "Apple processor" and profile.cpu_features == ("neon",)


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
        run=replay({"nvidia-smi": fixture("nvidia-smi-h100-sxm.csv")}),
        nvml=NoNvml(),
        sys_drm=tmp_path,
        cpuinfo=FIXTURES / "cpuinfo-sapphirerapids.txt",
        system="Linux",
        machine="x86_64",
    )
    assert [g.source for g in profile.gpus] == ["nvidia-smi"]
    assert profile.model_memory_bytes() == int(81559 * MiB * 0.9)
    assert profile.cpu_name == "Intel(R) Xeon(R) Platinum 8480+"
    assert "NVIDIA H100 80GB HBM3 (80 GiB VRAM, CUDA)" in profile.describe()
    assert "--format=csv,nounits" in hardware.NVIDIA_SMI_QUERY  # with the header row


def test_nvidia_smi_reads_what_nvml_read_on_the_same_h200(tmp_path: Path) -> None:
    # Both captures come from one machine (tests/fixtures/hardware/README.md): the fallback
    # through nvidia-smi must make the profile that NVML made there.
    recorded = json.loads(fixture("profile-h200.json"))
    profile = hardware.detect(
        run=replay({"nvidia-smi": fixture("nvidia-smi-h200.csv")}),
        nvml=NoNvml(),
        sys_drm=tmp_path,
        system="Linux",
        machine="x86_64",
    )
    (gpu,) = profile.gpus
    (seen,) = recorded["gpus"]
    assert (gpu.name, gpu.memory_bytes, gpu.driver) == (seen["name"], seen["memory_bytes"],
                                                        seen["driver"])  # fmt: skip
    assert profile.accelerator == recorded["accelerator"] == "NVIDIA"
    assert "NVIDIA H200 (140 GiB VRAM, CUDA)" in profile.describe()
    assert catalog.recommend(profile).chat.name == "llama3.3:70b"  # what that machine was told


def test_detect_nvml_wins_over_nvidia_smi(tmp_path: Path) -> None:
    profile = hardware.detect(
        run=replay({"nvidia-smi": fixture("nvidia-smi-h100-sxm.csv")}),
        nvml=FakeNvml(["NVIDIA GeForce RTX 4090"]),
        sys_drm=tmp_path,
        system="Linux",
        machine="x86_64",
    )
    assert [g.name for g in profile.gpus] == ["NVIDIA GeForce RTX 4090"]


def test_detect_amd_prefers_amd_smi_then_rocm_smi_then_sysfs() -> None:
    common = {"nvml": NoNvml(), "system": "Linux", "machine": "x86_64"}
    both = replay({"amd-smi": fixture("amd-smi-rx6600.json"),
                   "rocm-smi": fixture("rocm-smi-rx7900xt.json")})  # fmt: skip
    sysfs = FIXTURES / "sysfs-vega64"
    assert [g.source for g in hardware.detect(run=both, sys_drm=sysfs, **common).gpus] == [
        "amd-smi",
        "sysfs",  # the Intel iGPU, which no vendor tool reported
    ]
    rocm = replay({"rocm-smi": fixture("rocm-smi-rx7900xt.json")})
    assert hardware.detect(run=rocm, sys_drm=sysfs, **common).gpus[0].source == "rocm-smi"
    only_sysfs = hardware.detect(run=replay({}), sys_drm=sysfs, **common)
    assert [g.vendor for g in only_sysfs.gpus] == ["AMD", "Intel"]
    assert only_sysfs.best_gpu is not None and only_sysfs.best_gpu.vendor == "AMD"


def test_intel_igpu_alone_means_the_model_runs_on_the_cpu() -> None:
    igpu = Gpu("Intel", "Intel GPU (card1)", unified=True, source="sysfs")
    profile = HardwareProfile("Linux", "x86_64", 8, 16 * GiB, [igpu])
    assert profile.accelerator == "CPU" and profile.model_memory_bytes() == 8 * GiB
    assert "Intel GPU (card1) (unified memory, Vulkan)" in profile.describe()


def test_an_amd_igpu_carve_out_is_not_a_model_gpu() -> None:
    # rocm-smi on a Ryzen 7000 desktop (LocalAI PR 7761): the RX 6800 with 17163091968 B of
    # VRAM, and the "Raphael" iGPU with 67108864 B. Alone, the iGPU must not win over the CPU.
    raphael = Gpu("AMD", "Raphael", 67108864, source="rocm-smi")
    alone = HardwareProfile("Linux", "x86_64", 16, 32 * GiB, [raphael])
    assert alone.accelerator == "CPU" and alone.model_memory_bytes() == 16 * GiB
    assert "Raphael (64 MiB VRAM, ROCm)" in alone.describe()
    rx6800 = Gpu("AMD", "Navi 21 [Radeon RX 6800/6800 XT / 6900 XT]", 17163091968)
    both = HardwareProfile("Linux", "x86_64", 16, 32 * GiB, [rx6800, raphael])
    assert both.best_gpu is rx6800 and both.model_memory_bytes() == int(17163091968 * 0.9)


def test_a_tool_that_prints_data_and_exits_non_zero_is_still_read(tmp_path: Path) -> None:
    tool = tmp_path / "fake-smi"
    tool.write_text(
        "#!/bin/sh\necho 'name, memory.total [MiB]'\necho 'NVIDIA L40S, 46068'\nexit 14\n"
    )
    tool.chmod(0o755)
    out = hardware._run(str(tool))
    assert out is not None and hardware.parse_nvidia_smi(out)[0].name == "NVIDIA L40S"
    assert hardware._run(str(tmp_path / "absent")) is None


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
    assert rec.embed.name == catalog.BUILTIN_EMBED and rec.embedded_fallback == "smollm2-135m"
    eight = catalog.recommend(HardwareProfile("Linux", "x86_64", 8, 16 * GiB))
    assert eight.chat.name == "llama3.2:3b"
    tiny = catalog.recommend(HardwareProfile("Linux", "x86_64", 2, 2 * GiB))
    assert tiny.chat.name == "qwen2.5:0.5b" and tiny.embed.name == catalog.BUILTIN_EMBED


@pytest.mark.parametrize("builtin", [True, False])
@pytest.mark.parametrize(
    "profile",
    [
        HardwareProfile("Linux", "x86_64", 2, 2 * GiB),
        HardwareProfile("Linux", "x86_64", 2, 24 * GiB),
        HardwareProfile("Windows", "AMD64", 8, 16 * GiB),
        HardwareProfile("Linux", "x86_64", 16, 32 * GiB, [Gpu("NVIDIA", "RTX", 8 * GiB)]),
        HardwareProfile("Linux", "x86_64", 16, 64 * GiB, [Gpu("NVIDIA", "H100", 80 * GiB)]),
    ],
    ids=["tiny", "cpu", "windows", "8gb-gpu", "80gb-gpu"],
)
def test_recommended_embeddings_are_multilingual_like_the_default(
    profile: HardwareProfile, builtin: bool
) -> None:
    embed = catalog.recommend(profile, builtin_embedder=builtin).embed
    model = catalog.find(embed.name)
    assert (embed.name == catalog.BUILTIN_EMBED and builtin) or (model and model.multilingual)
    assert embed.name not in ("nomic-embed-text", "all-minilm")


def test_apple_and_amd_profiles() -> None:
    m4 = hardware.detect(
        run=replay({"sysctl": fixture("sysctl-m4-max.txt")}), system="Darwin", machine="arm64"
    )
    rec = catalog.recommend(m4)
    assert rec.chat.name == "llama3.3:70b" and "unified memory" in rec.chat.reason
    m2 = hardware.detect(
        run=replay({"sysctl": fixture("sysctl-m2.txt")}), system="Darwin", machine="arm64"
    )
    assert catalog.recommend(m2).chat.name == "qwen2.5:14b"
    xt = hardware.parse_rocm_smi(fixture("rocm-smi-rx7900xt.json"))
    rec = catalog.recommend(HardwareProfile("Linux", "x86_64", 16, 64 * GiB, xt))
    assert rec.chat.name == "qwen2.5:14b" and "ROCm" in rec.chat.reason


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


# -- fanous doctor --capture -----------------------------------------------------------------
def test_capture_writes_the_tools_raw_output_and_the_profile(tmp_path: Path) -> None:
    import json

    from agent.hardware_capture import capture

    proc = tmp_path / "proc"
    proc.mkdir()
    (proc / "cpuinfo").write_text(fixture("cpuinfo-zen5.txt") + "\nprocessor\t: 1\n")
    (proc / "meminfo").write_text(fixture("meminfo.txt"))
    run = replay({"nvidia-smi": fixture("nvidia-smi-h100-sxm.csv")})
    out = tmp_path / "capture"
    saved = capture(out, run=run, nvml=NoNvml(), sys_drm=FIXTURES / "sysfs-vega64", proc=proc)

    assert (out / "nvidia-smi.csv").read_text() == fixture("nvidia-smi-h100-sxm.csv")
    assert (
        "amd-smi static --asic --vram --json  (not available)" in (out / "commands.txt").read_text()
    )
    vram = out / "sysfs" / "card0" / "device" / "mem_info_vram_total"
    assert (
        vram.read_text() == (FIXTURES / "sysfs-vega64/card0/device/mem_info_vram_total").read_text()
    )
    assert "processor\t: 1" not in (out / "cpuinfo.txt").read_text()  # one block is enough
    assert set(saved) == {p for p in out.rglob("*") if p.is_file()}
    # What was captured replays to the same profile, as a fixture would.
    profile = json.loads((out / "profile.json").read_text())
    assert profile["gpus"][0]["name"] == "NVIDIA H100 80GB HBM3"
    again = hardware.detect(
        run=replay({"nvidia-smi": (out / "nvidia-smi.csv").read_text()}),
        nvml=NoNvml(), sys_drm=out / "sysfs", cpuinfo=out / "cpuinfo.txt",
    )  # fmt: skip
    assert [g.name for g in again.gpus] == [g["name"] for g in profile["gpus"]]


def test_doctor_capture_on_this_machine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from agent.cli import main

    assert main(["doctor", "--capture", str(tmp_path)]) == 0
    assert "attach them to a bug report" in capsys.readouterr().out
    profile = json.loads((tmp_path / "profile.json").read_text())
    assert profile["cpu_cores"] >= 1 and profile["ram_bytes"] > 0
    assert (tmp_path / "commands.txt").read_text().count("\n") >= 1


def test_doctor_says_how_to_put_an_idle_gpu_to_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CPU-only llama.cpp build (this machine's; pinned so that a GPU build runs the
    test too): on an H100 (or an RX 6600) with no Ollama running, the doctor warns and
    names the exact rebuild."""

    import llama_cpp  # the embedded extra, which scripts/setup always installs

    from agent.config import Paths
    from agent.doctor import run_checks
    from agent.workspace import Workspace

    monkeypatch.setattr(llama_cpp, "llama_supports_gpu_offload", lambda: False)
    nothing = f"http://127.0.0.1:{free_port()}"  # no Ollama there
    ws = Workspace(Paths.resolve(tmp_path / "home"))
    ws.settings.ollama_host = nothing
    common = {"nvml": NoNvml(), "sys_drm": tmp_path, "system": "Linux", "machine": "x86_64"}
    try:
        for capture, name, switch in (
            ("nvidia-smi-h100-sxm.csv", "NVIDIA H100 80GB HBM3", "-DGGML_CUDA=on"),
            ("amd-smi-rx6600.json", "Navi 23 [Radeon RX 6600/6600 XT", "-DGGML_HIP=on"),
        ):
            tool = "nvidia-smi" if capture.startswith("nvidia") else "amd-smi"
            profile = hardware.detect(run=replay({tool: fixture(capture)}), **common)
            build = next(c for c in run_checks(ws, profile) if c.name == "llama.cpp build")
            assert build.verdict == "warn" and f"the {name} is not used" in build.detail
            assert switch in (build.fix or "") and "install Ollama" in (build.fix or "")
        cpu = HardwareProfile("Linux", "x86_64", 2, 8 * GiB)
        build = next(c for c in run_checks(ws, cpu) if c.name == "llama.cpp build")
        assert build.verdict == "ok" and build.fix is None  # no GPU: nothing to fix
    finally:
        ws.close()


def test_ram_is_known_without_linux_only_sources() -> None:
    """Windows has no /proc/meminfo and no os.sysconf: RAM used to be unknown there (and
    assumed 8 GiB). Here both are taken away, and the profile still knows the RAM."""
    import subprocess
    import sys

    import psutil

    code = (
        "import os, pathlib\n"
        "import psutil  # its Linux build reads sysconf as it loads; Windows' has its own\n"
        "del os.sysconf\n"
        "_read = pathlib.Path.read_text\n"
        "def read_text(self, *a, **k):\n"
        "    if str(self).startswith('/proc'):\n"
        "        raise FileNotFoundError(str(self))\n"
        "    return _read(self, *a, **k)\n"
        "pathlib.Path.read_text = read_text\n"
        "from agent import hardware\n"
        "p = hardware.detect(run=lambda *cmd: None, sys_drm=pathlib.Path('/nonexistent'))\n"
        "print(p.ram_bytes, p.ram_available_bytes)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    total, available = (int(v) for v in out.stdout.split())
    assert total == psutil.virtual_memory().total and 0 < available <= total
