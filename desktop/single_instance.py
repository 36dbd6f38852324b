"""One window per Fanous home: a second launch brings the running window forward.

Two windows on one database would index the same folders twice, embed the same passages
twice and race each other's live watchers. The first instance listens on a local socket
named after its database (so separate ``FANOUS_HOME``s, as tests use, stay separate); a
later one connects, asks it to show itself and quits.
"""

from __future__ import annotations

import getpass
import hashlib

from desktop.qt import QLocalServer, QLocalSocket, QObject, Signal

__all__ = ["SingleInstance", "server_name"]

_SHOW = b"show\n"
_TIMEOUT_MS = 500


def server_name(database: str) -> str:
    """Per user and per database: a short name, as local socket paths are limited."""
    key = f"{getpass.getuser()}\0{database}".encode()
    return f"fanous-{hashlib.sha256(key).hexdigest()[:16]}"


class SingleInstance(QObject):
    """``claim()`` is True for the first instance, which then emits ``activated`` each
    time a later one starts; False for a later one, after the first was asked to show."""

    activated = Signal()

    def __init__(self, database: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(database)
        self._server: QLocalServer | None = None

    def claim(self) -> bool:
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if socket.waitForConnected(_TIMEOUT_MS):
            socket.write(_SHOW)
            socket.waitForBytesWritten(_TIMEOUT_MS)
            socket.disconnectFromServer()
            return False
        # Nobody answers: a socket file left by a crashed instance is stale.
        QLocalServer.removeServer(self.name)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            return True  # cannot listen (odd file system): run anyway, just not unique
        server.newConnection.connect(self._on_connection)
        self._server = server
        return True

    def _on_connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            # The newcomer writes at once and leaves: a short wait on the UI thread, and
            # no slots on a socket that the server owns and frees.
            arrived = socket.bytesAvailable() or socket.waitForReadyRead(_TIMEOUT_MS)
            if arrived and bytes(socket.readAll().data()).startswith(_SHOW.strip()):
                self.activated.emit()
            socket.close()
