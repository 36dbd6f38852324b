"""Inputs whose shape used to fool the index: a random-bytes file named .md, a `# line`
inside a fenced code block, several messages of one mbox told apart only by a preview."""

from __future__ import annotations

import json
import random
from pathlib import Path

from agent.config import Paths
from agent.index.chunking import chunk_text
from agent.workspace import Workspace
from connectors.formats import parse_markdown
from tests.conftest import write_notes
from tests.fakes.engines import FakeEngine
from tests.mail_corpus import mbox_bytes
from tests.test_cli import run
from tests.test_mail_index import message


def test_binary_files_named_as_notes_are_skipped_with_a_reason(
    fake_workspace: Workspace, notes_dir: Path
) -> None:
    rng = random.Random(17)
    (notes_dir / "random.md").write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    (notes_dir / "short.txt").write_bytes(bytes(rng.randrange(128, 256) for _ in range(300)))
    (notes_dir / "photo.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (notes_dir / "utf16.txt").write_text("ملاحظة: الاجتماع يوم الخميس", encoding="utf-16")
    (notes_dir / "colours.txt").write_text("\x1b[31mbuild failed\x1b[0m at step 3\n" * 5)
    report = fake_workspace.index_notes(str(notes_dir))
    reasons = dict(report.errors)
    for name in ("random.md", "short.txt", "photo.md"):
        assert "binary data, not text" in reasons[str(notes_dir / name)], reasons
    assert report.added == 6  # the four notes, the UTF-16 one and the coloured log
    indexed = {row[0] for row in fake_workspace.store.conn.execute("SELECT path FROM documents")}
    assert str(notes_dir / "random.md") not in indexed
    assert str(notes_dir / "utf16.txt") in indexed and str(notes_dir / "colours.txt") in indexed
    assert fake_workspace.search("الخميس")  # the UTF-16 note is text and found


FENCED = """# Setup

Install the tools:

```bash
# install the tools
apt install ripgrep
```

~~~~python
# Not a heading either
print("#notatag")
~~~~

## Use

Search with rg.
"""


def test_a_hash_line_in_a_fenced_block_is_code_not_a_heading() -> None:
    pieces = chunk_text(FENCED, max_chars=60)
    assert {p.heading_path for p in pieces} == {"Setup", "Setup > Use"}
    assert any("# install the tools" in p.text and p.heading_path == "Setup" for p in pieces)
    unclosed = chunk_text("# Top\n\n```\n# inside a fence left open\ntext\n", max_chars=30)
    assert {p.heading_path for p in unclosed} == {"Top"}
    parsed = parse_markdown("```\n# Not the title\n```\n\n# Title #real\n", "stem")
    assert parsed.title == "Title #real" and parsed.tags == ["real"]
    assert parse_markdown(FENCED, "stem").tags == []


def test_mail_citations_name_sender_date_and_subject(tmp_path: Path) -> None:
    box = tmp_path / "inbox.mbox"
    box.write_bytes(
        mbox_bytes(
            message(1, "The ferry leaves at 7:40.", subject="Ferry times"),
            message(
                2,
                "The ferry leaves at 8:15.",
                sender="Omar <omar@example.com>",
                subject="Re: Ferry times",
                date="Wed, 06 Mar 2024 09:30:00 +0000",
            ),
        )
    )
    home = tmp_path / "home"
    assert run(["index", "--mail", str(box), "--no-embed"], home).returncode == 0
    found = json.loads(run(["search", "ferry leaves", "--json"], home).stdout)["results"]
    mails = {r["uri"]: r["mail"] for r in found}
    assert mails["mid:m1@example.com"] == {
        "from": "Sara Haddad <sara@example.com>",
        "date": "2024-03-05T09:00:00+00:00",
        "subject": "Ferry times",
    }
    assert mails["mid:m2@example.com"]["from"] == "Omar <omar@example.com>"
    text = run(["search", "ferry leaves"], home).stdout
    assert (
        "From: Omar <omar@example.com> · Date: 2024-03-06 09:30 UTC · Subject: Re: Ferry times"
        in text
    )
    assert "From: Sara Haddad <sara@example.com> · Date: 2024-03-05 09:00 UTC" in text

    ws = Workspace(Paths.resolve(home), engine=FakeEngine("At 7:40."))
    try:
        answer = ws.ask("When does the ferry leave?", source="mail")
        cited = answer.to_json()["sources"][0]
        assert cited["mail"]["subject"].endswith("Ferry times") and cited["mail"]["date"]
    finally:
        ws.close()


def test_notes_citations_are_unchanged(tmp_path: Path) -> None:
    home, notes = tmp_path / "home", write_notes(tmp_path / "notes")
    found = run(["search", "ferry", "--notes", str(notes), "--json"], home)
    assert "mail" not in json.loads(found.stdout)["results"][0]
    assert "travel/ferry.md — Travel > Ferry (chars" in run(["search", "ferry"], home).stdout
