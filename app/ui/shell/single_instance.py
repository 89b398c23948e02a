"""One window/tray process per data folder: a QLockFile plus a local socket.

The first Cueflow process for a folder takes `<data dir>/instance.lock` and
listens on a local socket whose name is derived from the user and the folder.
A second one finds the lock taken and sends its wish ("show") over the socket
instead, then exits. A crash leaves both behind; they are recovered only when
it is safe: the lock file when the process named in it is dead, the socket
only after connecting to it failed (never a live instance's socket).

This lock is separate from the scheduler's `FolderLock` (also taken by
`cueflow runner`), which says who runs workflows; this one says who shows them.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import os
import time
from pathlib import Path

from PySide6.QtCore import QDir, QLockFile, QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from app.scheduling.process import process_alive

log = logging.getLogger(__name__)
LOCK_FILENAME = "instance.lock"
SHOW, TRAY = "show", "tray"
REPLY = b"ok"


def server_name(data_dir: Path) -> str:
    """Short and stable: `cueflow-` and 16 hex digits of a hash of user and folder."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name (some containers)
        user = str(os.getuid()) if hasattr(os, "getuid") else ""
    key = f"{user}\0{Path(data_dir).expanduser().resolve()}"
    return "cueflow-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def pid_alive(pid: int) -> bool:
    """Whether a process with this ID exists (the one portable check)."""
    return process_alive(pid)


class SingleInstance(QObject):
    """`claim()` in the first process; `send()` from any later one."""

    message_received = Signal(str)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.name = server_name(data_dir)
        self.lock = QLockFile(str(data_dir / LOCK_FILENAME))
        # Never stale by age (a Cueflow runs for weeks): only when its owner died.
        self.lock.setStaleLockTime(0)
        self.server: QLocalServer | None = None

    # --- the first process ----------------------------------------------------------

    def claim(self) -> bool:
        """Take the folder's instance lock and listen; False if a live instance has it."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self.lock.tryLock(0):
            if self.lock.error() != QLockFile.LockError.LockFailedError:
                log.warning("cannot create %s (error %s)", self.lock_path, self.lock.error())
                return False
            owner = self.owner()
            if owner is None or pid_alive(owner):
                return False
            log.warning("removing the instance lock of process %s, which is gone", owner)
            self.lock.removeStaleLockFile()
            if not self.lock.tryLock(0):
                return False
        self._listen()
        return True

    @property
    def lock_path(self) -> Path:
        return self.data_dir / LOCK_FILENAME

    def owner(self) -> int | None:
        """The process ID written in the lock file, if it can be read."""
        info = self.lock.getLockInfo()  # (pid, hostname, appname); pid 0 when unreadable
        pid = info[0] if isinstance(info, tuple) and info else 0
        return int(pid) if isinstance(pid, int) and pid > 0 else None

    def _listen(self) -> None:
        # Check before listening: with UserAccessOption, listen() would silently
        # replace even a live server's socket file.
        if self.answers():
            # We hold the lock, so this is no Cueflow of this folder; leave it alone.
            log.warning("local socket %s is in use by another process", self.name)
            return
        if self.socket_path().exists():
            log.info("removing the stale local socket %s left by a crash", self.name)
        QLocalServer.removeServer(self.name)  # only now: nobody answered on it
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            log.warning("cannot listen on %s: %s", self.name, server.errorString())
            return
        server.newConnection.connect(self.on_server_new_connection)
        self.server = server

    def socket_path(self) -> Path:
        """Where the socket lives on Unix (Windows uses a named pipe, no file)."""
        return Path(QDir.tempPath()) / self.name

    def answers(self, timeout_ms: int = 500) -> bool:
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        connected = socket.waitForConnected(timeout_ms)
        socket.abort()
        return connected

    @Slot()
    def on_server_new_connection(self) -> None:
        assert self.server is not None
        while (socket := self.server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.canReadLine():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            message = bytes(socket.readLine().data()).decode("utf-8", "replace").strip()
            socket.write(REPLY + b"\n")
            socket.flush()
            if message:
                log.info("another Cueflow asked: %s", message)
                self.message_received.emit(message)

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        if self.lock.isLocked():
            self.lock.unlock()

    # --- a later process --------------------------------------------------------------

    def send(self, message: str, timeout: float = 5.0) -> bool:
        """Hand `message` to the running instance; True once it acknowledged.

        Retries for `timeout` seconds: the owner may have taken the lock an
        instant ago and not be listening yet.
        """
        deadline = time.monotonic() + timeout
        while True:
            socket = QLocalSocket()
            socket.connectToServer(self.name)
            if socket.waitForConnected(500):
                socket.write(message.encode("utf-8") + b"\n")
                socket.waitForBytesWritten(1000)
                answered = False
                while socket.waitForReadyRead(2000):
                    if socket.canReadLine():
                        answered = bytes(socket.readLine().data()).strip() == REPLY
                        break
                socket.disconnectFromServer()
                if answered:
                    return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)
