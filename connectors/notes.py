"""Notes: a folder of Markdown, text, Org, PDF and Word files (an Obsidian vault is one).

Hidden files and folders (``.obsidian``, ``.git``, ``.trash``) are skipped, and so is
whatever a ``.fanousignore`` file at the root names (gitignore syntax).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pathspec

from agent.documents import Document, SourceItem
from agent.errors import ConnectorError
from connectors.formats import MAX_TEXT_CHARS, READERS, decode_text, read_note

__all__ = [
    "IGNORE_FILE",
    "MAX_DOCUMENT_BYTES",
    "MAX_NOTE_BYTES",
    "NOTE_SUFFIXES",
    "NotesFolder",
    "decode_text",
]

NOTE_SUFFIXES = frozenset(READERS)
# A text note bigger than this is almost certainly an export or a log, not a note.
MAX_NOTE_BYTES = 20 * 1024 * 1024
# PDF and Word files carry images and fonts: their size says little about their text.
MAX_DOCUMENT_BYTES = 200 * 1024 * 1024
_BINARY_SUFFIXES = frozenset({".pdf", ".docx"})
IGNORE_FILE = ".fanousignore"
_SKIP_DIRS = frozenset({"node_modules", "__pycache__"})


class NotesFolder:
    """Every note file under ``root``."""

    source = "notes"

    def __init__(self, root: str | os.PathLike[str], *, max_chars: int = MAX_TEXT_CHARS) -> None:
        self.root = str(Path(root).expanduser().resolve())
        self.max_chars = max_chars
        self._ignore: pathspec.PathSpec | None = None
        self._ignore_stamp: tuple[int, int] | None = None

    # -- what belongs -----------------------------------------------------------------

    def _ignore_spec(self) -> pathspec.PathSpec | None:
        """The root's ``.fanousignore``, re-read only when it changes."""
        path = os.path.join(self.root, IGNORE_FILE)
        try:
            st = os.stat(path)
        except OSError:
            self._ignore, self._ignore_stamp = None, None
            return None
        stamp = (st.st_mtime_ns, st.st_size)
        if stamp != self._ignore_stamp:
            try:
                lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
                self._ignore = pathspec.GitIgnoreSpec.from_lines(lines)
            except (OSError, ValueError):
                self._ignore = None
            self._ignore_stamp = stamp
        return self._ignore

    def _ignored(self, rel: str, is_dir: bool, spec: pathspec.PathSpec | None) -> bool:
        if spec is None:
            return False
        return spec.match_file(rel + "/" if is_dir else rel)

    def wants(self, path: str) -> bool:
        """Whether ``path`` (a file under the root) is a note this source indexes."""
        rel = os.path.relpath(path, self.root)
        if rel.startswith(".." + os.sep) or rel == "..":
            return False
        parts = Path(rel).parts
        if any(p.startswith(".") or p in _SKIP_DIRS for p in parts):
            return False
        if Path(path).suffix.lower() not in NOTE_SUFFIXES:
            return False
        spec = self._ignore_spec()
        rel_posix = Path(rel).as_posix()
        folders = ["/".join(parts[: n + 1]) for n in range(len(parts) - 1)]
        return not any(self._ignored(f, True, spec) for f in folders) and not self._ignored(
            rel_posix, False, spec
        )

    def item_for(self, path: str) -> SourceItem | None:
        """The scan item for one path, or None when it is gone or not a note here."""
        if not self.wants(path):
            return None
        try:
            st = os.stat(path)
        except OSError:
            return None
        if not os.path.isfile(path):
            return None
        return SourceItem(
            uri=Path(path).as_uri(), path=path, mtime_ns=st.st_mtime_ns, size=st.st_size
        )

    # -- the Connector protocol -------------------------------------------------------

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
        spec = self._ignore_spec()
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
                        rel = os.path.relpath(entry.path, self.root).replace(os.sep, "/")
                        if entry.name not in _SKIP_DIRS and not self._ignored(rel, True, spec):
                            stack.append(entry.path)
                        continue
                    if not entry.is_file() or Path(entry.name).suffix.lower() not in (
                        NOTE_SUFFIXES
                    ):
                        continue
                    if spec is not None:
                        rel = os.path.relpath(entry.path, self.root).replace(os.sep, "/")
                        if self._ignored(rel, False, spec):
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
        path = Path(item.path)
        limit = MAX_DOCUMENT_BYTES if path.suffix.lower() in _BINARY_SUFFIXES else MAX_NOTE_BYTES
        if item.size > limit:
            raise ConnectorError(
                f"skipped: {item.size // (1024 * 1024)} MB is over the "
                f"{limit // (1024 * 1024)} MB limit for a note"
            )
        try:
            data = path.read_bytes()
        except OSError as e:
            raise ConnectorError(f"cannot read: {e.strerror}") from e
        parsed = read_note(path, data, max_chars=self.max_chars)
        folder = os.path.relpath(os.path.dirname(item.path), self.root)
        meta: dict[str, object] = {"folder": "" if folder == "." else folder.replace(os.sep, "/")}
        for key in ("tags", "aliases", "links"):
            if getattr(parsed, key):
                meta[key] = getattr(parsed, key)
        if parsed.date is not None:
            meta["date"] = parsed.date
        if parsed.body_start:
            meta["body_start"] = parsed.body_start
        if parsed.syntax != "markdown":
            meta["syntax"] = parsed.syntax
        meta.update(parsed.extra)
        return Document(
            source=self.source,
            uri=item.uri,
            title=parsed.title,
            text=parsed.text,
            meta=meta,
            modified=item.mtime_ns / 1e9,
        )
