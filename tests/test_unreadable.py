"""Unreadable folders and files are reported, and what was indexed from them is kept.

CI runs as root, and root reads everything; so as root the scenario runs in a child
process without the capabilities that bypass file permissions (setpriv drops
CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH), where a mode-000 folder really is unreadable.
"""

from __future__ import annotations

import mailbox
import os
import shutil
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest

from agent.index.indexer import index_source
from agent.index.mail import index_mail
from agent.index.search import search
from agent.store import Store
from connectors.mail.files import MailPath
from connectors.notes import NotesFolder
from tests.conftest import write_notes

ROOT = Path(__file__).resolve().parent.parent


def _message(n: int, subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Sara <sara@example.org>"
    msg["To"] = "me@example.org"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<m{n}@example.org>"
    msg["Date"] = "Mon, 02 Nov 2026 10:00:00 +0000"
    msg.set_content(body)
    return msg


def scenario(base: str) -> None:
    """Index, make parts unreadable, index again: errors reported, nothing lost."""
    base_path = Path(base)
    notes = write_notes(base_path / "notes")
    maildir = mailbox.Maildir(base_path / "mail", create=True)
    maildir.add(_message(1, "Contract", "The contract renews on 1 March."))
    maildir.add_folder("Archive").add(_message(2, "Boat", "The boat trip is on Friday."))
    store = Store(base_path / "f.db")
    assert index_source(store, NotesFolder(notes)).added == 4
    assert index_mail(store, MailPath(base_path / "mail")).added == 2

    locked = [notes / "travel", notes / "health" / "dentist.txt", base_path / "mail" / ".Archive"]
    # An unchanged file costs only a stat; a changed one must be read again.
    os.utime(notes / "health" / "dentist.txt", ns=(1, 10**18))
    for path in locked:
        path.chmod(0)
    try:
        assert not os.access(notes / "travel", os.R_OK), "permissions are not enforced here"
        report = index_source(store, NotesFolder(notes))
        mail_report = index_mail(store, MailPath(base_path / "mail"))
    finally:
        for path in locked:
            path.chmod(0o755)

    assert report.removed == 0, report
    assert mail_report.removed == 0, mail_report
    reported = " ".join(path for path, _ in report.errors + mail_report.errors)
    assert "travel" in reported and "dentist.txt" in reported, reported
    assert "Archive" in reported, (reported, mail_report)
    assert "7:40" in search(store, "ferry")[0].text
    assert "Karim" in search(store, "dentist")[0].text
    assert "Friday" in search(store, "boat trip")[0].text
    print("scenario ok")


def test_unreadable_parts_are_reported_and_kept(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        scenario(str(tmp_path))
        return
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("setpriv (util-linux) is needed to test permissions as root")
    code = f"from tests.test_unreadable import scenario; scenario({str(tmp_path)!r})"
    result = subprocess.run(
        [setpriv, "--bounding-set=-dac_override,-dac_read_search", sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "scenario ok" in result.stdout
