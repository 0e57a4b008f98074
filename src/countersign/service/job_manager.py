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

STILL_MINE = """
SELECT status = 'doing' AND worker_id = %(worker)s AS mine FROM procrastinate_jobs
WHERE id = %(id)s
"""
BACKOFF_S = (0.1, 0.5, 1.0, 2.0, 5.0)


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
                if attempt == 0 or await self._still_mine(job):
                    await write()
            except ConnectorException as exc:
                if not connection_lost(exc):
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
