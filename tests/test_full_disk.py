"""A full disk: Fanous says so and what to do, keeps what it had, and recovers once there
is room again.

The disk is real: a 2 MiB tmpfs mounted in a private mount namespace (``unshare -rm``,
which needs no privileges beyond user namespaces), so SQLite meets a true ENOSPC.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

FANOUS = Path(sys.executable).with_name("fanous")

SCRIPT = r"""
set -u
mount -t tmpfs -o size=2m tmpfs "$DISK" || exit 97
export FANOUS_HOME="$DISK/home"
step() { echo "== $1"; shift; "$@"; echo "rc=$?"; }
step small "$FANOUS" index --notes "$NOTES"
# Other files on the disk: removing them is how the user makes room later. (Removing the
# filler alone would not do: the failed index's write-ahead log may hold the whole disk.)
dd if=/dev/zero of="$DISK/other" bs=64k count=8 2>/dev/null
cp -r "$BIG" "$NOTES/big"
step full "$FANOUS" index --notes "$NOTES"
dd if=/dev/zero of="$DISK/filler" bs=64k 2>/dev/null  # now not a byte is left
step search "$FANOUS" search zebra3
step ask "$FANOUS" ask --json "What is the lantern code of Lantern 3?"
rm -rf "$NOTES/big" "$DISK/filler" "$DISK/other"
step room "$FANOUS" index --notes "$NOTES"
# Full again, with the write-ahead log folded into the database at the last close:
# now nothing can be written at all.
dd if=/dev/zero of="$DISK/filler" bs=64k 2>/dev/null
step ask-full "$FANOUS" ask --json "What is the lantern code of Lantern 3?"
step cloud "$FANOUS" cloud on
step doctor "$FANOUS" doctor
cp "$DISK"/home/config/settings.toml "$DISK"/home/config/.settings-* "$KEEP/" 2>/dev/null
rm -f "$DISK/filler"
step room-again "$FANOUS" index --notes "$NOTES"
cp "$DISK/home/data/fanous.db" "$KEEP/fanous.db"
"""


def _steps(output: str) -> dict[str, tuple[str, int]]:
    """``== name`` ... ``rc=N`` blocks of the script's output."""
    steps = {}
    for block in output.split("== ")[1:]:
        name, _, rest = block.partition("\n")
        body, _, rc = rest.rpartition("rc=")
        steps[name] = (body, int(rc.split()[0]))
    return steps


@pytest.mark.runs_long
@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs util-linux's unshare")
def test_full_disk_is_explained_and_loses_nothing(tmp_path: Path) -> None:
    notes, big, keep, disk = (tmp_path / n for n in ("notes", "big", "keep", "disk"))
    for folder in (notes, big, keep, disk):
        folder.mkdir()
    for i in range(5):
        (notes / f"small{i}.md").write_text(f"# Lantern {i}\nThe lantern code is zebra{i}.\n")
    rng = random.Random(7)  # words that do not compress: the disk must really fill
    words = ["".join(rng.choices("abcdefghijklmnop", k=rng.randint(3, 9))) for _ in range(4000)]
    for i in range(200):
        paragraphs = (" ".join(rng.choices(words, k=80)) for _ in range(30))
        (big / f"big{i}.md").write_text("# Big\n\n" + "\n\n".join(paragraphs))

    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "FANOUS": str(FANOUS),
           "NOTES": str(notes), "BIG": str(big), "KEEP": str(keep), "DISK": str(disk)}  # fmt: skip
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", SCRIPT],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=240,
    )
    assert done.returncode != 97, f"cannot mount a tmpfs here: {done.stdout}"
    steps = _steps(done.stdout)

    assert steps["small"][1] == 0
    text, rc = steps["full"]
    assert rc == 1
    assert "error: The disk is full" in text and "everything saved before is kept" in text
    assert "Traceback" not in done.stdout and "Logging error" not in done.stdout
    # Right after the failure, with the disk full to the last byte, search and answers
    # work. The answer may still find room in the write-ahead log that the failed index
    # left (then it is kept); if not, it is shown and said to be unsaved.
    text, rc = steps["search"]
    assert rc == 0 and "small3.md" in text
    for step in ("ask", "ask-full"):
        text, rc = steps[step]
        assert rc == 0
        answer = json.loads(text[text.index("{") :])
        assert answer["answer"] and "small3.md" in {Path(s["path"]).name for s in answer["sources"]}
        assert answer["not_saved"] is None or answer["not_saved"].startswith("The disk is full")
    assert steps["room"][1] == 0
    # Full with no log to write into, the index opens read-only: the answer is shown and
    # only its place in the history is missing.
    assert answer["not_saved"].startswith("The disk is full")
    text, rc = steps["cloud"]  # a settings write: explained, and the old settings kept
    assert rc == 1 and "Cannot save settings" in text and "disk" in text
    assert tomllib.loads((keep / "settings.toml").read_text()).get("cloud_escalation") is not True
    assert not list(keep.glob(".settings-*")), "a half-written settings copy was left behind"
    text, rc = steps["doctor"]
    assert "[FAIL] disk: The disk is full" in text and "read-only" in text
    assert steps["room-again"][1] == 0  # with room again, indexing simply works

    db = sqlite3.connect(keep / "fanous.db")
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert db.execute("SELECT count(*) FROM documents").fetchone() == (5,)
    # The keyword index holds those passages and nothing of the batch the disk stopped.
    assert db.execute("SELECT count(*) FROM chunks_fts_docsize").fetchone() == (5,)
    db.execute("INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('integrity-check', 1)")
