"""Start-up of the packaged app to a usable window, against the same app run from the
development venv (the reference: Python + site-packages, no PyInstaller).

    installer/linux/build.sh                       # once
    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_package.py [--runs 7]

Each run starts a fresh process with `fanous _startup-check` in a fresh FANOUS_HOME and
takes the time from spawn to the window shown after one event-loop turn. Not a timed test:
it prints figures (the first run after a build reads from disk; the median is warm).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = {
    "packaged (build/installer/dist/fanous)": ROOT / "build/installer/dist/fanous/fanous",
    "dev venv (.venv/bin/fanous)": ROOT / ".venv/bin/fanous",
}


def spawn_to_window(program: Path, home: Path) -> float:
    env = {**os.environ, "FANOUS_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    t0 = time.time()
    out = subprocess.run(
        [str(program), "_startup-check"], env=env, capture_output=True, text=True, check=True
    )
    report = json.loads(out.stdout)
    assert report["visible"], report
    return report["shown_at"] - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for label, program in APPS.items():
            if not program.exists():
                print(f"{label}: missing, build it first")
                continue
            times = [
                spawn_to_window(program, Path(tmp) / f"{label[:3]}{i}") for i in range(args.runs)
            ]
            print(
                f"{label}: first {times[0]:.2f} s, median {statistics.median(times):.2f} s, "
                f"min {min(times):.2f} s over {args.runs} starts"
            )
    print(f"load average during the runs: {os.getloadavg()[0]:.1f} (2 cores)")


if __name__ == "__main__":
    main()
