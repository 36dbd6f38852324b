"""Notes: a folder of Markdown and plain-text files (an Obsidian vault is one too)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from charset_normalizer import from_bytes

from agent.documents import Document, SourceItem
from agent.errors import ConnectorError

__all__ = ["MAX_NOTE_BYTES", "NOTE_SUFFIXES", "NotesFolder", "decode_text"]

NOTE_SUFFIXES = frozenset({".md", ".markdown", ".txt"})
# A note bigger than this is almost certainly an export or a log, not a note.
MAX_NOTE_BYTES = 20 * 1024 * 1024
_SKIP_DIRS = frozenset({"node_modules", "__pycache__"})
_TITLE_RE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def decode_text(data: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM) first, then a detected charset.

    Line endings are normalised to ``\\n`` so character spans are stable."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        text = str(best) if best is not None else data.decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


class NotesFolder:
    """Every note file under ``root``, skipping hidden folders (``.obsidian``, ``.git``)."""

    source = "notes"

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = str(Path(root).expanduser().resolve())

    def scan(self, on_error: Callable[[str, str], None]) -> Iterator[SourceItem]:
        if not os.path.isdir(self.root):
            raise ConnectorError(
                f"The notes folder {self.root} does not exist or is not a folder",
                fix="check the path, or remove it from your sources",
            )
        if not os.access(self.root, os.R_OK | os.X_OK):
            raise ConnectorError(
                f"Fanous may not read the notes folder {self.root}",
                fix="give your user read permission on it",
            )
        stack = [self.root]
        while stack:
            folder = stack.pop()
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError as e:
                on_error(folder, f"folder not readable: {e.strerror}")
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name not in _SKIP_DIRS:
                            stack.append(entry.path)
                        continue
                    if not entry.is_file() or Path(entry.name).suffix.lower() not in (
                        NOTE_SUFFIXES
                    ):
                        continue
                    st = entry.stat()
                except OSError as e:
                    on_error(entry.path, f"cannot read file information: {e.strerror}")
                    continue
                yield SourceItem(
                    uri=Path(entry.path).as_uri(),
                    path=entry.path,
                    mtime_ns=st.st_mtime_ns,
                    size=st.st_size,
                )

    def load(self, item: SourceItem) -> Document:
        if item.size > MAX_NOTE_BYTES:
            raise ConnectorError(
                f"skipped: {item.size // (1024 * 1024)} MB is over the "
                f"{MAX_NOTE_BYTES // (1024 * 1024)} MB limit for a note"
            )
        try:
            data = Path(item.path).read_bytes()
        except OSError as e:
            raise ConnectorError(f"cannot read: {e.strerror}") from e
        text = decode_text(data)
        match = _TITLE_RE.search(text)
        title = match.group(1) if match else Path(item.path).stem
        return Document(
            source=self.source,
            uri=item.uri,
            title=title,
            text=text,
            meta={"folder": os.path.relpath(os.path.dirname(item.path), self.root)},
            modified=item.mtime_ns / 1e9,
        )
