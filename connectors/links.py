"""Files are read by what they are: a symlink is never read through.

A file symlink inside a chosen folder either points at a file of that same folder
(which is read there, under its own path, with its own permissions) or leads out of it,
to a place the user did not choose (``/etc/passwd``, a never-send folder) — then it is
reported and not read. ``read_regular_file`` refuses a link put in a file's place
between the scan and the read.
"""

from __future__ import annotations

import errno
import os
import stat

__all__ = ["LINK_OUTSIDE", "inside", "link_leaves", "read_regular_file"]

LINK_OUTSIDE = "not read: it links to a file outside the folder you chose"


def inside(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or under it (both already resolved)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def link_leaves(path: str, root: str) -> bool:
    """Whether the symlink at ``path`` resolves to somewhere outside ``root``."""
    return not inside(os.path.realpath(path), root)


def read_regular_file(path: str, limit: int = -1) -> bytes:
    """The bytes (at most ``limit``) of the regular file at ``path``; a symlink
    (O_NOFOLLOW where the system has it) or anything else that is not a regular file
    raises ``OSError``."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise OSError(errno.ELOOP, "it is a link, which is read only as its target") from e
        raise
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        return f.read(limit)
