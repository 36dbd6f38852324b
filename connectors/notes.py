"""Notes: a folder of Markdown, text, Org, PDF and Word files (an Obsidian vault is one).

Hidden files and folders (``.obsidian``, ``.git``, ``.trash``) are skipped, and so is
whatever a ``.fanousignore`` file names (gitignore syntax). As with ``.gitignore``, one can
sit in any folder: its patterns are relative to that folder and apply below it, after its
parents' (so a deeper ``!pattern`` can take back what a parent ignored).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pathspec

from connectors.formats import MAX_TEXT_CHARS, READERS, decode_text, read_note
from connectors.links import LINK_OUTSIDE, link_leaves, read_regular_file
from contracts.documents import Document, Job, SourceItem
from contracts.errors import ConnectorError

__all__ = [
    "IGNORE_FILE",
    "MAX_DOCUMENT_BYTES",
    "MAX_NOTE_BYTES",
    "NOTE_SUFFIXES",
    "NotesFolder",
    "decode_text",
    "note_document",
    "read_note_file",
]

NOTE_SUFFIXES = frozenset(READERS)
# A text note bigger than this is almost certainly an export or a log, not a note.
MAX_NOTE_BYTES = 20 * 1024 * 1024
# PDF and Word files carry images and fonts: their size says little about their text.
MAX_DOCUMENT_BYTES = 200 * 1024 * 1024
_BINARY_SUFFIXES = frozenset({".pdf", ".docx"})
IGNORE_FILE = ".fanousignore"
_SKIP_DIRS = frozenset({"node_modules", "__pycache__"})


# The .fanousignore files that apply to a folder: (their folder, their patterns), outermost
# first. Rarely more than one, so a tuple copied per folder costs nothing.
_Rules = tuple[tuple[str, pathspec.GitIgnoreSpec], ...]


def _with(rules: _Rules, folder: str, spec: pathspec.GitIgnoreSpec | None) -> _Rules:
    return rules if spec is None else (*rules, (folder, spec))


def _ignored(rules: _Rules, rel: str, *, is_dir: bool) -> bool:
    """gitignore's verdict on ``rel`` (relative to the root): the deepest file whose
    patterns say anything about it decides."""
    verdict = None
    for folder, spec in rules:
        sub = rel[len(folder) + 1 :] if folder else rel
        include = spec.check_file(sub + "/" if is_dir else sub).include
        if include is not None:
            verdict = include
    return verdict is True


class NotesFolder:
    """Every note file under ``root``."""

    source = "notes"

    def __init__(self, root: str | os.PathLike[str], *, max_chars: int = MAX_TEXT_CHARS) -> None:
        self.root = str(Path(root).expanduser().resolve())
        self.max_chars = max_chars
        # folder (relative, "" for the root) -> (stat stamp, its .fanousignore's patterns)
        self._ignore_files: dict[str, tuple[tuple[int, int], pathspec.GitIgnoreSpec | None]] = {}

    # -- what belongs -----------------------------------------------------------------

    def _ignore_spec(self, folder: str) -> pathspec.GitIgnoreSpec | None:
        """The patterns of ``folder``'s ``.fanousignore``, re-read only when it changes."""
        path = os.path.join(self.root, folder, IGNORE_FILE)
        try:
            st = os.stat(path)
        except OSError:
            self._ignore_files.pop(folder, None)
            return None
        stamp = (st.st_mtime_ns, st.st_size)
        cached = self._ignore_files.get(folder)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
            spec: pathspec.GitIgnoreSpec | None = pathspec.GitIgnoreSpec.from_lines(lines)
        except (OSError, ValueError):
            spec = None
        self._ignore_files[folder] = (stamp, spec)
        return spec

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
        rules = _with((), "", self._ignore_spec(""))
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if _ignored(rules, folder, is_dir=True):
                return False
            rules = _with(rules, folder, self._ignore_spec(folder))
        return not _ignored(rules, "/".join(parts), is_dir=False)

    def item_for(self, path: str) -> SourceItem | None:
        """The scan item for one path, or None when it is gone or not a note here."""
        if not self.wants(path):
            return None
        try:
            st = os.lstat(path)  # a link is not a note of this folder (see _linked)
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        return SourceItem(
            uri=Path(path).as_uri(), path=path, mtime_ns=st.st_mtime_ns, size=st.st_size
        )

    # -- the Connector protocol -------------------------------------------------------

    def check(self) -> None:
        """Raise ``ConnectorError`` (with its fix) unless the root is a readable folder:
        before a folder is saved as a source, and before each scan."""
        if not os.path.isdir(self.root):
            what = "is a file, not a folder" if os.path.exists(self.root) else "does not exist"
            raise ConnectorError(
                f"The notes folder {self.root} {what}",
                fix="check the path for a typo, or choose the folder that holds your notes",
            )
        if not os.access(self.root, os.R_OK | os.X_OK):
            raise ConnectorError(
                f"Fanous may not read the notes folder {self.root}",
                fix="give your user read permission on it",
            )

    def scan(self, on_error: Callable[[str, str], None]) -> Iterator[SourceItem]:
        self.check()
        stack: list[tuple[str, _Rules]] = [(self.root, ())]
        while stack:
            folder, rules = stack.pop()
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError as e:
                on_error(folder, f"folder not readable: {e.strerror}")
                continue
            base = os.path.relpath(folder, self.root).replace(os.sep, "/")
            base = "" if base == "." else base
            if any(e.name == IGNORE_FILE for e in entries):
                rules = _with(rules, base, self._ignore_spec(base))
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                rel = f"{base}/{entry.name}" if base else entry.name
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name not in _SKIP_DIRS and not _ignored(rules, rel, is_dir=True):
                            stack.append((entry.path, rules))
                        continue
                    if Path(entry.name).suffix.lower() not in NOTE_SUFFIXES:
                        continue
                    if entry.is_symlink():
                        self._linked(entry.path, on_error)
                        continue
                    if not entry.is_file():
                        continue
                    if _ignored(rules, rel, is_dir=False):
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

    def _linked(self, path: str, on_error: Callable[[str, str], None]) -> None:
        """A file symlink is never read through: its permissions and its folder are
        those of the file it points to. One into this folder is indexed as that file
        already; one leading out of it is reported, not read."""
        if link_leaves(path, self.root):
            on_error(path, LINK_OUTSIDE)

    def job(self, item: SourceItem) -> Job:
        folder = os.path.relpath(os.path.dirname(item.path), self.root)
        folder = "" if folder == "." else folder.replace(os.sep, "/")
        args = (item.path, item.uri, item.size, item.mtime_ns, folder, self.max_chars)
        return Job(read_note_file, args, size=item.size)

    def load(self, item: SourceItem) -> Document:
        fn, args, _ = self.job(item)
        return fn(*args)


def read_note_file(
    path: str, uri: str, size: int, mtime_ns: int, folder: str, max_chars: int
) -> Document:
    """Read one note file and parse it: what a worker process runs for a changed note."""
    suffix = Path(path).suffix.lower()
    limit = MAX_DOCUMENT_BYTES if suffix in _BINARY_SUFFIXES else MAX_NOTE_BYTES
    if size > limit:
        raise ConnectorError(
            f"skipped: {size // (1024 * 1024)} MB is over the "
            f"{limit // (1024 * 1024)} MB limit for a note"
        )
    try:
        # Never through a link; the file may have grown since it was listed.
        data = read_regular_file(path, limit + 1)
    except OSError as e:
        raise ConnectorError(f"cannot read: {e.strerror}") from e
    if len(data) > limit:
        raise ConnectorError(f"skipped: over the {limit // (1024 * 1024)} MB limit for a note")
    return note_document(
        data, path=path, uri=uri, folder=folder, mtime_ns=mtime_ns, max_chars=max_chars
    )


def note_document(
    data: bytes, *, path: str, uri: str, folder: str, mtime_ns: int, max_chars: int
) -> Document:
    """One note's bytes to its ``Document``: a pure function, the note's format read from
    the suffix of ``path``."""
    parsed = read_note(Path(path), data, max_chars=max_chars)
    meta: dict[str, object] = {"folder": folder}
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
        source=NotesFolder.source,
        uri=uri,
        title=parsed.title,
        text=parsed.text,
        meta=meta,
        modified=mtime_ns / 1e9,
    )
