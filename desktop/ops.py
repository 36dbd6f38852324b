"""Background operations: run a callable on a worker thread, report back on the UI thread.

Widgets never start threads themselves. They hand a callable to ``Ops.run`` and connect
to the ``Op``'s signals, which always arrive on the main thread. The callable gets an
``OpContext`` to stream tokens, report progress and see whether it was cancelled.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from agent.engines.base import CancelToken
from desktop.qt import QObject, QThreadPool, Signal, Slot

__all__ = ["Op", "OpContext", "Ops"]

log = logging.getLogger(__name__)

# Progress from a fast loop (thousands of files) would flood the event queue; a status
# bar needs no more than a few updates a second.
_PROGRESS_INTERVAL_S = 0.05


def _send(signal: Any, *args: Any) -> None:
    """Emit from the worker thread. The UI may be gone by then (the window closed, the
    app quitting): then there is nobody left to tell, and no traceback to print."""
    with contextlib.suppress(RuntimeError):  # "Signal source has been deleted"
        signal.emit(*args)


class OpContext:
    """What the background callable sees. Safe to use from the worker thread."""

    def __init__(self, op: Op) -> None:
        self._op = op
        self.cancel = CancelToken()
        self._last_progress = 0.0

    @property
    def cancelled(self) -> bool:
        return self.cancel.cancelled

    def token(self, text: str) -> None:
        _send(self._op._raw_token, text)

    def status(self, text: str) -> None:
        """What the job is doing, in words ("Reading 3 passages…")."""
        _send(self._op._raw_status, text)

    def ask(self, question: object) -> object:
        """Ask the UI (``Op.asked``) and wait for its ``Op.reply``; None when cancelled
        first. For the rare step that needs the user mid-way (confirm a cloud request)."""
        op = self._op
        op._replied.clear()
        _send(op._raw_asked, question)
        while not op._replied.wait(0.05):
            if self.cancelled:
                return None
        return op._reply

    def progress(self, done: int, total: int, label: str = "") -> None:
        now = time.monotonic()
        if done in (1, total) or now - self._last_progress >= _PROGRESS_INTERVAL_S:
            self._last_progress = now
            _send(self._op._raw_progress, done, total, label)


class Op(QObject):
    """One background job. Public signals are emitted on the thread this object lives in
    (the UI thread); ``finished`` always comes last, after success, failure or a cancel."""

    progressed = Signal(int, int, str)
    token = Signal(str)
    status = Signal(str)
    asked = Signal(object)  # the worker waits for reply()
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    finished = Signal()

    # The worker emits these; connecting them to this object's own slots makes Qt queue
    # the calls to its thread, whatever kind of callable the UI connects downstream.
    _raw_progress = Signal(int, int, str)
    _raw_token = Signal(str)
    _raw_status = Signal(str)
    _raw_asked = Signal(object)
    _raw_succeeded = Signal(object)
    _raw_failed = Signal(object)
    _raw_finished = Signal()

    def __init__(self, fn: Callable[[OpContext], Any]) -> None:
        super().__init__()
        self._fn = fn
        self.context = OpContext(self)
        self.done = False
        self._replied = threading.Event()
        self._reply: object = None
        self._raw_progress.connect(self._on_progress)
        self._raw_token.connect(self._on_token)
        self._raw_status.connect(self._on_status)
        self._raw_asked.connect(self._on_asked)
        self._raw_succeeded.connect(self._on_succeeded)
        self._raw_failed.connect(self._on_failed)
        self._raw_finished.connect(self._on_finished)

    @property
    def cancelled(self) -> bool:
        return self.context.cancelled

    def cancel(self) -> None:
        """Ask the job to stop; it does so at its next check (a token, a file)."""
        self.context.cancel.cancel()

    def reply(self, value: object) -> None:
        """Answer the worker's ``asked`` question (from the UI thread)."""
        self._reply = value
        self._replied.set()

    def run(self) -> None:
        """Runs on the worker thread."""
        try:
            if self.cancelled:  # cancelled while it waited in the queue
                return
            try:
                result = self._fn(self.context)
            except Exception as e:  # reported to the UI, which shows it without a traceback
                log.error("background operation failed", exc_info=True)
                _send(self._raw_failed, e)
            else:
                _send(self._raw_succeeded, result)
        finally:
            _send(self._raw_finished)

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, label: str) -> None:
        self.progressed.emit(done, total, label)

    @Slot(str)
    def _on_token(self, text: str) -> None:
        self.token.emit(text)

    @Slot(str)
    def _on_status(self, text: str) -> None:
        self.status.emit(text)

    @Slot(object)
    def _on_asked(self, question: object) -> None:
        self.asked.emit(question)

    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
        self.succeeded.emit(result)

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        self.failed.emit(error)

    @Slot()
    def _on_finished(self) -> None:
        self.done = True
        self.finished.emit()
        # Handlers that capture this Op make a cycle through Qt that Python's collector
        # cannot see; deleting the Qt side drops those connections.
        self.deleteLater()


class Ops(QObject):
    """Runs ``Op``s on a private thread pool.

    One worker by default: the core's ``Store`` shares one SQLite connection that is handed
    to one worker at a time, so a question asked during indexing waits for it to finish."""

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 1) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._ops: set[Op] = set()  # keeps each Op alive until its finished signal

    def run(
        self,
        fn: Callable[[OpContext], Any],
        *,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[Exception], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        on_token: Callable[[str], None] | None = None,
        on_finished: Callable[[], None] | None = None,
    ) -> Op:
        # No Qt parent: Python owns the Op, so it is freed once the UI and the worker's
        # bound method both let go of it, never while the worker still runs.
        op = Op(fn)
        for signal, slot in (
            (op.succeeded, on_success),
            (op.failed, on_failure),
            (op.progressed, on_progress),
            (op.token, on_token),
            (op.finished, on_finished),
        ):
            if slot is not None:
                signal.connect(slot)
        op.finished.connect(lambda: self._ops.discard(op))
        self._ops.add(op)
        self._pool.start(op.run)
        return op

    @property
    def busy(self) -> bool:
        return any(not op.done for op in self._ops)

    def cancel_all(self) -> None:
        for op in list(self._ops):
            op.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Block until the workers are idle (shutdown only); False on timeout."""
        return self._pool.waitForDone(msecs)
