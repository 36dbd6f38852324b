"""Run the fuzz suite: index mutated mail and hostile notes, with good items among them,
through the real indexer and its worker processes, and report what happened.

    .venv/bin/python -m tests.fuzz.run --mail 10000 --notes 2000 [--seed 15] [--json]

A *crash* is any item that failed for a reason other than a deliberate refusal: an
exception no parser anticipated, a worker that died, an item past its time or memory
limit (the limits hold such an item, but it is still a finding). A *lost* item is a good
one (an unmutated message, a good note) that is not in the index afterwards.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from agent.index.indexer import index_source
from agent.index.mail import index_mail
from agent.index.pool import Limits, ParsePool
from agent.store import Store
from connectors.mail.files import MailPath
from connectors.notes import NotesFolder
from tests.fuzz.mail import BASE, mutants
from tests.fuzz.notes import good_notes, hostile_notes
from tests.mail_corpus import CASES

# What a refusal says: the caps and the formats' own limits, decided on purpose.
REFUSALS = (
    "not a readable PDF",
    "not a readable Word document",
    "the PDF has no text layer",
    "the PDF is password-protected",
    "skipped: the Word file unpacks to",
    "MB limit for a note",
    "binary data, not text",
)
LIMITS = Limits(seconds=30, memory_bytes=448 * 2**20)


def _own_peak_rss() -> int:
    """This process's peak memory in bytes. VmHWM, not ``ru_maxrss``: Linux carries
    ru_maxrss across exec, so a run started by a big pytest process reported pytest's
    peak (1.5–2 GB in the full suite) instead of its own (~150 MB)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _refusal(reason: str) -> bool:
    return reason.startswith("capped") or any(r in reason for r in REFUSALS)


def _write(folder: Path, items: Iterable[tuple[str, bytes]]) -> None:
    """Each item to a file as it is made: none is kept (the indexer's memory is measured)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in items:
        (folder / name).write_bytes(data)


def _found(conn: sqlite3.Connection, word: str) -> bool:
    row = conn.execute("SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT 1", (f'"{word}"',))
    return row.fetchone() is not None


def _lost(conn: sqlite3.Connection, markers: list[str]) -> list[str]:
    """The good items not in the index: a base message missing, or without the text a
    reader sees in it (tests/mail_corpus.py says what that is), or a good note."""
    rows = conn.execute(
        "SELECT l.path, group_concat(c.text, ' ') FROM mail_locations l "
        "JOIN documents d ON d.uri = l.uri JOIN chunks c ON c.doc_id = d.id "
        "WHERE l.path LIKE '%/0-base-%' GROUP BY l.path"
    )
    found = {Path(path).name: " ".join(text.split()) for path, text in rows}
    lost = []
    for n in range(len(BASE)):
        text = found.get(f"0-base-{n:03}:2,S")
        want = CASES[n].want if n < len(CASES) else ()
        if text is None or not all(" ".join(w.split()) in text for w in want):
            lost.append(f"mail: base message {n}")
    return lost + [f"note with {marker}" for marker in markers if not _found(conn, marker)]


def run(mail_count: int, notes_count: int, seed: int, base: Path) -> dict[str, object]:
    maildir = base / "Maildir"
    for sub in ("new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    cur = maildir / "cur"
    _write(cur, [(f"0-base-{n:03}:2,S", raw) for n, raw in enumerate(BASE)])
    kinds: dict[str, str] = {}
    for n, (what, raw) in enumerate(mutants(mail_count, seed)):
        name = f"1-mutant-{n:05}:2,S"
        kinds[name] = what
        (cur / name).write_bytes(raw)
    notes = base / "notes"
    good = list(good_notes(max(200, notes_count // 10), seed + 1))
    _write(notes, [(name, data) for name, data, _ in good])
    _write(notes, hostile_notes(notes_count, seed + 2))

    store = Store(base / "fuzz.db")
    started = time.perf_counter()
    with ParsePool(limits=LIMITS) as pool:
        mail_report = index_mail(store, MailPath(maildir), pool=pool)
        notes_report = index_source(store, NotesFolder(notes), pool=pool)
        worker_peak = pool.worker_peak_rss
        workers = pool.size
        fell_back = pool.in_process  # workers kept dying as they started: no limits held
    seconds = time.perf_counter() - started

    lost = _lost(store.conn, [marker for _, _, marker in good])
    crashes = [
        (Path(path).name, kinds.get(Path(path).name, ""), why)
        for path, why in [*mail_report.errors, *notes_report.errors]
        if not _refusal(why)
    ]
    store.close()
    refused = [why for _, why in notes_report.errors if _refusal(why)]
    return {
        "mail": {
            "mutants": mail_count,
            "base": len(BASE),
            "indexed": mail_report.added + mail_report.duplicates,
            "with problems noted": len({p for p, _ in mail_report.warnings}),
            "failed": len(mail_report.errors),
        },
        "notes": {
            "hostile": notes_count,
            "good": len(good),
            "indexed": notes_report.added,
            "refused": len(refused),
            "failed": len(notes_report.errors) - len(refused),
        },
        "crashes": crashes,
        "lost": lost,
        "seconds": round(seconds, 1),
        "peak_rss_mb": {
            "indexer": round(_own_peak_rss() / 2**20),
            "worker": round(worker_peak / 2**20) if worker_peak else None,
            "worker_limit": LIMITS.memory_bytes // 2**20,
        },
        "workers": workers,
        "parsed_in_the_indexer": fell_back,
        "seed": seed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mail", type=int, default=10_000)
    parser.add_argument("--notes", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)  # the pool's own warnings, on stderr
    with tempfile.TemporaryDirectory(prefix="fanous-fuzz-") as tmp:
        stats = run(args.mail, args.notes, args.seed, Path(tmp))
    if args.json:
        print(json.dumps(stats, ensure_ascii=False))
    else:
        for key, value in stats.items():
            print(f"{key}: {value}")
    return 1 if stats["crashes"] or stats["lost"] else 0


if __name__ == "__main__":
    sys.exit(main())
