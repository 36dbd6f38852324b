"""The answer-quality benchmark's data holds together: every expected fact is in its
document, every document exists, splits never share a document, the counts meet the
issue's minimums, and the committed mbox is what make_mail.py builds. No model runs."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from connectors.mail.files import MailPath
from connectors.notes import NotesFolder
from tests.bench.answer_quality import make_mail
from tests.bench.answer_quality.dataset import (
    MAIL_DOC,
    MBOX,
    NOTES,
    QUESTIONS,
    TYPES,
    Question,
    fold,
    load,
    message_text,
    read_mail,
    write_corpus,
)

DATA = load()
MAIL = read_mail()
COUNTED = [q for q in DATA if q.lang != "cjk"]  # the CJK questions are extra
ANSWERABLE = [q for q in COUNTED if q.answerable]
UNANSWERABLE = [q for q in COUNTED if not q.answerable]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _document_text(q: Question) -> str:
    if q.note_path is not None:
        return (NOTES / q.note_path).read_text(encoding="utf-8")
    return message_text(MAIL[q.message_id])


def _thread_root(message_id: str) -> str:
    refs = str(MAIL[message_id].get("References", "")).split()
    return refs[0].strip("<>") if refs else message_id


def test_ids_are_unique_and_questions_are_not_repeated():
    ids = Counter(q.id for q in DATA)
    assert [i for i, n in ids.items() if n > 1] == []
    texts = Counter(fold(q.q).rstrip("?؟ ") for q in DATA)
    assert [t for t, n in texts.items() if n > 1] == []


def test_unanswerable_questions_repeat_no_answerable_one():
    asked = {fold(q.q).rstrip("?؟ ") for q in DATA if q.answerable}
    for q in DATA:
        if not q.answerable:
            assert fold(q.q).rstrip("?؟ ") not in asked, q.id
            assert q.expect == () and q.doc is None, q.id


def test_every_document_exists():
    for q in DATA:
        if q.note_path is not None:
            assert (NOTES / q.note_path).is_file(), q.id
        elif q.answerable:
            assert q.source == "mail" and q.message_id in MAIL, q.id
    assert all(q.source == "notes" for q in DATA if q.note_path is not None)


def test_expected_facts_are_verbatim_in_their_document():
    # Verbatim up to line wrapping: notes and mail bodies are wrapped at any space.
    problems = []
    for q in DATA:
        if not q.answerable:
            continue
        text = _flat(_document_text(q))
        problems += [f"{q.id}: {f!r} not in {q.doc}" for f in q.expect if _flat(f) not in text]
        problems += [f"{q.id}: {f!r} is not a short fact" for f in q.expect if len(f) > 60]
        # A reply that quotes the document must count as holding the fact.
        problems += [
            f"{q.id}: found_in misses {f!r} in its own document"
            for f in q.expect
            if not replace(q, expect=(f,)).found_in(text)
        ]
        if len(set(q.expect)) != len(q.expect):
            problems.append(f"{q.id}: an expected fact is listed twice")
    assert problems == []


def test_expected_facts_survive_fanous_own_connectors(tmp_path: Path):
    # What the benchmark indexes is what the connectors make of the files: HTML as text,
    # quoted replies and signatures set aside. Every fact must still be there.
    notes, mbox = write_corpus(tmp_path)
    texts: dict[str, str] = {}
    for folder, prefix in ((NotesFolder(notes), "notes/"), (MailPath(mbox), MAIL_DOC)):
        for item in folder.scan(lambda path, error: pytest.fail(f"{path}: {error}")):
            doc = folder.load(item)
            if doc.uri.startswith("mid:"):
                key = prefix + doc.uri[len("mid:") :]
            else:
                key = prefix + Path(unquote(urlparse(doc.uri).path)).relative_to(notes).as_posix()
            meta = " ".join(str(v) for v in doc.meta.values())
            texts[key] = _flat(f"{doc.title} {doc.text} {meta}")
    lost = [
        f"{q.id}: {fact!r}"
        for q in DATA
        if q.answerable
        for fact in q.expect
        if _flat(fact) not in texts.get(q.doc, "")
    ]
    assert lost == []


def test_counts_meet_the_minimums():
    langs = Counter(q.lang for q in ANSWERABLE)
    assert len(ANSWERABLE) >= 330
    assert langs["ar"] >= 110 and langs["ar"] * 3 >= len(ANSWERABLE)
    paraphrases = sum(q.kind == "paraphrase" for q in ANSWERABLE)
    assert paraphrases * 3 >= len(ANSWERABLE)
    assert sum(q.source == "mail" for q in ANSWERABLE) >= 70

    assert len(UNANSWERABLE) >= 70
    kinds = Counter(q.kind for q in UNANSWERABLE)
    assert min(kinds["absent"], kinds["near_miss"]) * 100 >= 35 * len(UNANSWERABLE)
    assert sum(q.lang == "ar" for q in UNANSWERABLE) * 4 >= len(UNANSWERABLE)
    assert sum(q.source == "mail" for q in UNANSWERABLE) >= 5

    assert sum(q.lang == "cjk" and q.answerable for q in DATA) >= 10
    types = Counter(q.type for q in ANSWERABLE)
    assert all(types[t] >= 5 for t in TYPES), types


def test_splits_are_per_document_and_per_thread():
    by_doc: dict[str, set[str]] = defaultdict(set)
    by_thread: dict[str, set[str]] = defaultdict(set)
    for q in DATA:
        if q.doc is None:
            continue
        by_doc[q.doc].add(q.split)
        if q.message_id:
            by_thread[_thread_root(q.message_id)].add(q.split)
    assert {d: s for d, s in by_doc.items() if len(s) > 1} == {}
    assert {t: s for t, s in by_thread.items() if len(s) > 1} == {}
    dev = sum(s == {"dev"} for s in by_doc.values())
    assert 0.3 <= dev / len(by_doc) <= 0.5
    dev_unanswerable = sum(q.split == "dev" for q in UNANSWERABLE)
    assert 0.3 <= dev_unanswerable / len(UNANSWERABLE) <= 0.5


def test_notes_are_realistic_multi_section_documents():
    notes = sorted(NOTES.rglob("*.md"))
    folders = Counter(p.relative_to(NOTES).parts[0] for p in notes)
    assert folders["عربي"] >= 18 and folders["mixed"] >= 3 and folders["cjk"] == 3
    assert len(notes) - folders["عربي"] - folders["mixed"] - folders["cjk"] >= 35
    for path in notes:
        text = path.read_text(encoding="utf-8")
        sections = len(re.findall(r"^## ", text, flags=re.M))
        assert 3 <= sections <= 8, path
        if path.parent.name != "cjk":
            assert 1000 <= len(text.encode()) <= 5000, path


def test_mailbox_has_the_shapes_real_mail_has():
    assert 60 <= len(MAIL) <= 90
    html_only = alternative = arabic_encoded = replies = 0
    for msg in MAIL.values():
        ctype = msg.get_content_type()
        html_only += ctype == "text/html"
        alternative += ctype == "multipart/alternative"
        raw_cte = str(msg.get("Content-Transfer-Encoding", "")).lower()
        body = msg.get_body(("plain", "html"))
        if body is not None and re.search("[\u0600-\u06ff]", body.get_content()):
            arabic_encoded += raw_cte in ("base64", "quoted-printable")
        parent = msg.get("In-Reply-To")
        if parent:
            replies += 1
            assert str(parent).strip("<>") in MAIL
            assert "\n> " in body.get_content() or "\n>" in body.get_content()
    assert html_only >= 5 and alternative >= 3 and arabic_encoded >= 6 and replies >= 20


def test_committed_mbox_is_what_make_mail_builds(tmp_path: Path):
    fresh = tmp_path / "inbox.mbox"
    assert make_mail.write_mbox(fresh) == len(MAIL)
    if fresh.read_bytes() == MBOX.read_bytes():
        return
    # Another Python may fold headers differently: then the decoded messages must match.
    rebuilt = read_mail(fresh)
    assert rebuilt.keys() == MAIL.keys()
    for mid, msg in MAIL.items():
        assert message_text(rebuilt[mid]) == message_text(msg), mid


def test_write_corpus_copies_the_notes_and_the_mbox(tmp_path: Path):
    notes, mbox = write_corpus(tmp_path / "vault")
    assert sorted(p.relative_to(notes) for p in notes.rglob("*.md")) == sorted(
        p.relative_to(NOTES) for p in NOTES.rglob("*.md")
    )
    assert mbox.read_bytes() == MBOX.read_bytes()


def test_found_in_folds_spelling_and_digits_but_keeps_whole_numbers():
    q = replace(DATA.questions[0], expect=("٢٤٥٠ يورو", "Mum", "4"))
    assert q.found_in("الطيران كلّف 2450 يورو")
    assert q.found_in("It's with mum.")
    assert not q.found_in("at least 14 days, a minimum")
    assert replace(q, expect=("الأربعاء",)).found_in("يوم الاربعاء")


def test_load_names_the_line_of_a_bad_question(tmp_path: Path):
    rows = QUESTIONS.read_text(encoding="utf-8").splitlines()[:3]
    broken = json.loads(rows[1])
    broken["kind"] = "absent"
    bad = tmp_path / "questions.jsonl"
    bad.write_text("\n".join([rows[0], json.dumps(broken), rows[2]]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"questions\.jsonl:2"):
        load(bad)
