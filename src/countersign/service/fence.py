"""The fence around a run's writes: every GitHub write and every ledger write of a run is made
only while the run still holds its pull request's lock (``worker.Jobs.exclusive``), else
``LockLost``.

The lock is a PostgreSQL advisory lock of the run's own connection, so a connection that drops
mid-job (a restart, a failover, a network cut, ``pg_terminate_backend``) frees it while the run
goes on, and another run of the pull request may begin. A statement on the dropped connection
fails, but a GitHub write needs none, and a ledger write goes through the ledger's own
connection, which may be alive (or opened again). So:

- before each GitHub write (any method but GET) and each checkpoint push, the run's connection
  is asked whether it still holds the lock (``pg_locks``); a connection that cannot answer does
  not;
- each ledger write asks, inside its own transaction, whether the run's backend (its pid and
  start time) still holds the lock, under a shared lock of its own on the pull request; a new
  run, once it has the pull request's lock, takes that one exclusively (``BARRIER``), so it
  waits for a ledger write of the old run that passed the check to commit before it reads the
  ledger, and a check after that point sees the new run holding the lock and refuses.

GitHub cannot be fenced the same way: a write that passed the check a moment before the lock
was lost still lands. The window is one statement and one request wide, where it was the rest
of the job.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from countersign.signoff import fence as ledger_fence

# Whether the backend ``pid`` (started at ``started``: a pid is reused) holds the run lock
# ``key`` (``job_manager.EXCLUSIVE``'s 64-bit key: pg_locks shows its halves).
_HOLDS = """
SELECT EXISTS (
  SELECT 1 FROM pg_locks l
  WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.pid = {pid}
    AND l.classid::bigint = (%(key)s::bigint >> 32) & 4294967295
    AND l.objid::bigint = %(key)s::bigint & 4294967295
    {started})
"""
OWN = _HOLDS.format(pid="pg_backend_pid()", started="")
OTHER = _HOLDS.format(
    pid="%(pid)s",
    started="AND (SELECT backend_start FROM pg_stat_activity WHERE pid = l.pid) = %(started)s",
)
# Inside a ledger write's transaction, before it checks: held until it commits.
WRITING = "SELECT pg_advisory_xact_lock_shared(%(key)s::bigint # 6148914691236517205)"
# A run that has just taken its lock waits for the ledger writes of the run before it that
# passed their check; and learns when its backend started.
BARRIER = (
    "SELECT pg_advisory_xact_lock(%(key)s::bigint # 6148914691236517205), "
    "(SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid())"
)


class LockLost(Exception):  # noqa: N818 - named for what happened
    """The run no longer holds its pull request's lock (its database connection dropped):
    another run may have begun, so this one writes nothing more; the queue retries the job."""


@dataclass(frozen=True)
class Hold:
    """A run's hold on its lock: the lock's key, and the backend that holds it."""

    key: int
    pid: int
    started: datetime
    conn: Any  # the run's connection (psycopg, autocommit)

    def check(self) -> None:
        """``LockLost`` unless the run's connection still holds the lock."""
        import psycopg

        try:
            row = self.conn.execute(OWN, {"key": self.key}).fetchone()
        except psycopg.OperationalError as exc:
            raise LockLost(f"the run's database connection is gone: {exc}") from None
        if not row or not row[0]:
            raise LockLost("the run's connection no longer holds its lock")

    def check_from(self, conn: Any) -> None:
        """``LockLost`` unless the run still holds the lock, asked from ``conn`` (a ledger
        write's, in its transaction)."""
        conn.execute(WRITING, {"key": self.key})
        found = conn.execute(
            OTHER, {"key": self.key, "pid": self.pid, "started": self.started}
        ).fetchone()
        if not found or not found[0]:
            raise LockLost("the run no longer holds its lock: nothing is recorded")


CURRENT: ContextVar[Hold | None] = ContextVar("countersign_run_hold", default=None)


def before_write() -> None:
    """The check before a GitHub write or a push: nothing outside a run."""
    hold = CURRENT.get()
    if hold is not None:
        hold.check()


@contextmanager
def holding(conn: Any, key: int) -> Iterator[Hold]:
    """Fence this run's writes on ``conn``'s hold of the lock ``key`` (just taken)."""
    row = conn.execute(BARRIER, {"key": key}).fetchone()
    hold = Hold(key, int(conn.info.backend_pid), row[1], conn)
    mine = CURRENT.set(hold)
    ledger = ledger_fence.CHECK.set(hold.check_from)
    try:
        yield hold
    finally:
        ledger_fence.CHECK.reset(ledger)
        CURRENT.reset(mine)
