"""Is sqlite-utils the better tool for Fanous' writes? The indexer's own write path (plain
``executemany`` on the store's connection) against sqlite-utils' ``insert``/``insert_all``
(``ignore``/``replace``) writing the very same rows into the same schema, and what
importing sqlite-utils costs a command that starts.

    .venv/bin/python tests/bench/bench_sqlite_utils.py [--notes 2000]

The rows are made once from generated notes (bench_foundation's generator: Markdown with
headings, real chunking and normalisation), so only the writing is timed; each variant
writes into a fresh database in one transaction, three runs, median of the process's CPU
time (SQLite runs in-process; on a shared machine wall time mostly measures the others).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from agent.index.chunking import chunk_text
from agent.normalize import normalize
from agent.store import Store
from contracts.documents import content_hash
from tests.bench.bench_foundation import make_notes

_DOC = ("source", "root", "uri", "path", "title", "meta", "modified", "size", "mtime_ns",
        "content_hash", "indexed_at", "folder", "doc_date")  # fmt: skip
_CHUNK = ("doc_id", "ordinal", "text", "heading_path", "start", "end", "search_form",
          "search_heading", "text_hash")  # fmt: skip


def rows(count: int) -> list[tuple[tuple, list[tuple], list[str]]]:
    """(document row, chunk rows without doc_id, tags) per generated note."""
    with tempfile.TemporaryDirectory() as tmp:
        make_notes(Path(tmp), count, random.Random(7))
        out = []
        for path in sorted(Path(tmp).rglob("*.md")):
            text = path.read_text()
            doc = ("notes", tmp, path.as_uri(), str(path), path.stem, json.dumps({}), 0.0,
                   len(text), 0, content_hash(text), 0.0, "", 0.0)  # fmt: skip
            chunks = [  # a searchable form equal to the text is stored as ''
                (n, p.text, p.heading_path, p.start, p.end,
                 "" if normalize(p.text) == p.text else normalize(p.text),
                 normalize(p.heading_path), content_hash(p.text))
                for n, p in enumerate(chunk_text(text))
            ]  # fmt: skip
            out.append((doc, chunks, ["bench", path.parent.name]))
        return out


def raw(store: Store, data: list) -> None:
    """What agent/index/indexer.py does."""
    conn = store.conn
    marks = ",".join("?" * len(_DOC))
    with store.atomic():
        for doc, chunks, tags in data:
            doc_id = conn.execute(
                f"INSERT INTO documents ({','.join(_DOC)}) VALUES ({marks})", doc
            ).lastrowid
            conn.executemany(
                "INSERT OR IGNORE INTO doc_tags (doc_id, tag) VALUES (?, ?)",
                [(doc_id, t) for t in tags],
            )
            conn.executemany(
                f"INSERT INTO chunks ({','.join(_CHUNK)}) VALUES ({','.join('?' * 9)})",
                [(doc_id, *c) for c in chunks],
            )


def with_sqlite_utils(store: Store, data: list) -> None:
    """The same rows through sqlite-utils' table API."""
    import sqlite_utils

    db = sqlite_utils.Database(store.conn)
    documents, tags_table, chunks_table = db["documents"], db["doc_tags"], db["chunks"]
    with store.atomic():
        for doc, chunks, tags in data:
            doc_id = documents.insert(dict(zip(_DOC, doc, strict=True))).last_pk
            tags_table.insert_all(({"doc_id": doc_id, "tag": t} for t in tags), ignore=True)
            chunks_table.insert_all(dict(zip(_CHUNK, (doc_id, *c), strict=True)) for c in chunks)


def timed(write, data: list) -> float:
    runs = []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "bench.db")
            t0 = time.process_time()  # CPU time: the machine is shared, the writes are ours
            write(store, data)
            runs.append(time.process_time() - t0)
            store.close()
    return statistics.median(runs)


def import_cost() -> float:
    """CPU milliseconds ``import sqlite_utils`` adds once numpy (which Fanous loads anyway)
    is in: median of five fresh processes."""
    code = (
        "import numpy, time; t = time.process_time(); import sqlite_utils; "
        "print((time.process_time() - t) * 1000)"
    )
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                 text=True, check=True).stdout) for _ in range(5)]  # fmt: skip
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=2000)
    args = parser.parse_args()
    data = rows(args.notes)
    passages = sum(len(c) for _, c, _ in data)
    print(f"{len(data)} notes, {passages} passages; writes only, one transaction, CPU time, "
          "median of 3")  # fmt: skip
    plain = timed(raw, data)
    utils = timed(with_sqlite_utils, data)
    print(f"  executemany (the indexer's path): {plain:.3f} s = {passages / plain:,.0f} passages/s")
    print(f"  sqlite-utils insert/insert_all:   {utils:.3f} s = {passages / utils:,.0f} passages/s"
          f" ({utils / plain:.2f}x the time)")  # fmt: skip
    print(f"  import sqlite_utils (numpy already loaded): {import_cost():.0f} ms")


if __name__ == "__main__":
    main()
