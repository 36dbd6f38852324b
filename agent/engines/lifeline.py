"""Child servers that do not outlive Fanous, even when Fanous is killed outright.

``atexit`` stops a child on a normal exit, but not after SIGKILL, a crash or the OOM
killer. On POSIX the child therefore runs under a small ``sh`` that also holds the read
end of a pipe whose only write end is ours: when Fanous dies for any reason the kernel
closes that end, ``read`` returns, and the shell stops the child. (PR_SET_PDEATHSIG is no
use here: it fires when the *thread* that started the child exits, and Fanous starts
servers from worker threads.) Windows has no ``sh``; there the child is started plainly
and only a normal exit stops it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from typing import Any

__all__ = ["spawn_tied", "stop_tied"]

# fd 3 keeps the pipe for the watcher; the server itself reads /dev/null. The shell waits
# for the server so that its exit status (and a crash) shows through Popen.poll().
_TIE = """
exec 3<&0 </dev/null
"$@" & server=$!
{ read -r _ <&3; kill -TERM "$server" 2>/dev/null; } & watcher=$!
exec 3<&-
wait "$server"; status=$?
kill "$watcher" 2>/dev/null
exit "$status"
"""


def spawn_tied(argv: list[str], **popen: Any) -> subprocess.Popen[bytes]:
    """Start ``argv`` in its own session, stopped when this process ends however it ends.

    ``popen`` is passed on (``env``, ``stdout``, ``stderr``); ``stdin`` is ours.
    """
    if os.name != "posix":
        return subprocess.Popen(argv, stdin=subprocess.DEVNULL, **popen)
    # start_new_session: a Ctrl-C in our terminal is for us, and the group can be killed
    # as one if the server ignores SIGTERM.
    return subprocess.Popen(
        ["/bin/sh", "-c", _TIE, "sh", *argv],
        stdin=subprocess.PIPE,
        start_new_session=True,
        **popen,
    )


def stop_tied(process: subprocess.Popen[bytes], timeout: float = 5.0) -> None:
    """Stop a child from :func:`spawn_tied`: politely first, then the whole group."""
    if process.stdin is not None:
        with contextlib.suppress(OSError):
            process.stdin.close()  # the watcher sees EOF and sends the server SIGTERM
    else:
        process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        if os.name == "posix":
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
        process.wait(timeout=timeout)
