"""FTS5 settings for the passage index, measured: each variant indexes the same
passages (bench_notes.py's generated notes, normalised as the indexer does) and runs the
same keyword queries; the printed reference is the index as the store creates it.

    .venv/bin/python tests/bench/bench_fts5.py [--notes 20000]

Not a timed test: it prints, per variant, the CPU time to build the index (in the
indexer's transactions of about 1,200 passages, or another batch size), the index's
size, the query latency (the search's own AND and OR queries, top 50 by BM25) and
whether the top 50 (ids and scores) are the reference's.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench_foundation import QUERIES, pct  # noqa: E402
from bench_notes import LONG_CHARS, make_notes  # noqa: E402

from agent.index.indexer import index_source  # noqa: E402
from agent.index.query import fts_terms  # noqa: E402
from agent.store import Store  # noqa: E402
from connectors.notes import NotesFolder  # noqa: E402

# (label, options after the columns, FTS5 configuration, passages per transaction,
# command after the last transaction)
VARIANTS: list[tuple[str, str, tuple[tuple[str, int], ...], int, str | None]] = [
    ("as the store creates it", "", (), 1200, None),
    ("detail=column", ", detail=column", (), 1200, None),
    ("prefix='3'", ", prefix='3'", (), 1200, None),
    ("prefix='2 3 4'", ", prefix='2 3 4'", (), 1200, None),
    ("automerge=16", "", (("automerge", 16),), 1200, None),
    ("automerge=2", "", (("automerge", 2),), 1200, None),
    ("crisismerge=64", "", (("crisismerge", 64),), 1200, None),
    ("pgsz=4050", "", (("pgsz", 4050),), 1200, None),
    ("batches of 300 passages", "", (), 300, None),
    ("batches of 6,000 passages", "", (), 6000, None),
    ("optimize after indexing", "", (), 1200, "optimize"),
]


def build(rows: list[tuple[int, str, str]], path: Path, options: str, config, batch, after):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(
        "CREATE TABLE chunks (id INTEGER PRIMARY KEY, search_text TEXT, search_heading TEXT)"
    )
    db.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(search_text, search_heading, content='chunks', "
        f"content_rowid='id', tokenize='unicode61 remove_diacritics 2'{options})"
    )
    db.execute(
        "CREATE TRIGGER ai AFTER INSERT ON chunks BEGIN INSERT INTO fts(rowid, search_text, "
        "search_heading) VALUES (new.id, new.search_text, new.search_heading); END"
    )
    for key, value in config:
        db.execute("INSERT INTO fts(fts, rank) VALUES (?, ?)", (key, value))
    started = time.process_time()
    for i in range(0, len(rows), batch):
        db.execute("BEGIN")
        db.executemany("INSERT INTO chunks VALUES (?,?,?)", rows[i : i + batch])
        db.execute("COMMIT")
    if after:
        db.execute("INSERT INTO fts(fts) VALUES (?)", (after,))
    return db, time.process_time() - started


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=20000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        notes = Path(tmp) / "notes"
        make_notes(notes, args.notes)
        store = Store(Path(tmp) / "source.db")
        index_source(store, NotesFolder(notes))
        rows = store.conn.execute(
            "SELECT id, search_text, search_heading FROM chunks ORDER BY id"
        ).fetchall()
        store.close()
        long_query = ((" ".join(QUERIES) + " ") * (LONG_CHARS // 50))[:LONG_CHARS]
        matches = [" AND ".join(fts_terms(q)) for q in QUERIES]
        matches += [" OR ".join(fts_terms(q)) for q in QUERIES]
        long_match = " OR ".join(fts_terms(long_query))
        terms = len(fts_terms(long_query))
        print(f"{len(rows):,} passages of {args.notes:,} notes")
        reference = None
        for n, (label, options, config, batch, after) in enumerate(VARIANTS):
            db, cpu = build(rows, Path(tmp) / f"v{n}.db", options, config, batch, after)
            top, ms = {}, []
            sql = (
                "SELECT rowid, round(-bm25(fts, 1.0, 2.0), 6) FROM fts WHERE fts MATCH ? "
                "ORDER BY bm25(fts, 1.0, 2.0) LIMIT 50"
            )
            for _ in range(5):
                for match in matches:
                    t = time.process_time()
                    top[match] = db.execute(sql, (match,)).fetchall()
                    ms.append((time.process_time() - t) * 1000)
            long_ms = []
            for _ in range(3):
                t = time.process_time()
                db.execute(sql, (long_match,)).fetchall()
                long_ms.append((time.process_time() - t) * 1000)
            size = db.execute("SELECT sum(length(block)) FROM fts_data").fetchone()[0]
            reference = reference or top
            same = sum(top[m] == reference[m] for m in reference)
            print(
                f"  {label:<26} build {cpu:5.1f} s CPU, {size / 2**20:5.1f} MB; query CPU "
                f"p50 {pct(ms, 50):5.2f} ms, p95 {pct(ms, 95):5.2f} ms; {terms}-term OR "
                f"{min(long_ms):6.1f} ms; same top 50: {same}/{len(reference)}",
                flush=True,
            )
            db.close()


if __name__ == "__main__":
    main()
