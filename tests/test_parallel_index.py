"""The indexer with worker processes: the same index as parsing in-process, hostile files
reported and skipped while the rest is kept, nothing lost on Ctrl-C or kill -9."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent.index.indexer import index_source
from agent.index.mail import index_mail
from agent.index.pool import Limits, ParsePool
from agent.store import Store
from connectors.mail.files import MailPath
from connectors.notes import NotesFolder
from tests.hostile import YAML_ALIAS_BOMB, deep_multipart, docx_bomb, eai_message, pdf_bomb
from tests.mail_corpus import CASES, docx_bytes, mbox_bytes, pdf_bytes

ROOT = Path(__file__).resolve().parent.parent

ARABIC = "سينتهي العقد في الأول من حزيران ويتجدد تلقائياً، والعبّارة تغادر الميناء"


def _vault(root: Path, count: int = 120, seed: int = 3) -> Path:
    """Notes of every kind the index reads, some damaged."""
    rng = random.Random(seed)
    words = "ferry harbour ticket olive garden budget invoice museum library train".split()
    for n in range(count):
        folder = root / rng.choice(["travel", "work", "home/garden", ""])
        folder.mkdir(parents=True, exist_ok=True)
        body = "\n\n".join(
            f"## Part {s}\n\n" + " ".join(rng.choice(words) for _ in range(rng.randint(20, 200)))
            for s in range(rng.randint(1, 6))
        )
        kind = n % 10
        if kind == 3:
            body += f"\n\n## العربية\n\n{ARABIC} {n}"
        if kind == 4:
            body += "\n\n## 東京\n\n東京都の新幹線と会議"
        head = f"---\ntitle: Note {n}\ntags: [t{n % 5}, shared]\naliases: [N{n}]\n---\n"
        suffix = [".md", ".md", ".md", ".md", ".md", ".txt", ".org", ".md", ".md", ".md"][kind]
        text = (head if suffix == ".md" else "") + f"# Note {n}\n\n{body}\n"
        if suffix == ".org":
            text = f"#+TITLE: Org {n}\n#+FILETAGS: :org:\n* Heading :x:\n{body}\n"
        (folder / f"note-{n:03}{suffix}").write_text(text, encoding="utf-8")
    (root / "paper.pdf").write_bytes(pdf_bytes("The catamaran leaves at noon."))
    (root / "plan.docx").write_bytes(docx_bytes("The olive harvest starts in October."))
    (root / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    (root / "latin1.txt").write_bytes("Café au lait, crème brûlée".encode("latin-1"))
    return root


def _snapshot(db: Path) -> dict[str, object]:
    """Everything the index holds, keyed so row ids do not matter."""
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, chunks_fts, instance)"
    )
    documents = sorted(
        conn.execute(
            "SELECT uri, source, root, path, title, meta, modified, size, mtime_ns, "
            "content_hash, folder, doc_date FROM documents"
        )
    )
    chunks = sorted(
        conn.execute(
            "SELECT d.uri, c.ordinal, c.text, c.heading_path, c.start, c.end, c.search_text, "
            "c.search_heading, c.text_hash FROM chunks c JOIN documents d ON d.id = c.doc_id"
        )
    )
    tags = sorted(
        conn.execute("SELECT d.uri, t.tag FROM doc_tags t JOIN documents d ON d.id = t.doc_id")
    )
    terms = sorted(
        conn.execute(
            "SELECT d.uri, c.ordinal, v.term, v.col, v.offset FROM vocab v "
            "JOIN chunks c ON c.id = v.doc JOIN documents d ON d.id = c.doc_id"
        )
    )
    errors = sorted(conn.execute("SELECT root, path, reason FROM index_errors"))
    mail = sorted(
        conn.execute(
            "SELECT d.uri, m.message_id, m.thread, m.date, m.sender, m.recipients, m.subject "
            "FROM mail_messages m JOIN documents d ON d.id = m.doc_id"
        )
    )
    locations = sorted(conn.execute("SELECT root, location, uri, path FROM mail_locations"))
    conn.close()
    return {
        "documents": documents,
        "chunks": chunks,
        "tags": tags,
        "fts terms": terms,
        "errors": errors,
        "mail": mail,
        "locations": locations,
    }


def _index_all(db: Path, notes: Path, mail: Path, pool: ParsePool) -> None:
    store = Store(db)
    try:
        index_source(store, NotesFolder(notes), pool=pool)
        index_mail(store, MailPath(mail), pool=pool)
    finally:
        store.close()


def test_parallel_index_is_the_serial_index(tmp_path: Path) -> None:
    notes = _vault(tmp_path / "notes")
    mail = tmp_path / "mail"
    mail.mkdir()
    (mail / "corpus.mbox").write_bytes(mbox_bytes(*(case.raw for case in CASES)))
    maildir = mail / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    for n, case in enumerate(CASES[:6]):
        (maildir / "cur" / f"{n}.host:2,S").write_bytes(case.raw)
    with ParsePool(0) as serial:
        _index_all(tmp_path / "serial.db", notes, mail, serial)
    with ParsePool(2) as parallel:
        _index_all(tmp_path / "parallel.db", notes, mail, parallel)
    a, b = _snapshot(tmp_path / "serial.db"), _snapshot(tmp_path / "parallel.db")
    assert len(a["documents"]) > 120 and len(a["fts terms"]) > 10_000  # type: ignore[arg-type]
    for part in a:
        assert a[part] == b[part], f"{part} differ"


def test_hostile_notes_are_reported_and_the_rest_kept(tmp_path: Path) -> None:
    notes = _vault(tmp_path / "notes", count=30)
    (notes / "alias-bomb.md").write_text(YAML_ALIAS_BOMB)
    (notes / "brackets.md").write_text("# Brackets\n\n" + "[[" * 30_000 + "\n")
    (notes / "spaces.md").write_text("# Title" + " " * 60_000 + "x\n")
    (notes / "bomb.pdf").write_bytes(pdf_bomb(256))
    (notes / "bomb.docx").write_bytes(docx_bomb(200))
    (notes / "binary.md").write_bytes(os.urandom(200_000))
    store = Store(tmp_path / "f.db")
    with ParsePool(2, limits=Limits(seconds=60, memory_bytes=768 * 2**20)) as pool:
        report = index_source(store, NotesFolder(notes), pool=pool)
    reasons = {Path(p).name: why for p, why in report.errors}
    assert set(reasons) == {"broken.pdf", "bomb.pdf", "bomb.docx", "binary.md"}, reasons
    assert "LimitReachedError" in reasons["bomb.pdf"]
    assert "unpacks to 200 MB" in reasons["bomb.docx"]
    titles = {r[0] for r in store.conn.execute("SELECT title FROM documents")}
    assert "binary data" in reasons["binary.md"]
    assert {"Alias bomb", "Brackets", "Note 0", "Org 6"} <= titles
    assert any(t.startswith("Title") and t.endswith("x") for t in titles), "the spaced heading"
    assert report.added == 30 + 3 + 3  # the vault, its readable files, the readable hostile
    store.close()


def test_a_hostile_mailbox_keeps_its_good_messages(tmp_path: Path) -> None:
    good = [case.raw for case in CASES]
    mbox = tmp_path / "hostile.mbox"
    mbox.write_bytes(mbox_bytes(eai_message(), deep_multipart(3000), *good))
    store = Store(tmp_path / "m.db")
    with ParsePool(2) as pool:
        report = index_mail(store, MailPath(mbox), pool=pool)
    assert report.errors == []
    assert report.added + report.duplicates == len(good) + 2
    store.close()


# -- Ctrl-C and kill -9 of a real `fanous index` -------------------------------------------


def _bulk(root: Path, count: int) -> Path:
    for n in range(count):
        folder = root / f"f{n % 20:02}"
        folder.mkdir(parents=True, exist_ok=True)
        sections = "\n\n".join(f"## S{s}\n\nItem {n} part {s}. " * 20 for s in range(6))
        (folder / f"n{n:05}.md").write_text(f"---\ntags: [bulk]\n---\n# Note {n}\n\n{sections}\n")
    return root


def _documents(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0  # not created yet


def _consistent(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # rank 1: FTS5 checks its index against the passages too, not only itself.
        conn.execute("INSERT INTO chunks_fts(chunks_fts, rank) VALUES ('integrity-check', 1)")
        orphans = conn.execute(
            "SELECT count(*) FROM chunks WHERE doc_id NOT IN (SELECT id FROM documents)"
        ).fetchone()[0]
        empty = conn.execute(
            "SELECT count(*) FROM documents WHERE id NOT IN (SELECT doc_id FROM chunks)"
        ).fetchone()[0]
        assert (orphans, empty) == (0, 0), "every document is whole: all its chunks or none"
        return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill-9"])
def test_an_interrupted_index_loses_nothing(tmp_path: Path, how: signal.Signals) -> None:
    notes = _bulk(tmp_path / "notes", 1500)
    home = tmp_path / "home"
    db = home / "data" / "fanous.db"
    env = {**os.environ, "FANOUS_HOME": str(home)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "agent.cli", "index", "--notes", str(notes), "--no-embed"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a terminal's Ctrl-C reaches the whole process group
    )
    deadline = time.monotonic() + 240  # a wait for the first batch, not a speed test
    while _documents(db) < 200 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    os.killpg(proc.pid, how)
    _, stderr = proc.communicate(timeout=120)
    if how == signal.SIGINT:
        assert proc.returncode == 130, f"exit {proc.returncode}, {_documents(db)} kept: {stderr}"
        assert "interrupted" in stderr and "Traceback" not in stderr, stderr
    kept = _consistent(db)
    assert 200 <= kept < 1500
    # The next run finishes the job and matches a run that was never interrupted.
    done = subprocess.run(
        [sys.executable, "-m", "agent.cli", "index", "--no-embed"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert f"{1500 - kept} new" in done.stderr
    assert _consistent(db) == 1500
    fresh = tmp_path / "fresh.db"
    store = Store(fresh)
    with ParsePool(0) as serial:
        index_source(store, NotesFolder(notes), pool=serial)
    store.close()
    a, b = _snapshot(db), _snapshot(fresh)
    for part in ("documents", "chunks", "tags", "fts terms", "errors"):
        assert a[part] == b[part], f"{part} differ"
