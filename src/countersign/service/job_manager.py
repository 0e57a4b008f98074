"""The end of a job is recorded even when the database ends the connection at that moment.

procrastinate writes a job's end (succeeded, failed, or back to the queue for a retry) once:
when that write meets a connection the database just ended (a restart, a failover,
``pg_terminate_backend``; the pool's liveness check can pass just before), the job stays
``doing`` under a worker that is alive and sending heartbeats, so no stalled-job recovery takes
it, and its lock holds every later job of its pull request. Here the write is tried again on a
fresh connection until it lands. A write that landed but whose answer was lost is recognised on
the next attempt (the job is no longer ``doing`` under this worker) and not repeated, so a job
another worker has taken since is left alone.

There is no deadline: while the database cannot be reached nothing else can be done either,
and a job is never taken from a worker that is alive (it may still be running it; a second run
beside it would publish twice). A worker that dies meanwhile stops sending heartbeats, and its
jobs are queued again (``queue.recover_stalled``).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from procrastinate import jobs, manager
from procrastinate.exceptions import ConnectorException

log = logging.getLogger("countersign.service.queue")

# A job whose worker row another worker's start deleted (procrastinate prunes workers whose
# heartbeats are late) has no worker: it is still this worker's to end.
STILL_MINE = """
SELECT status = 'doing' AND (worker_id = %(worker)s OR worker_id IS NULL) AS mine
FROM procrastinate_jobs WHERE id = %(id)s
"""
BACKOFF_S = (0.1, 0.5, 1.0, 2.0, 5.0)

# A run's hold on its job (``worker.Jobs.exclusive``): an advisory lock of the run's connection,
# 64-bit keys under a prefix of their own (the ledger's writers lock 'countersign-ledger:...').
# Advisory locks are the database's, not a schema's: the key names the schema the service's
# tables are in (the URL's search_path), so deployments, or test runs, sharing a database do
# not wait on each other's pull requests. EXCLUSIVE answers the key, which the run's fence
# checks for (``fence``).
EXCLUSIVE = (
    "SELECT pg_advisory_lock(k), k FROM (SELECT hashtextextended("
    "'countersign-job:' || coalesce(current_schema(), '') || ':' || %s, 0) AS k) AS key"
)
RELEASE = (
    "SELECT pg_advisory_unlock(hashtextextended("
    "'countersign-job:' || coalesce(current_schema(), '') || ':' || %s, 0))"
)
# Whether no run holds it: taken and let go in one statement (the pool's connections are in
# autocommit mode).
UNHELD = (
    "SELECT pg_try_advisory_xact_lock(hashtextextended("
    "'countersign-job:' || coalesce(current_schema(), '') || ':' || %(key)s, 0)) AS free"
)


def run_key(job: jobs.Job) -> str:
    """What a run of ``job`` holds: its lock (its pull request's), so runs of one pull
    request's jobs never overlap; a job without one, itself."""
    return job.lock or f"job:{job.id}"


def connection_lost(exc: BaseException) -> bool:
    """A connector error caused by the connection (ended, refused, a pool that cannot open),
    not by the statement (a plpgsql RAISE, a constraint)."""
    import psycopg

    return isinstance(exc, ConnectorException) and isinstance(
        exc.__cause__, psycopg.OperationalError
    )


class DurableJobManager(manager.JobManager):
    """procrastinate's job manager, with the end of each job written until it lands."""

    async def finish_job(self, job: jobs.Job, status: jobs.Status, delete_job: bool) -> None:
        await self._until_recorded(
            job, "finish", lambda: manager.JobManager.finish_job(self, job, status, delete_job)
        )

    async def retry_job(
        self,
        job: jobs.Job,
        retry_at: datetime | None = None,
        priority: int | None = None,
        queue: str | None = None,
        lock: str | None = None,
    ) -> None:
        await self._until_recorded(
            job,
            "retry",
            lambda: manager.JobManager.retry_job(
                self, job, retry_at=retry_at, priority=priority, queue=queue, lock=lock
            ),
        )

    async def _until_recorded(self, job: jobs.Job, what: str, write: Any) -> None:
        attempt = 0
        while True:
            try:
                if await self._still_mine(job):
                    await write()
                else:
                    log.warning(
                        "the job's %s is not written: it was queued again and another run has "
                        "it, or it ended already",
                        what,
                        extra={"job": job.id},
                    )
            except ConnectorException as exc:
                if not connection_lost(exc):
                    if not await self._still_mine(job):
                        # Queued again between the look and the write: the other run ends it.
                        return
                    raise
                cause = exc.__cause__
            else:
                return
            pause = BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)]
            log.warning(
                "the database connection failed as the job's %s was written; trying again "
                "in %.1f s: %r",
                what,
                pause,
                cause,
                extra={"job": job.id},
            )
            attempt += 1
            await asyncio.sleep(pause)

    async def _still_mine(self, job: jobs.Job) -> bool:
        """False when the last attempt landed after all (or another worker took the job)."""
        from procrastinate.exceptions import NoResult

        try:
            row = await self.connector.execute_query_one_async(
                STILL_MINE, id=job.id, worker=job.worker_id
            )
        except NoResult:  # deleted: finished with delete_job, or pruned
            return False
        return bool(row["mine"])
