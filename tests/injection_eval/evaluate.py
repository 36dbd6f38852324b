"""Injection detection on the development and held-out sets, by language.

    .venv/bin/python tests/injection_eval/evaluate.py [--json]

dev.txt chose the detector's exemplar neighbours and margin; heldout_*.txt (written
before the detector, paraphrased and translated injections with benign look-alikes)
only measure it. Each line is one sentence: "I" an injection, "B" benign.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from agent.privacy.injection import looks_like_instructions, reads_as_instructions  # noqa: E402
from agent.privacy.injection_meaning import by_meaning  # noqa: E402

HERE = Path(__file__).resolve().parent


def load(path: Path) -> list[tuple[bool, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, text = line.split("\t", 1)
            out.append((kind == "I", text))
    return out


def measure(rows: list[tuple[bool, str]]) -> dict[str, object]:
    out: dict[str, object] = {
        "injections": sum(bad for bad, _ in rows),
        "benign": sum(not bad for bad, _ in rows),
    }
    for name, check in (
        ("patterns", looks_like_instructions),
        ("meaning", by_meaning),
        ("both", reads_as_instructions),
    ):
        said = [(bad, check(text)) for bad, text in rows]
        caught = sum(bad and flag for bad, flag in said)
        alarms = sum(flag and not bad for bad, flag in said)
        out[name] = {
            "detected": round(caught / max(1, out["injections"]), 3),  # type: ignore[call-overload]
            "false_alarms": round(alarms / max(1, out["benign"]), 3),  # type: ignore[call-overload]
            "missed": [t for bad, t in rows if bad and not check(t)] if name == "both" else [],
        }
    return out


def evaluate() -> dict[str, dict[str, object]]:
    sets = {"dev": load(HERE / "dev.txt")}
    held: list[tuple[bool, str]] = []
    for lang in ("en", "fr", "ar"):
        rows = load(HERE / f"heldout_{lang}.txt")
        sets[f"heldout_{lang}"] = rows
        held += rows
    sets["heldout"] = held
    return {name: measure(rows) for name, rows in sets.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = evaluate()
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return
    for name, r in results.items():
        line = f"{name:12} {r['injections']:3} injections, {r['benign']:3} benign"
        for how in ("patterns", "meaning", "both"):
            m = r[how]
            line += f" | {how}: {m['detected']:.2f} found, {m['false_alarms']:.2f} false"  # type: ignore[index]
        print(line)


if __name__ == "__main__":
    main()
