"""The answer-quality set: a note vault, a mailbox and questions with known answers.

    from tests.bench.answer_quality.dataset import load, write_corpus
    data = load()
    notes_dir, mbox = write_corpus(tmp)          # index these with Fanous' own connectors
    for q in data.select(split="dev", answerable=True):
        ok = q.found_in(answer_text)

How the set was built and what it can't show: README.md beside this file.
"""

from __future__ import annotations

import html
import json
import mailbox
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from agent.monitor.answer_set import fold, holds

__all__ = [
    "CORPUS",
    "KINDS",
    "LANGS",
    "MAIL_DOC",
    "MBOX",
    "NOTES",
    "QUESTIONS",
    "SOURCES",
    "SPLITS",
    "TYPES",
    "Dataset",
    "Question",
    "fold",
    "load",
    "message_text",
    "read_mail",
    "write_corpus",
]

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
NOTES = CORPUS / "notes"
MBOX = CORPUS / "mail" / "inbox.mbox"
QUESTIONS = HERE / "questions.jsonl"

LANGS = ("en", "ar", "mixed", "cjk")
SOURCES = ("notes", "mail")
KINDS = ("keyword", "paraphrase", "absent", "near_miss")
TYPES = (
    "time",
    "date",
    "amount",
    "number",
    "person",
    "place",
    "code",
    "yesno",
    "list",
    "reason",
    "other",
)
SPLITS = ("dev", "test")
MAIL_DOC = "mail/inbox.mbox#"


@dataclass(frozen=True)
class Question:
    id: str
    lang: str  # en | ar | mixed | cjk
    source: str  # notes | mail
    kind: str  # keyword | paraphrase (answerable); absent | near_miss (not answerable)
    answerable: bool
    q: str
    expect: tuple[str, ...]  # any one of these in an answer means it holds the fact
    doc: str | None  # "notes/<path>" or "mail/inbox.mbox#<message-id>"; None if unanswerable
    type: str  # what the question asks for: one of TYPES
    split: str  # dev | test, assigned per document (per thread for mail)

    @property
    def message_id(self) -> str | None:
        """The Message-ID (without <>) of a mail question's answering message."""
        if self.doc and self.doc.startswith(MAIL_DOC):
            return self.doc[len(MAIL_DOC) :]
        return None

    @property
    def note_path(self) -> Path | None:
        """The answering note's path relative to the notes folder."""
        if self.doc and self.doc.startswith("notes/"):
            return Path(self.doc[len("notes/") :])
        return None

    def found_in(self, text: str) -> bool:
        """Whether ``text`` (an answer) contains one of the expected facts, after
        ``fold`` (``agent.monitor.answer_set.holds``: the check ``fanous eval`` makes)."""
        return holds(text, self.expect)


@dataclass(frozen=True)
class Dataset:
    questions: tuple[Question, ...]

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def __len__(self) -> int:
        return len(self.questions)

    def select(
        self,
        *,
        split: str | None = None,
        lang: str | None = None,
        source: str | None = None,
        answerable: bool | None = None,
    ) -> list[Question]:
        """The questions matching every given filter."""
        return [
            q
            for q in self.questions
            if (split is None or q.split == split)
            and (lang is None or q.lang == lang)
            and (source is None or q.source == source)
            and (answerable is None or q.answerable == answerable)
        ]


def _question(row: dict[str, object], where: str) -> Question:
    expected = {f for f in Question.__dataclass_fields__}
    if set(row) != expected:
        raise ValueError(f"{where}: fields {sorted(set(row) ^ expected)} missing or unknown")
    checks = {"lang": LANGS, "source": SOURCES, "kind": KINDS, "type": TYPES, "split": SPLITS}
    for name, allowed in checks.items():
        if row[name] not in allowed:
            raise ValueError(f"{where}: {name} {row[name]!r} is not one of {allowed}")
    expect = row["expect"]
    if not isinstance(expect, list) or not all(isinstance(e, str) and e for e in expect):
        raise ValueError(f"{where}: expect must be a list of non-empty strings")
    answerable = row["answerable"] is True
    if answerable != (row["kind"] in ("keyword", "paraphrase")):
        raise ValueError(f"{where}: kind {row['kind']!r} does not fit answerable={answerable}")
    if answerable != bool(expect) or answerable != (row["doc"] is not None):
        raise ValueError(f"{where}: an answerable question needs expect and doc, others none")
    return Question(
        id=str(row["id"]),
        lang=str(row["lang"]),
        source=str(row["source"]),
        kind=str(row["kind"]),
        answerable=answerable,
        q=str(row["q"]),
        expect=tuple(expect),
        doc=None if row["doc"] is None else str(row["doc"]),
        type=str(row["type"]),
        split=str(row["split"]),
    )


def load(path: Path = QUESTIONS) -> Dataset:
    """Read the questions; a malformed line is a ValueError naming its line."""
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{where}: not JSON ({exc.msg})") from exc
        questions.append(_question(row, where))
    return Dataset(tuple(questions))


def write_corpus(dest: Path) -> tuple[Path, Path]:
    """Copy the notes folder and the mbox into ``dest``; return (notes folder, mbox)."""
    notes = dest / "notes"
    mbox = dest / "mail" / "inbox.mbox"
    shutil.copytree(NOTES, notes)
    mbox.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(MBOX, mbox)
    return notes, mbox


def read_mail(path: Path = MBOX) -> dict[str, EmailMessage]:
    """Every message of the mbox by its Message-ID (without <>)."""
    box = mailbox.mbox(path, factory=lambda f: BytesParser(policy=policy.default).parse(f))
    try:
        return {str(msg["Message-ID"]).strip().strip("<>"): msg for msg in box}
    finally:
        box.close()


def message_text(msg: EmailMessage) -> str:
    """A message's decoded headers and text parts; HTML without its tags."""
    parts = [f"{name}: {value}" for name, value in msg.items()]
    for part in msg.walk():
        if part.get_content_maintype() != "text":
            continue
        content = part.get_content()
        if part.get_content_subtype() == "html":
            content = html.unescape(re.sub(r"<[^>]+>", " ", content))
        parts.append(content)
    return "\n".join(parts)
