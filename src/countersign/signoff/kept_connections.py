"""PostgreSQL ledger connections kept from one store to the next in a thread, for a process that
opens the same ledgers over and over (a service worker opens its repository's ledger on every
evaluation: without this, a new connection and the schema's statements each time).

Opt-in for the whole process (``keep``), closed all at once (``KeptConnections.close``): a
command or a web request opens a store once and closes its connection with it.
"""

from __future__ import annotations

import select
import threading
from typing import Any

PER_THREAD = 8  # the most recent ledgers' connections each thread keeps


class KeptConnections:
    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[dict[str, Any]] = []

    def take(self, url: str) -> Any:
        """This thread's connection to ``url``, still open and not ended by the server, or
        None. It stays kept: the next store of the ledger in this thread takes it too."""
        conn = self._mine().get(url)
        if conn is None or conn.closed or conn.broken:
            return None
        # An idle connection's socket has nothing to read unless the server wrote to it (how a
        # restart or pg_terminate_backend ends it): no round trip to learn it is alive.
        readable, _, _ = select.select([conn.fileno()], [], [], 0)
        if readable:
            conn.close()
            return None
        return conn

    def put(self, url: str, conn: Any) -> None:
        mine = self._mine()
        mine.pop(url, None)
        mine[url] = conn
        while len(mine) > PER_THREAD:
            mine.pop(next(iter(mine))).close()

    def close(self) -> None:
        """Close every connection kept, in every thread (at the process's end); stores made
        from now on keep none."""
        from countersign.signoff import stores

        if stores.KEPT is self:
            stores.KEPT = None
        with self._lock:
            for kept in self._all:
                for conn in kept.values():
                    conn.close()
                kept.clear()

    def _mine(self) -> dict[str, Any]:
        mine: dict[str, Any] | None = getattr(self._local, "connections", None)
        if mine is None:
            mine = self._local.connections = {}
            with self._lock:
                self._all.append(mine)
        return mine


def keep() -> KeptConnections:
    """From now on, in this process, ledger stores keep their connections (``KeptConnections``);
    the caller closes them at its end."""
    from countersign.signoff import stores

    if stores.KEPT is None:
        stores.KEPT = KeptConnections()
    kept: KeptConnections = stores.KEPT
    return kept
