"""Mail on disk: mbox files, Maildir trees and .eml files, each told apart by its shape.

``MailPath(path)`` takes any of them — one mbox file, one .eml, a Maildir (with its
sub-folders), or a folder holding any mix (a Thunderbird profile, a Takeout export).
Each message found is a ``SourceItem`` whose ``uri`` names its *location* (stable
across flag changes and mbox rewrites); ``load`` gives the ``Document``, whose ``uri``
names the *message* (``mid:…``), so the same message in two places is stored once.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from connectors.links import LINK_OUTSIDE, link_leaves, read_regular_file
from connectors.mail.parse import mail_document
from contracts.documents import Document, Job, SourceItem
from contracts.errors import ConnectorError

__all__ = ["MailPath", "maildir_flags", "read_mail_file", "read_message", "sniff"]

# An mbox "From " separator line carries a sender and an asctime date ("From - Wed Mar
# 06 10:00:00 2024", Gmail adds a zone); body lines that start with "From " were escaped
# to ">From " by the writer, and an unescaped one rarely has a time with seconds.
_FROM_LINE = re.compile(rb"^From \S+[ \t]+[^\n]{0,60}?\d{1,2}:\d\d:\d\d[^\n]{0,40}$", re.MULTILINE)
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]?\S", re.MULTILINE)
_MBOXRD_ESCAPE = re.compile(rb"^>(>*From )", re.MULTILINE)
_SKIP_SUFFIXES = (".msf", ".dat", ".json", ".sqlite", ".db", ".lock", ".html", ".js")
_FLAG_NAMES = {
    "D": "draft",
    "F": "flagged",
    "P": "passed",
    "R": "replied",
    "S": "seen",
    "T": "trashed",
}


def maildir_flags(name: str) -> list[str]:
    _, sep, info = name.partition(":2,")
    return [_FLAG_NAMES[c] for c in info if c in _FLAG_NAMES] if sep else []


def sniff(path: str) -> str | None:
    """Say "mbox", "eml" or None for a file, from its first bytes."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return None
    if head.startswith(b"From ") and _FROM_LINE.match(head):
        return "mbox"
    if path.lower().endswith(".eml") or _HEADER_LINE.match(head):
        return "eml"
    return None


def _is_maildir(folder: str) -> bool:
    return os.path.isdir(os.path.join(folder, "cur")) or os.path.isdir(os.path.join(folder, "new"))


class MailPath:
    """Every message under one path. ``root`` is the resolved path."""

    source = "mail"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.root = str(Path(path).expanduser().resolve())
        # location uri -> (file, offset, length) for mbox messages found by the last scan
        self._mbox: dict[str, tuple[str, int, int]] = {}
        # Per folder or file, what each of its messages' jobs repeats (a Maildir holds
        # thousands of messages in one folder): the folder label, the Maildir's uri.
        self._labels: dict[str, str] = {}
        self._maildir_uris: dict[str, str] = {}

    # -- scanning --------------------------------------------------------------------

    def check(self) -> str | None:
        """Raise ``ConnectorError`` (with its fix) unless the path is readable mail: before
        it is saved as a source, and before each scan. Returns a file's kind (None for a
        folder)."""
        if not os.path.exists(self.root):
            raise ConnectorError(
                f"The mail path {self.root} does not exist",
                fix="check the path for a typo; give an mbox file, a Maildir folder, an .eml "
                "file or a folder of them",
            )
        if not os.access(self.root, os.R_OK):
            raise ConnectorError(
                f"Fanous may not read {self.root}", fix="give your user read permission on it"
            )
        if not os.path.isfile(self.root):
            return None
        kind = sniff(self.root)
        if kind is None:
            raise ConnectorError(
                f"{self.root} is neither an mbox file nor an email (.eml) file",
                fix="give an mbox export, a Maildir folder, or .eml files",
            )
        return kind

    def scan(self, on_error: Callable[[str, str], None]) -> Iterator[SourceItem]:
        kind = self.check()
        self._mbox.clear()
        self._labels.clear()
        self._maildir_uris.clear()
        if kind is not None:
            yield from self._file(self.root, kind, "", on_error)
            return
        yield from self._folder(self.root, on_error)

    def _folder(self, top: str, on_error: Callable[[str, str], None]) -> Iterator[SourceItem]:
        stack = [top]
        while stack:
            folder = stack.pop()
            rel = os.path.relpath(folder, self.root)
            label = "" if rel == "." else rel
            if _is_maildir(folder):
                yield from self._maildir(folder, label.lstrip(".") or "INBOX", on_error)
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError as e:
                on_error(folder, f"folder not readable: {e.strerror}")
                continue
            for entry in entries:
                if entry.name in ("cur", "new", "tmp") and _is_maildir(folder):
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if not os.access(entry.path, os.R_OK | os.X_OK):
                            # Say so: a folder we cannot look into must not read as empty.
                            on_error(entry.path, "folder not readable: permission denied")
                            continue
                        # Maildir++ keeps sub-folders as hidden ".Name" folders.
                        if not entry.name.startswith(".") or _is_maildir(entry.path):
                            stack.append(entry.path)
                        continue
                    if entry.name.startswith("."):
                        continue
                    if entry.is_symlink():  # read as its target, where that lives
                        if link_leaves(entry.path, self.root):
                            on_error(entry.path, LINK_OUTSIDE)
                        continue
                    if not entry.is_file():
                        continue
                except OSError as e:
                    on_error(entry.path, f"cannot read file information: {e.strerror}")
                    continue
                if entry.name.lower().endswith(_SKIP_SUFFIXES):
                    continue
                kind = sniff(entry.path)
                if kind is not None:
                    name = os.path.join(label, entry.name) if kind == "mbox" else label
                    yield from self._file(entry.path, kind, name, on_error)

    def _maildir(
        self, folder: str, label: str, on_error: Callable[[str, str], None]
    ) -> Iterator[SourceItem]:
        folder_uri = Path(folder).as_uri()
        for sub in ("new", "cur"):
            where = os.path.join(folder, sub)
            if os.path.islink(where) and link_leaves(where, self.root):
                on_error(where, LINK_OUTSIDE)
                continue
            try:
                entries = sorted(os.scandir(where), key=lambda e: e.name)
            except FileNotFoundError:
                continue
            except OSError as e:
                on_error(where, f"folder not readable: {e.strerror}")
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    if entry.is_symlink():
                        if link_leaves(entry.path, self.root):
                            on_error(entry.path, LINK_OUTSIDE)
                        continue
                    st = entry.stat()
                except OSError as e:
                    on_error(entry.path, f"cannot read file information: {e.strerror}")
                    continue
                # The unique part of the name survives flag changes and new/ -> cur/.
                unique = entry.name.split(":2,")[0]
                yield SourceItem(
                    uri=f"{folder_uri}#{unique}",
                    path=entry.path,
                    mtime_ns=st.st_mtime_ns,
                    size=st.st_size,
                )

    def _file(
        self, path: str, kind: str, label: str, on_error: Callable[[str, str], None]
    ) -> Iterator[SourceItem]:
        try:
            st = os.stat(path)
        except OSError as e:
            on_error(path, f"cannot read file information: {e.strerror}")
            return
        if kind == "eml":
            yield SourceItem(Path(path).as_uri(), path, st.st_mtime_ns, st.st_size)
            return
        try:
            yield from self._mbox_messages(path, st.st_size)
        except (OSError, ValueError) as e:
            on_error(path, f"mbox not readable: {e}")

    def _mbox_messages(self, path: str, size: int) -> Iterator[SourceItem]:
        """One item per message; its location is a hash of its bytes, so messages keep
        their identity when others are added to or removed from the file."""
        if size == 0:
            return
        base = Path(path).as_uri()
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            starts = [m.start() for m in _FROM_LINE.finditer(mm)]
            if not starts or starts[0] != 0:
                starts.insert(0, 0)
            seen: set[str] = set()
            for n, start in enumerate(starts):
                end = starts[n + 1] if n + 1 < len(starts) else len(mm)
                digest = hashlib.blake2b(mm[start:end], digest_size=12).hexdigest()
                uri = f"{base}#{digest}"
                if uri in seen:  # the very same bytes twice in one file
                    continue
                seen.add(uri)
                self._mbox[uri] = (path, start, end - start)
                yield SourceItem(uri=uri, path=path, mtime_ns=0, size=end - start)

    # -- loading ---------------------------------------------------------------------

    def job(self, item: SourceItem) -> Job:
        _, offset, length = self._mbox.get(item.uri, ("", -1, item.size))
        meta: dict[str, Any] = {"folder": self._folder_label(item)}
        parent = os.path.dirname(item.path)
        maildir_uri = self._maildir_uris.get(parent)
        if maildir_uri is None:
            maildir_uri = self._maildir_uris[parent] = Path(parent).parent.as_uri() + "#"
        if item.uri.startswith(maildir_uri):
            meta["flags"] = maildir_flags(os.path.basename(item.path))
        return Job(read_mail_file, (item.path, offset, length, meta), size=length)

    def load(self, item: SourceItem) -> Document:
        fn, args, _ = self.job(item)
        return fn(*args)

    def _folder_label(self, item: SourceItem) -> str:
        parent = os.path.dirname(item.path)
        in_file = item.uri in self._mbox or os.path.basename(parent) not in ("cur", "new")
        key = item.path if in_file else parent  # a file is never a Maildir's cur/ or new/
        label = self._labels.get(key)
        if label is None:
            if in_file:
                rel = os.path.relpath(item.path, self.root)
                label = "" if rel == "." else rel
            else:
                folder = os.path.relpath(os.path.dirname(parent), self.root)
                label = "INBOX" if folder == "." else folder.lstrip(".")
            self._labels[key] = label
        return label


def read_message(path: str, offset: int = -1, length: int = 0) -> bytes:
    """One message's bytes: a whole file (``offset`` -1), or ``length`` bytes of an
    mbox from ``offset``, without its "From " line and mboxrd's ">From " escaping."""
    try:
        if offset < 0:
            return read_regular_file(path)  # a message file: never through a link
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read(length)
    except OSError as e:
        raise ConnectorError(f"cannot read: {e.strerror}") from e
    if data.startswith(b"From "):
        data = data.split(b"\n", 1)[1] if b"\n" in data else b""
    return _MBOXRD_ESCAPE.sub(rb"\1", data)


def read_mail_file(path: str, offset: int, length: int, meta: dict[str, Any]) -> Document:
    """Read one message from a file and parse it: what a worker process runs."""
    return mail_document(read_message(path, offset, length), meta)
