"""Terminal escapes in file names, note text and RFC 2047 mail headers never reach the
terminal raw: `fanous search` printed ESC[2J and ESC]0;…BEL as they were (the adversarial
run's finding). Every CLI printer goes through one filter; JSON stays exact."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from agent.cli.common import printable
from tests.mail_corpus import mbox_bytes
from tests.test_cli import run

CLEAR = "\x1b[2J"
TITLE = "\x1b]0;pwned\x07"


def test_printable_shows_every_control_character() -> None:
    assert printable(f"a{CLEAR}b{TITLE}c") == "a\\x1b[2Jb\\x1b]0;pwned\\x07c"
    assert printable("csi \x9b31m, del \x7f, cr\rover") == "csi \\x9b31m, del \\x7f, cr\\x0dover"
    assert printable("tab\tand\nlines\r\nstay") == "tab\tand\nlines\nstay"
    assert printable("عربي — ok") == "عربي — ok"


def test_search_output_carries_no_escape(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / f"ferry{TITLE}.md").write_text(f"# Ferry{CLEAR}\n\nThe ferry{CLEAR} leaves at 7:40.\n")
    subject = base64.b64encode(f"Ferry {TITLE}change".encode()).decode()
    mbox = tmp_path / "mail.mbox"
    mbox.write_bytes(
        mbox_bytes(
            f"From: =?utf-8?b?{subject}?= <a@b.example>\nSubject: =?utf-8?b?{subject}?=\n"
            f"Message-ID: <1@b>\n\nThe ferry moved to pier 4.\n".encode()
        )
    )
    home = tmp_path / "home"
    index = run(["index", "--notes", str(notes), "--mail", str(mbox), "--no-embed"], home)
    assert index.returncode == 0, index.stderr
    for args in (["search", "ferry"], ["sources", "list"], ["accounts", "list"]):
        result = run(args, home)
        assert result.returncode == 0, result.stderr
        for stream in (result.stdout, result.stderr):
            assert "\x1b" not in stream and "\x07" not in stream, args
    shown = run(["search", "ferry"], home).stdout
    assert "ferry\\x1b]0;pwned\\x07.md" in shown and "ferry\\x1b[2J leaves" in shown
    # JSON keeps the exact text (escaped the JSON way), so scripts lose nothing.
    data = json.loads(run(["search", "ferry", "--json"], home).stdout)
    assert any(r["path"].endswith(f"ferry{TITLE}.md") for r in data["results"])
    assert any(CLEAR in r["text"] for r in data["results"])


def test_an_error_message_carries_no_escape(tmp_path: Path) -> None:
    result = run(["sources", "remove", f"nowhere{CLEAR}"], tmp_path / "home")
    assert result.returncode == 1 and "\x1b" not in result.stderr
    assert "nowhere\\x1b[2J" in result.stderr
