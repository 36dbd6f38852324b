"""`fanous index --no-embed` beside a plain loop over the same notes (issue 16's target:
the indexer at 1.5x the loop's notes/s or better).

    .venv/bin/python tests/bench/bench_index_vs_loop.py [--notes 5000] [--runs 3]

The corpus: generated notes of about 8 KB (seeded): YAML front matter, a title, six
sections of prose with a list, a tag and a wikilink; one in ten in Arabic. Words are drawn
with Zipf frequencies from the foundation benchmark's vocabulary.

The plain loop is the least a keyword index of these files can do: read each file, SHA-1
it, insert one FTS5 row (its text) into a fresh database, one transaction. Fanous does
more per note (front matter, passages with headings and exact spans, Arabic folding, tags,
the metadata the filters read) and is measured three ways on the same files: the real
CLI in a fresh home (process start included), and `index_source` in this process with
the parse pool as the CLI uses it and with parsing forced into this process (the
pre-pool, one-core path). Each figure is the best of ``--runs``; the page cache is warm
for all. Not a timed test: it prints figures.

Then the floor under any indexer built like this one, measured on the same files: the
keyword index alone (each note's text as one FTS5 row with the index's own tokenizer,
the least the single SQLite writer must do) and parsing alone (reading and preparing
every note in this process: CPU per note). On ``cores`` cores, perfectly shared, no
indexer doing both can pass cores / (parse + keyword-index CPU) notes/s, nor the
keyword index alone's rate, since one writer does that part.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench_notes import ARABIC, CUM_WEIGHTS, VOCAB  # noqa: E402

from agent.index.indexer import index_source  # noqa: E402
from agent.index.pool import ParsePool, default_workers, run_job  # noqa: E402
from agent.store import Store  # noqa: E402
from connectors.notes import NotesFolder  # noqa: E402


def _prose(rng: random.Random, words: int, arabic: bool) -> str:
    if arabic:
        picked = [rng.choice(ARABIC) for _ in range(words)]
    else:
        picked = rng.choices(VOCAB, cum_weights=CUM_WEIGHTS, k=words)
    sentences, out = [], []
    for n, word in enumerate(picked, start=1):
        out.append(word)
        if n % rng.randint(8, 16) == 0:
            sentences.append(" ".join(out).capitalize() + ".")
            out = []
    if out:
        sentences.append(" ".join(out) + ".")
    return " ".join(sentences)


def make_note(n: int, rng: random.Random) -> str:
    arabic = n % 10 == 3
    tags = ", ".join(rng.sample(["travel", "work", "home", "health", "food", "admin"], 2))
    head = (
        f"---\ntitle: Note {n}\ntags: [{tags}]\naliases: [N{n}]\n"
        f"date: 2024-{1 + n % 12:02}-{1 + n % 28:02}\n---\n# Note {n}\n\n"
    )
    sections = []
    for s in range(6):
        body = _prose(rng, 170, arabic)
        items = "\n".join(f"- {_prose(rng, 6, arabic)}" for _ in range(3))
        sections.append(
            f"## Section {s}\n\n{body[: len(body) // 2]}\n\n{items}\n\n"
            f"{body[len(body) // 2 :]} #topic{s} [[Note {rng.randrange(5000)}]]\n"
        )
    return head + "\n".join(sections)


def make_corpus(folder: Path, count: int) -> int:
    rng = random.Random(16)
    size = 0
    for n in range(count):
        sub = folder / f"f{n % 25:02}"
        sub.mkdir(parents=True, exist_ok=True)
        data = make_note(n, rng).encode()
        (sub / f"note-{n:05}.md").write_bytes(data)
        size += len(data)
    return size


def plain_loop(files: list[Path], db: Path) -> float:
    conn = sqlite3.connect(db)
    conn.execute("CREATE VIRTUAL TABLE notes USING fts5(path, sha1, body)")
    started = time.perf_counter()
    with conn:
        for path in files:
            data = path.read_bytes()
            digest = hashlib.sha1(data).hexdigest()
            conn.execute("INSERT INTO notes VALUES (?, ?, ?)", (str(path), digest, data.decode()))
    seconds = time.perf_counter() - started
    conn.close()
    return seconds


def keyword_index_alone(texts: list[str], db: Path) -> float:
    """Each note's text as one row of an FTS5 table tokenised as the index's is."""
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE VIRTUAL TABLE notes USING fts5(body, tokenize='unicode61 remove_diacritics 2')"
    )
    started = time.perf_counter()
    with conn:
        conn.executemany("INSERT INTO notes VALUES (?)", [(t,) for t in texts])
    seconds = time.perf_counter() - started
    conn.close()
    return seconds


def parsing_alone(notes: Path) -> float:
    """CPU seconds to read and prepare every note (front matter, passages, folding)."""
    folder = NotesFolder(notes)
    jobs = [folder.job(item) for item in folder.scan(lambda path, reason: None)]
    started = time.process_time()
    for job in jobs:
        run_job(job)
    return time.process_time() - started


def fanous_cli(notes: Path, home: Path) -> float:
    env = {**os.environ, "FANOUS_HOME": str(home)}
    command = [sys.executable, "-m", "agent.cli", "index", "--notes", str(notes), "--no-embed"]
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - started


def fanous_in_process(notes: Path, db: Path, workers: int) -> float:
    store = Store(db)
    started = time.perf_counter()
    with ParsePool(workers) as pool:
        report = index_source(store, NotesFolder(notes), pool=pool)
    seconds = time.perf_counter() - started
    store.close()
    assert report.added and not report.errors, report.summary()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="fanous-bench-loop-"))
    try:
        notes = base / "notes"
        size = make_corpus(notes, args.notes)
        files = sorted(notes.rglob("*.md"))
        for path in files:  # warm the page cache for every contender
            path.read_bytes()
        print(
            f"{len(files)} notes, {size / len(files) / 1024:.1f} KB on average; "
            f"{os.cpu_count()} cores, {default_workers()} parse workers"
        )

        def best(run: object) -> float:
            times = []
            for n in range(args.runs):
                work = base / f"run{n}"
                work.mkdir()
                times.append(run(work))  # type: ignore[operator]
                shutil.rmtree(work)
            return min(times)

        loop = best(lambda w: plain_loop(files, w / "loop.db"))
        cli = best(lambda w: fanous_cli(notes, w / "home"))
        pool = best(lambda w: fanous_in_process(notes, w / "pool.db", default_workers()))
        serial = best(lambda w: fanous_in_process(notes, w / "serial.db", 0))
        rate = len(files) / loop
        print(f"{'plain loop (read + SHA-1 + 1 FTS5 row)':44} {rate:8.0f} notes/s   1.00x")
        for name, seconds in [
            ("fanous index --no-embed (CLI, start-up in)", cli),
            ("index_source, parse pool", pool),
            ("index_source, parsing in-process", serial),
        ]:
            print(f"{name:44} {len(files) / seconds:8.0f} notes/s   {loop / seconds:.2f}x")

        texts = [path.read_text() for path in files]
        fts = best(lambda w: keyword_index_alone(texts, w / "fts.db"))
        parse = min(parsing_alone(notes) for _ in range(args.runs))
        cores = os.cpu_count() or 1
        ceiling = min(len(files) / fts, cores * len(files) / (parse + fts))
        print("floor under any indexer that parses each note and keyword-indexes its text:")
        for name, value, unit in [
            ("keyword index alone (FTS5, one writer)", fts, "ms of the writer"),
            ("parsing alone (read + prepare)", parse, "ms of CPU"),
        ]:
            print(f"  {name:42} {value / len(files) * 1e3:6.3f} {unit} per note")
        print(
            f"  {'ceiling on ' + str(cores) + ' cores, perfectly shared':42} "
            f"{ceiling:8.0f} notes/s   {ceiling * loop / len(files):.2f}x"
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
