"""The base of the main window's parts (the chat session, the conversation sidebar, the
indexing runs, the actions and the feedback under an answer): behaviour the window hands
off.

A part asks its host for what it needs through a small typed interface (``WindowHost``
here, and the few more operations a part declares beside it, e.g. ``ChatHost``), never
through the window's attributes; ``MainWindow`` implements them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from desktop.qt import QObject

if TYPE_CHECKING:
    from agent.workspace import Workspace
    from desktop.ops import Ops
    from desktop.qt import QWidget

__all__ = ["WindowHost", "WindowPart"]


class WindowHost(Protocol):
    """What every part may ask of the window around it."""

    @property
    def workspace(self) -> Workspace: ...

    @property
    def ops(self) -> Ops:
        """The store's worker: anything that touches the index, the store or a model."""
        ...

    def window(self) -> QWidget:
        """The top-level window (every QWidget has it): the parent of the part's dialogs."""
        ...

    def show_message(self, text: str, timeout_ms: int = 0) -> None:
        """A line in the status bar ("" clears it); ``timeout_ms`` 0 keeps it."""
        ...

    def show_error(self, error: BaseException) -> None:
        """The error and its fix in the banner and the status bar."""
        ...


class WindowPart(QObject):
    def __init__(self, host: WindowHost) -> None:
        # A child of the window: when the window is deleted, Qt drops the connections to
        # this object's methods, so a worker's late result updates nothing.
        super().__init__(host.window())
