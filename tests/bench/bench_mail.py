"""Mail benchmark: messages indexed per second (mbox and Maildir), search latency, IMAP
initial sync rate, next to notmuch (Debian's `notmuch`) on the same Maildir.

    .venv/bin/python tests/bench/bench_mail.py [MESSAGES] [IMAP_MESSAGES]

Generates MESSAGES (default 50,000) messages of realistic shape: plain and HTML
(multipart/alternative) bodies, replies quoting their parent, threads, signatures,
Arabic and Japanese in their legacy charsets, small text attachments. IMAP needs
Debian's dovecot-imapd and a keyring-free run (the password is passed directly).
"""

from __future__ import annotations

import base64
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from agent.index.mail import index_mail
from agent.index.pool import ParsePool
from agent.index.search import search
from agent.store import Store
from connectors.mail.files import MailPath
from connectors.mail.imap import ImapAccount, ImapSource

WORDS = (
    "contract renewal invoice meeting ferry harbour budget report deadline project review "
    "dinner flight hotel passport visa apartment landlord plumber insurance dentist doctor "
    "garden olive lemon recipe museum library station train schedule payment quarterly "
    "lease deposit signature agenda minutes proposal estimate shipment warehouse customer"
).split()
PEOPLE = ["Sara Haddad", "Omar Khalil", "Lina Aziz", "Karim Nasser", "Yuki Tanaka", "Ben Cole"]
QUERIES = [
    "contract renewal",
    "invoice payment",
    "ferry harbour schedule",
    "passport visa",
    "quarterly report deadline",
    "lease deposit",
]
NOTMUCH_QUERIES = [" and ".join(q.split()) for q in QUERIES]


def _addr(name: str) -> str:
    return f"{name} <{name.split()[0].lower()}@example.com>"


def _vocabulary() -> tuple[list[str], list[float]]:
    """Words with a Zipf-like spread, as real text has: a few very common, most rare.
    The topic words sit at ranks 50-1,000, so a query matches some mail, not all."""
    rng = random.Random(3)
    syllables = ["ka", "lo", "mi", "ra", "te", "su", "no", "vi", "de", "ba", "ru", "sel"]
    filler = sorted({"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(6000)})
    rng.shuffle(filler)
    words = filler[:50]
    for n, topic in enumerate(WORDS):
        words += [*filler[50 + n * 20 : 50 + (n + 1) * 20], topic]
    words += filler[50 + len(WORDS) * 20 :]
    return words, [1 / (rank + 1) for rank in range(len(words))]


VOCABULARY, WEIGHTS = _vocabulary()


def _sentence(rng: random.Random) -> str:
    words = rng.choices(VOCABULARY, WEIGHTS, k=rng.randint(6, 16))
    return " ".join(words).capitalize() + "."


def make_message(n: int, rng: random.Random) -> bytes:
    sender, to = rng.sample(PEOPLE, 2)
    thread = n - n % rng.choice((1, 3, 5))
    reply = thread != n
    day = 1 + n % 28
    body = "\n\n".join(
        " ".join(_sentence(rng) for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(1, 5))
    )
    head = (
        f"From: {_addr(sender)}\nTo: {_addr(to)}\n"
        f"Subject: {'Re: ' if reply else ''}{' '.join(rng.sample(WORDS, 2))} #{thread}\n"
        f"Date: Mon, {day:02d} Apr 2024 {n % 24:02d}:{n % 60:02d}:00 +0000\n"
        f"Message-ID: <bench{n}@example.com>\nMIME-Version: 1.0\n"
    )
    if reply:
        head += (
            f"In-Reply-To: <bench{n - 1}@example.com>\nReferences: <bench{thread}@example.com>\n"
        )
        quoted = "\n".join("> " + line for line in body.split("\n")[:8])
        body += f"\n\nOn Mon, {sender} wrote:\n{quoted}"
    body += f"\n\n-- \n{sender}\nExample Ltd"
    kind = n % 10
    if kind == 0:  # Arabic, windows-1256
        text = "سيتم تجديد العقد في الأول من الشهر القادم. " + body
        return (
            head + "Content-Type: text/plain; charset=windows-1256\n"
            "Content-Transfer-Encoding: base64\n\n"
        ).encode() + base64.encodebytes(text.encode("windows-1256", "replace"))
    if kind == 1:  # Japanese, ISO-2022-JP
        text = "会議は金曜日です。" + body
        return (head + "Content-Type: text/plain; charset=ISO-2022-JP\n\n").encode() + text.encode(
            "iso-2022-jp", "replace"
        )
    if kind in (2, 3, 4):  # HTML newsletter-ish alternative
        html = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
        return (
            head + 'Content-Type: multipart/alternative; boundary="alt"\n\n'
            f"--alt\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
            f"--alt\nContent-Type: text/html; charset=utf-8\n\n<html><body>{html}</body></html>\n"
            "--alt--\n"
        ).encode()
    if kind == 5:  # a small text attachment
        return (
            head + 'Content-Type: multipart/mixed; boundary="mix"\n\n'
            f"--mix\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
            "--mix\nContent-Type: text/plain; name=notes.txt\n"
            "Content-Disposition: attachment; filename=notes.txt\n\n"
            f"{_sentence(rng)}\n--mix--\n"
        ).encode()
    return (head + "Content-Type: text/plain; charset=utf-8\n\n" + body + "\n").encode()


def write_corpus(base: Path, count: int) -> tuple[Path, Path, int]:
    rng = random.Random(7)
    mbox = base / "all.mbox"
    maildir = base / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    size = 0
    with mbox.open("wb") as out:
        for n in range(count):
            raw = make_message(n, rng)
            size += len(raw)
            out.write(b"From bench@example.com Mon Apr  1 10:00:00 2024\n" + raw + b"\n")
            (maildir / "cur" / f"{n}.bench:2,S").write_bytes(raw)
    return mbox, maildir, size


def timed_index(path: Path, db: Path) -> tuple[float, Store]:
    store = Store(db)
    with ParsePool() as pool:
        started, cpu = time.perf_counter(), time.process_time()
        report = index_mail(store, MailPath(path), pool=pool)
        seconds = time.perf_counter() - started
        writer = time.process_time() - cpu
        workers = pool.worker_cpu_seconds
    assert report.added > 0 and not report.errors, report.errors[:3]
    # The work itself, which other jobs on a shared machine do not stretch: the writer
    # (this process) and the parse workers.
    print(
        f"  (CPU time {writer + workers:.1f} s: writer {writer:.1f} s, "
        f"{pool.size} parse workers {workers:.1f} s)"
    )
    return seconds, store


def latency(fn, queries: list[str], rounds: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        for q in queries:
            started = time.perf_counter()
            fn(q)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def bench_notmuch(maildir: Path, base: Path, count: int) -> None:
    if not shutil.which("notmuch"):
        print("notmuch: not installed (apt-get install notmuch) — skipped")
        return
    config = base / "notmuch-config"
    config.write_text(
        f"[database]\npath={maildir}\n[user]\nname=Bench\nprimary_email=b@example.com\n"
        "[new]\ntags=unread;inbox;\n[search]\nexclude_tags=\n[maildir]\nsynchronize_flags=false\n"
    )
    env = {**os.environ, "NOTMUCH_CONFIG": str(config)}
    started, before = time.perf_counter(), os.times()
    subprocess.run(["notmuch", "new", "--quiet"], env=env, check=True)
    seconds = time.perf_counter() - started
    after = os.times()
    cpu = after.children_user + after.children_system
    cpu -= before.children_user + before.children_system
    print(
        f"notmuch new, Maildir: {seconds:.1f} s = {count / seconds:,.0f} messages/s "
        f"(CPU time {cpu:.1f} s)"
    )

    def run(q: str) -> None:
        subprocess.run(
            ["notmuch", "search", "--limit=10", "--output=messages", q],
            env=env, check=True, capture_output=True,
        )  # fmt: skip

    p50, p95 = latency(run, NOTMUCH_QUERIES)
    print(f"notmuch search (a process per query), top 10: p50 {p50:.1f} ms, p95 {p95:.1f} ms")


def bench_imap(count: int) -> None:
    try:
        from tests.fakes.dovecot import Dovecot, dovecot_available
    except ImportError:
        return
    if not dovecot_available():
        print("IMAP: dovecot-imapd not installed — skipped")
        return
    base = Path(tempfile.mkdtemp(prefix="fanous-dovecot-"))
    server = Dovecot(base).start()
    try:
        rng = random.Random(11)
        box = server.maildir / "cur"
        for n in range(count):
            (box / f"{n}.bench:2,S").write_bytes(make_message(n, rng))
        server.deliver(make_message(count, rng))  # fixes ownership of the folders
        for f in box.iterdir():
            os.chown(f, *server._owner[1:])
        account = ImapAccount(
            host="127.0.0.1", user=server.user, port=server.imaps_port,
            trusted_cert=str(server.cert),
        )  # fmt: skip
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "imap.db")
            source = ImapSource(account, server.password)
            started = time.perf_counter()
            report = index_mail(store, source)
            seconds = time.perf_counter() - started
            source.close()
            assert report.added == count + 1, report.summary()
            print(
                f"IMAP initial sync (IMAPS, local Dovecot), {count + 1:,} messages: "
                f"{seconds:.1f} s = {(count + 1) / seconds:,.0f} messages/s"
            )
            source = ImapSource(account, server.password)
            started = time.perf_counter()
            index_mail(store, source)
            print(f"IMAP no-change re-sync: {time.perf_counter() - started:.2f} s")
            source.close()
            store.close()
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    imap_count = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000
    with tempfile.TemporaryDirectory(prefix="fanous-bench-mail-") as tmp:
        base = Path(tmp)
        started = time.perf_counter()
        mbox, maildir, size = write_corpus(base, count)
        print(
            f"corpus: {count:,} messages, {size / 2**20:.0f} MB "
            f"(written in {time.perf_counter() - started:.1f} s)"
        )
        seconds, store = timed_index(mbox, base / "mbox.db")
        print(f"fanous index, mbox: {seconds:.1f} s = {count / seconds:,.0f} messages/s")
        started = time.perf_counter()
        index_mail(store, MailPath(mbox))
        print(f"fanous no-change re-scan, mbox: {time.perf_counter() - started:.2f} s")
        store.close()
        seconds, store = timed_index(maildir, base / "maildir.db")
        print(f"fanous index, Maildir: {seconds:.1f} s = {count / seconds:,.0f} messages/s")
        started = time.perf_counter()
        index_mail(store, MailPath(maildir))
        print(f"fanous no-change re-scan, Maildir: {time.perf_counter() - started:.2f} s")
        p50, p95 = latency(lambda q: search(store, q, limit=10, source="mail"), QUERIES)
        print(f"fanous search (keyword), top 10: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        p50, p95 = latency(
            lambda q: search(store, f"{q} from:sara after:2024-04-10", limit=10), QUERIES
        )
        print(f"fanous search with from:/after: operators: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        store.close()
        bench_notmuch(maildir, base, count)
    bench_imap(imap_count)


if __name__ == "__main__":
    main()
