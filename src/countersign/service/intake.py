"""Record a verified delivery once and queue its jobs, in one PostgreSQL transaction: a
delivery is either recorded with its jobs queued or not recorded at all (and GitHub, seeing no
2xx, can deliver it again).

Jobs are deferred with procrastinate's own SQL function (``procrastinate_defer_jobs_v1``, the
versioned interface its Python client calls) so they commit with the delivery row; a job whose
``queueing_lock`` is already waiting is coalesced into it. The web process does it in one
statement (``countersign_accept_v1``), a worker with ``defer``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from countersign.service.events import Job

QUEUE = "countersign"

ACCEPT = """
SELECT was_duplicate, jobs_queued, jobs_coalesced
FROM countersign_accept_v1(%s, %s, %s, %s, %s, %s, %s, %s::jsonb)
"""
DEFER = """
SELECT procrastinate_defer_jobs_v1(
    ARRAY[ROW(%s, %s, 0, %s, %s, %s::jsonb, NULL::timestamptz)]::procrastinate_job_to_defer_v1[]
)
"""


@dataclass(frozen=True)
class Accepted:
    duplicate: bool
    queued: int = 0
    coalesced: int = 0


@dataclass(frozen=True)
class Delivery:
    delivery_id: str
    event: str
    action: str
    installation_id: int | None
    repository: str
    body: bytes

    @property
    def body_sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


async def accept(conn: Any, delivery: Delivery, jobs: Sequence[Job]) -> Accepted:
    """``conn``: a psycopg ``AsyncConnection`` in autocommit mode. A delivery id, or a body,
    seen before is a duplicate: a redelivery, or a replay of a captured signed body under a
    new id; either way nothing is queued again. One statement, so one round trip and one
    transaction (``countersign_accept_v1``, migration 0005)."""
    cur = await conn.execute(
        ACCEPT,
        (
            delivery.delivery_id,
            delivery.body_sha256,
            delivery.event,
            delivery.action,
            delivery.installation_id,
            delivery.repository,
            QUEUE,
            json.dumps(
                [
                    {
                        "task": job.task,
                        "lock": job.lock,
                        "queueing_lock": job.queueing_lock,
                        "args": job.args,
                    }
                    for job in jobs
                ]
            ),
        ),
    )
    row = await cur.fetchone()
    return Accepted(duplicate=bool(row[0]), queued=int(row[1]), coalesced=int(row[2]))


def defer(conn: Any, job: Job) -> int:
    """Queue ``job`` from a worker (a psycopg ``Connection`` in autocommit mode); 0 when a job
    with its queueing lock is already waiting."""
    import psycopg

    try:
        conn.execute(DEFER, (QUEUE, job.task, job.lock, job.queueing_lock, json.dumps(job.args)))
    except psycopg.errors.UniqueViolation:
        return 0
    return 1
