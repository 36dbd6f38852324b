"""File writes that cannot leave the folder they were allowed in.

Every path an action writes is a permitted folder (already resolved, symlinks and all)
plus a relative path made of plain names: no absolute path, no ``..``, no empty or
hidden part. The walk down opens each folder by descriptor with ``O_NOFOLLOW``, and the
file is created with ``O_EXCL | O_NOFOLLOW`` beside it, so a symlink planted anywhere on
the way — before or while we write — makes the write fail instead of escaping. (Where the
platform has no ``dir_fd``, each part is checked for a link before it is used.)

Nothing is ever overwritten: a new file must not exist, an appended one keeps every byte
it had, and undo puts back exactly the bytes and modification time it found.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from contracts.errors import ActionRefused, FanousError, storage_error

__all__ = [
    "Appended",
    "append_file",
    "check_relative",
    "create_file",
    "file_sha256",
    "free_name",
    "make_dirs",
    "remove_dirs",
    "remove_file",
    "safe_name",
    "truncate_back",
]

_DIR_FD = os.open in os.supports_dir_fd and hasattr(os, "O_NOFOLLOW")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_MAX_NAME = 120  # characters of a file name made from a title (without the suffix)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_name(title: str, suffix: str) -> str:
    """A file name from a title: letters of any script kept, separators, control and
    reserved characters dropped, no leading dot, bounded length."""
    name = unicodedata.normalize("NFC", title)
    name = _UNSAFE.sub(" ", name)
    name = " ".join(name.split()).strip(" .")
    name = name[:_MAX_NAME].rstrip(" .") or "Untitled"
    return name + suffix


def check_relative(rel: str) -> tuple[str, ...]:
    """The parts of a relative path an action may write, or ``ActionRefused``."""
    if not rel or os.path.isabs(rel) or rel.startswith(("/", "\\")) or "\x00" in rel:
        raise ActionRefused(
            f"The path {rel!r} is not inside the permitted folder",
            fix="write to a file inside the folder, by its name",
        )
    parts = tuple(p for p in re.split(r"[/\\]", rel))
    for part in parts:
        if part in ("", ".", "..") or (part.startswith(".") and part != ".Drafts"):
            raise ActionRefused(
                f"The path {rel!r} leaves the permitted folder or names a hidden file",
                fix="write to a plain file name inside the folder",
            )
    return parts


def _refused_link(root: str, rel: str) -> ActionRefused:
    return ActionRefused(
        f"{os.path.join(root, rel)} goes through a symbolic link: Fanous does not follow "
        "links out of a permitted folder",
        fix="choose a file that is really inside the folder",
    )


@contextlib.contextmanager
def _folder(root: str, parts: tuple[str, ...]) -> Iterator[int | str]:
    """The folder holding ``parts[-1]``: a descriptor (dir_fd platforms) or a checked path."""
    if not _DIR_FD:
        path = root
        for part in parts[:-1]:
            path = os.path.join(path, part)
            if os.path.islink(path):
                raise _refused_link(root, os.path.join(*parts))
        if os.path.islink(os.path.join(path, parts[-1])):
            raise _refused_link(root, os.path.join(*parts))
        yield path
        return
    fds: list[int] = []
    try:
        fds.append(os.open(root, os.O_RDONLY | _DIRECTORY | _NOFOLLOW))
        for part in parts[:-1]:
            try:
                fds.append(os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=fds[-1]))
            except OSError as e:
                if os.path.islink(os.path.join(root, *parts[: len(fds)])):
                    raise _refused_link(root, os.path.join(*parts)) from e
                raise
        yield fds[-1]
    finally:
        for fd in fds:
            os.close(fd)


def _open(folder: int | str, name: str, flags: int, mode: int = 0o666) -> int:
    if isinstance(folder, int):
        return os.open(name, flags | _NOFOLLOW | _BINARY, mode, dir_fd=folder)
    return os.open(os.path.join(folder, name), flags | _NOFOLLOW | _BINARY, mode)


def _os_error(e: OSError, root: str, rel: str) -> FanousError:
    where = os.path.join(root, rel)
    if e.errno == getattr(os, "ELOOP", -1) or os.path.islink(where):
        return _refused_link(root, rel)
    if isinstance(e, FileExistsError):
        return ActionRefused(
            f"{where} already exists: Fanous never overwrites a file",
            fix="propose the action again: it picks a free name",
        )
    if isinstance(e, FileNotFoundError):
        return ActionRefused(f"{where} is not there any more", fix="check the folder")
    return storage_error(e, where, root)


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.fsync(fd)


def make_dirs(root: str, rels: list[str]) -> list[str]:
    """Create the folders ``rels`` (each a relative path under ``root``) that are missing,
    parents first; returns the ones it made, for undo to remove again."""
    made: list[str] = []
    for rel in rels:
        parts = check_relative(rel)
        try:
            with _folder(root, parts) as folder:
                if isinstance(folder, int):
                    os.mkdir(parts[-1], 0o700, dir_fd=folder)
                else:
                    os.mkdir(os.path.join(folder, parts[-1]), 0o700)
        except FileExistsError:
            if os.path.islink(os.path.join(root, rel)):
                raise _refused_link(root, rel) from None
            continue
        except OSError as e:
            raise _os_error(e, root, rel) from e
        made.append(rel)
    return made


def remove_dirs(root: str, rels: list[str]) -> None:
    """Undo ``make_dirs``: each folder that is (still) empty goes, deepest first."""
    for rel in sorted(rels, key=lambda r: -r.count("/")):
        parts = check_relative(rel)
        with contextlib.suppress(OSError), _folder(root, parts) as folder:
            if isinstance(folder, int):
                os.rmdir(parts[-1], dir_fd=folder)
            else:
                os.rmdir(os.path.join(folder, parts[-1]))


def create_file(
    root: str, rel: str, data: bytes, *, mode: int = 0o666, staging: str | None = None
) -> str:
    """Create ``root/rel`` holding ``data``; never replaces a file. With ``staging`` (a
    relative path in another existing folder, as Maildir's ``tmp/``), the bytes are
    written there first and linked into place whole, so no reader sees half a file.
    Returns the sha256 of what was written."""
    parts = check_relative(rel)
    first = check_relative(staging) if staging else parts
    try:
        with _folder(root, first) as folder:
            fd = _open(folder, first[-1], os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            try:
                _write_all(fd, data)
            except OSError:
                with contextlib.suppress(OSError):  # leave no half file behind
                    _unlink(folder, first[-1])
                raise
            finally:
                os.close(fd)
            if staging:
                try:
                    with _folder(root, parts) as final:
                        _link(folder, first[-1], final, parts[-1])
                finally:
                    with contextlib.suppress(OSError):
                        _unlink(folder, first[-1])
    except OSError as e:
        raise _os_error(e, root, rel) from e
    return sha256(data)


def _link(src: int | str, src_name: str, dst: int | str, dst_name: str) -> None:
    if isinstance(src, int) and isinstance(dst, int):
        os.link(src_name, dst_name, src_dir_fd=src, dst_dir_fd=dst, follow_symlinks=False)
    else:
        os.link(os.path.join(str(src), src_name), os.path.join(str(dst), dst_name))


def _unlink(folder: int | str, name: str) -> None:
    if isinstance(folder, int):
        os.unlink(name, dir_fd=folder)
    else:
        os.unlink(os.path.join(folder, name))


@dataclass(frozen=True, slots=True)
class Appended:
    """What undoing an append needs: the file as it was, and as we left it."""

    size_before: int
    sha256_before: str
    sha256_after: str
    mtime_ns_before: int


def append_file(root: str, rel: str, data: bytes, *, expect_sha256: str | None = None) -> Appended:
    """Add ``data`` at the end of an existing ``root/rel``. ``expect_sha256`` (the file
    when the proposal was made) refuses a file that changed since."""
    parts = check_relative(rel)
    try:
        with _folder(root, parts) as folder:
            fd = _open(folder, parts[-1], os.O_RDWR)
            try:
                before = _read_all(fd)
                if expect_sha256 is not None and sha256(before) != expect_sha256:
                    raise ActionRefused(
                        f"{os.path.join(root, rel)} changed since the proposal was made",
                        fix="propose the action again",
                    )
                mtime = os.fstat(fd).st_mtime_ns
                os.lseek(fd, 0, os.SEEK_END)
                _write_all(fd, data)
            finally:
                os.close(fd)
    except OSError as e:
        raise _os_error(e, root, rel) from e
    return Appended(len(before), sha256(before), sha256(before + data), mtime)


def _digest(folder: int | str, name: str) -> str:
    """The sha256 of a file in an open folder, read through the same confinement."""
    fd = _open(folder, name, os.O_RDONLY)
    try:
        return sha256(_read_all(fd))
    finally:
        os.close(fd)


def file_sha256(root: str, rel: str) -> str | None:
    """The sha256 of ``root/rel`` read through the same confinement; None when absent."""
    parts = check_relative(rel)
    try:
        with _folder(root, parts) as folder:
            return _digest(folder, parts[-1])
    except FileNotFoundError:
        return None
    except OSError as e:
        raise _os_error(e, root, rel) from e


def remove_file(root: str, rel: str, sha256_written: str) -> None:
    """Undo a created file: only while it holds exactly what was written."""
    parts = check_relative(rel)
    try:
        with _folder(root, parts) as folder:
            if _digest(folder, parts[-1]) != sha256_written:
                raise ActionRefused(
                    f"{os.path.join(root, rel)} was edited after Fanous wrote it: undo would "
                    "lose those edits",
                    fix="delete it yourself if you no longer want it",
                )
            _unlink(folder, parts[-1])
    except OSError as e:
        raise _os_error(e, root, rel) from e


def truncate_back(root: str, rel: str, undo: Appended) -> None:
    """Undo an append: the file gets back its exact bytes and modification time."""
    parts = check_relative(rel)
    try:
        with _folder(root, parts) as folder:
            fd = _open(folder, parts[-1], os.O_RDWR)
            try:
                if sha256(_read_all(fd)) != undo.sha256_after:
                    raise ActionRefused(
                        f"{os.path.join(root, rel)} was edited after Fanous appended to it: "
                        "undo would lose those edits",
                        fix="remove the added section yourself",
                    )
                os.ftruncate(fd, undo.size_before)
                os.fsync(fd)
                if sha256(_read_all(fd)) != undo.sha256_before:  # pragma: no cover - disk
                    raise ActionRefused(f"{os.path.join(root, rel)} could not be restored")
                if os.utime in os.supports_fd:
                    os.utime(fd, ns=(undo.mtime_ns_before, undo.mtime_ns_before))
            finally:
                os.close(fd)
    except OSError as e:
        raise _os_error(e, root, rel) from e


def free_name(root: str, folder_rel: str, name: str) -> str:
    """``folder_rel/name``, or ``name 2``, ``name 3``… — the first that does not exist."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    for n in range(1, 1000):
        candidate = name if n == 1 else f"{stem} {n}{dot}{suffix}"
        rel = f"{folder_rel}/{candidate}" if folder_rel else candidate
        if not os.path.lexists(os.path.join(root, rel)):
            return rel
    raise ActionRefused(f"Too many files named {name!r} in {root}", fix="choose another title")
