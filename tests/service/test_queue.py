"""The worker loop against a real database: a query of one of procrastinate's side tasks (the
heartbeat) that meets a dropped connection must not end the worker process."""

from __future__ import annotations

import asyncio

import pytest

from countersign.service.events import Job
from countersign.service.intake import QUEUE, defer
from countersign.service.queue import WorkerTiming, create_queue, run_worker

pytestmark = pytest.mark.postgres

TIMING = WorkerTiming(heartbeat=0.05, stalled=2.0, polling=0.1)


def test_a_heartbeat_that_meets_a_dropped_connection_restarts_the_worker_instead_of_ending_it(
    database: str, monkeypatch
):
    """procrastinate stops a worker whose side task failed, as if asked to: the worker process
    used to exit there (a dropped connection checked alive just before the heartbeat used it),
    and no further job was taken."""
    import psycopg
    from procrastinate.exceptions import ConnectorException

    app = create_queue(database, lambda: None, TIMING)
    taken: list[int] = []
    took = asyncio.Event()

    @app.task(name="probe", queue=QUEUE)
    async def probe(n: int) -> None:
        taken.append(n)
        took.set()

    failed = asyncio.Event()
    heartbeat = app.job_manager.update_heartbeat

    async def dropped_once(worker_id: int) -> None:
        if not failed.is_set():
            failed.set()
            raise ConnectorException("terminating connection due to administrator command")
        await heartbeat(worker_id)

    monkeypatch.setattr(app.job_manager, "update_heartbeat", dropped_once)

    async def scenario() -> tuple[bool, list[int]]:
        stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(app, TIMING, stop=stop))
        await asyncio.wait_for(failed.wait(), timeout=30)
        with psycopg.connect(database, autocommit=True) as conn:
            defer(conn, Job(task="probe", args={"n": 1}))
        waiting = asyncio.create_task(took.wait())
        await asyncio.wait({waiting, worker}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        ended_by_itself = worker.done()
        stop.set()
        await asyncio.wait_for(worker, timeout=30)
        return ended_by_itself, list(taken)

    ended_by_itself, jobs = asyncio.run(scenario())
    assert not ended_by_itself, "the worker ended when its heartbeat failed once"
    assert jobs == [1]


def test_a_stop_request_ends_the_worker_after_the_job_at_hand(database: str):
    app = create_queue(database, lambda: None, TIMING)
    finished: list[str] = []

    @app.task(name="slow", queue=QUEUE)
    async def slow() -> None:
        started.set()
        await asyncio.sleep(0.5)
        finished.append("slow")

    started = asyncio.Event()

    async def scenario() -> None:
        stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(app, TIMING, stop=stop))
        import psycopg

        with psycopg.connect(database, autocommit=True) as conn:
            defer(conn, Job(task="slow", args={}))
        await asyncio.wait_for(started.wait(), timeout=30)
        stop.set()
        await asyncio.wait_for(worker, timeout=30)

    asyncio.run(scenario())
    assert finished == ["slow"]
