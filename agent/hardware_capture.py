"""Record what the hardware probes see, raw, for a bug report or a test fixture.

``fanous doctor --capture DIR`` runs every tool ``agent.hardware`` reads (whether or not
detection needed it), copies the kernel files it parses, and writes the profile it made
of them. The files are the tools' exact output, so they drop into
``tests/fixtures/hardware/`` as they are.
"""

from __future__ import annotations

import json
import platform
import shlex
import shutil
from pathlib import Path
from typing import Any

from agent import hardware

__all__ = ["capture"]

# The sysfs files sysfs_gpus() reads, per card.
_SYSFS_FILES = ("vendor", "device", "uevent", "product_name", "mem_info_vram_total",
                "mem_info_vram_used")  # fmt: skip


def _save(folder: Path, name: str, text: str | None, saved: list[Path]) -> None:
    if text:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        saved.append(path)


def capture(
    folder: Path,
    *,
    run: hardware.Runner = hardware._run,
    nvml: Any = None,
    sys_drm: Path = Path("/sys/class/drm"),
    proc: Path = Path("/proc"),
) -> list[Path]:
    """Write each tool's output, the kernel files and ``profile.json`` into ``folder``;
    return the files written. Tools that are missing are listed in ``commands.txt``."""
    folder.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    commands = []
    tools = {
        "nvidia-smi.csv": hardware.NVIDIA_SMI_QUERY,
        "amd-smi.json": hardware.AMD_SMI_QUERY,
        "rocm-smi.json": hardware.ROCM_SMI_QUERY,
    }
    if platform.system() == "Darwin":
        tools = {"sysctl.txt": ("sysctl", *hardware.SYSCTL_KEYS)}
    for name, cmd in tools.items():
        out = run(*cmd)
        commands.append(f"{name}: {shlex.join(cmd)}{'' if out else '  (not available)'}")
        _save(folder, name, out, saved)
    for name in ("cpuinfo", "meminfo"):
        try:
            text = (proc / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if name == "cpuinfo":  # one processor block says it all; the rest repeat it
            text = text.split("\n\n")[0] + "\n"
        _save(folder, f"{name}.txt", text, saved)
    for card in sorted(sys_drm.glob("card*")) if sys_drm.is_dir() else []:
        if not card.name[4:].isdigit():
            continue
        for name in _SYSFS_FILES:
            source = card / "device" / name
            if source.is_file():
                target = folder / "sysfs" / card.name / "device" / name
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    shutil.copyfile(source, target)
                except OSError:
                    continue
                saved.append(target)
    _save(folder, "commands.txt", "\n".join(commands) + "\n", saved)
    profile = hardware.detect(run=run, nvml=nvml, sys_drm=sys_drm, cpuinfo=proc / "cpuinfo")
    profile_json = json.dumps(profile.to_json(), indent=2) + "\n"
    _save(folder, "profile.json", profile_json, saved)
    return saved
