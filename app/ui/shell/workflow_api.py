"""The workflow API beside the window's clock (PRODUCT §6): served while
api.enabled is yes, started and stopped off the GUI thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from app.api.server import ApiServer
from app.engine.api_access import ApiAccess
from app.errors import CueflowError
from app.ui.shell.context import AppContext

log = logging.getLogger(__name__)

Done = Callable[[str | None, str | None], None]
"""Called on a worker thread with (the URL served or None, an error or None)."""


class WindowApi:
    """Owns the window process's API server; `apply()` follows the settings."""

    def __init__(self, context: AppContext) -> None:
        self.access = ApiAccess(context.db, context.events)
        self.events = context.events
        self.server: ApiServer | None = None
        self.error: str | None = None
        self.listen: str | None = None  # the address asked for (port 0: any free port)
        self._lock = threading.Lock()

    @property
    def url(self) -> str | None:
        server = self.server
        return server.url if server is not None else None

    def apply(self, done: Done | None = None) -> threading.Thread:
        """Start, restart (another address) or stop the server as the settings say."""

        def work() -> None:
            with self._lock:
                self._apply()
            if done is not None:
                done(self.url, self.error)

        thread = threading.Thread(target=work, name="cueflow-api-apply", daemon=True)
        thread.start()
        return thread

    def _apply(self) -> None:
        self.error = None
        try:
            config = self.access.config()
            current = self.server
            if current is not None and (not config.enabled or config.listen != self.listen):
                current.stop()
                self.server = None
            if config.enabled and self.server is None:
                server = ApiServer(self.access, self.events, config.listen)
                server.start()
                self.server, self.listen = server, config.listen
        except CueflowError as exc:
            self.error = exc.reason
            log.warning("workflow API: %s", exc.reason)

    def stop(self) -> None:
        with self._lock:
            if self.server is not None:
                self.server.stop()
                self.server = None
