"""Record a verified delivery once and queue its jobs, in one PostgreSQL transaction: a
delivery is either recorded with its jobs queued or not recorded at all (and GitHub, seeing no
2xx, can deliver it again).

Jobs are deferred with procrastinate's own SQL function (``procrastinate_defer_jobs_v1``, the
versioned interface its Python client calls) so they commit with the delivery row; a job whose
``queueing_lock`` is already waiting is coalesced into it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from countersign.service.events import Job

QUEUE = "countersign"

INSERT_DELIVERY = """
INSERT INTO countersign_deliveries
    (delivery_id, body_sha256, event, action, installation_id, repository, jobs)
VALUES (%s, %s, %s, %s, %s, %s, 0)
ON CONFLICT DO NOTHING
RETURNING delivery_id
"""
DEFER = """
SELECT procrastinate_defer_jobs_v1(
    ARRAY[ROW(%s, %s, 0, %s, %s, %s::jsonb, NULL::timestamptz)]::procrastinate_job_to_defer_v1[]
)
"""
COUNT_JOBS = "UPDATE countersign_deliveries SET jobs = %s WHERE delivery_id = %s"


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
    """``conn``: a psycopg ``AsyncConnection`` not in a transaction. A delivery id, or a body,
    seen before is a duplicate: a redelivery, or a replay of a captured signed body under a
    new id; either way nothing is queued again."""
    import psycopg

    async with conn.transaction():
        cur = await conn.execute(
            INSERT_DELIVERY,
            (
                delivery.delivery_id,
                delivery.body_sha256,
                delivery.event,
                delivery.action,
                delivery.installation_id,
                delivery.repository,
            ),
        )
        if await cur.fetchone() is None:
            return Accepted(duplicate=True)
        queued = coalesced = 0
        for job in jobs:
            try:
                async with conn.transaction():
                    await conn.execute(
                        DEFER,
                        (QUEUE, job.task, job.lock, job.queueing_lock, json.dumps(job.args)),
                    )
                queued += 1
            except psycopg.errors.UniqueViolation:
                coalesced += 1
        await conn.execute(COUNT_JOBS, (queued, delivery.delivery_id))
    return Accepted(duplicate=False, queued=queued, coalesced=coalesced)


def defer(conn: Any, job: Job) -> int:
    """Queue ``job`` from a worker (a psycopg ``Connection`` in autocommit mode); 0 when a job
    with its queueing lock is already waiting."""
    import psycopg

    try:
        conn.execute(DEFER, (QUEUE, job.task, job.lock, job.queueing_lock, json.dumps(job.args)))
    except psycopg.errors.UniqueViolation:
        return 0
    return 1
