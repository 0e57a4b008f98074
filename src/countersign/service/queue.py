"""The worker process: procrastinate tasks over the jobs in ``worker.py``, retried with
exponential backoff, a periodic reconcile, and the recovery of jobs whose worker died (a job
left ``doing`` by a worker that stopped sending heartbeats is queued again). A job of a worker
that is alive is never taken from it, however long it runs: only its worker knows whether it
still runs it. Alive is what the database sees: each run holds its pull request's lock on its
own connection (``worker.Jobs.exclusive``), so late heartbeats alone never let a second run of
a pull request's jobs begin beside the first."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import procrastinate

from countersign.errors import UsageError
from countersign.service import events
from countersign.service.intake import QUEUE
from countersign.service.job_manager import UNHELD, DurableJobManager, run_key

log = logging.getLogger("countersign.service.queue")

RETRY = procrastinate.RetryStrategy(max_attempts=8, exponential_wait=2)
RETENTION_HOURS = 7 * 24

PRUNE_DELIVERIES = (
    "DELETE FROM countersign_deliveries WHERE received_at < now() - interval '7 days'"
)


@dataclass(frozen=True)
class WorkerTiming:
    """Heartbeat every ``heartbeat`` s; a worker silent for ``stalled`` s is dead and its job is
    run again; the reconcile runs on ``reconcile_cron`` (five minutes)."""

    heartbeat: float = 10.0
    stalled: float = 30.0
    reconcile_cron: str = "*/5 * * * *"
    polling: float = 5.0
    # Jobs one worker process runs at once: each in a thread of its own with its own database
    # connection (``worker.PerThread``); 1 where one ``Jobs`` serves them all (the tests).
    concurrency: int = 1


# A job spends much of its time waiting (on GitHub, git processes, PostgreSQL), so a worker can
# run a few at once to overlap those waits. One by default: on a loaded two-core machine four
# at once gave no more decisions a second (each job ran four times as long), and a benchmark
# run twice stalled with jobs pending for minutes, not understood yet (docs/service.md).
DEFAULT_CONCURRENCY = 1


def timing_from(env: Mapping[str, str]) -> WorkerTiming:
    """``COUNTERSIGN_WORKER_HEARTBEAT_S``, ``COUNTERSIGN_WORKER_STALLED_S``,
    ``COUNTERSIGN_RECONCILE_CRON`` and ``COUNTERSIGN_WORKER_CONCURRENCY`` (jobs at once,
    ``DEFAULT_CONCURRENCY``) override the defaults."""
    default = WorkerTiming()
    try:
        heartbeat = float(env.get("COUNTERSIGN_WORKER_HEARTBEAT_S", default.heartbeat))
        stalled = float(env.get("COUNTERSIGN_WORKER_STALLED_S", default.stalled))
    except ValueError:
        raise UsageError("COUNTERSIGN_WORKER_*_S must be numbers of seconds") from None
    concurrency = env.get("COUNTERSIGN_WORKER_CONCURRENCY", str(DEFAULT_CONCURRENCY))
    if not concurrency.isdigit() or not 1 <= int(concurrency) <= 64:
        raise UsageError("COUNTERSIGN_WORKER_CONCURRENCY must be a whole number from 1 to 64")
    return WorkerTiming(
        concurrency=int(concurrency),
        heartbeat=heartbeat,
        stalled=stalled,
        reconcile_cron=env.get("COUNTERSIGN_RECONCILE_CRON", default.reconcile_cron),
        polling=min(default.polling, heartbeat),
    )


def create_queue(
    database_url: str, jobs: Callable[[], Any], timing: WorkerTiming
) -> procrastinate.App:
    """``jobs`` returns the ``worker.Jobs`` the tasks run on (opened once per process)."""
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=database_url))
    # procrastinate reads its job manager from the app each time (worker, periodic deferrer).
    app.job_manager = DurableJobManager(app.connector)

    def run(context: procrastinate.JobContext, method: str, args: dict[str, Any]) -> None:
        current = jobs()
        current.ensure_connected()
        # One run at a time of a pull request's jobs (or of this job), held by the database
        # connection of the run: see ``worker.Jobs.exclusive``.
        with current.exclusive(run_key(context.job)):
            getattr(current, method)(**args)

    for name, method in (
        (events.EVALUATE, "evaluate_pull_request"),
        (events.REVIEW, "record_review"),
        (events.COMMAND, "run_command"),
        (events.DASHBOARD_ACTION, "dashboard_action"),
        (events.MERGE_GROUP, "evaluate_merge_group"),
        (events.INSTALLATION, "sync_installation"),
        (events.RECONCILE_REPOSITORY, "reconcile_repository"),
        (events.INCIDENTS, "record_incidents"),
    ):
        app.task(name=name, queue=QUEUE, retry=RETRY, pass_context=True)(_calling(run, method))

    @app.periodic(cron=timing.reconcile_cron, periodic_id="reconcile")
    @app.task(name="reconcile", queue=QUEUE, queueing_lock="reconcile", pass_context=True)
    def reconcile(context: procrastinate.JobContext, timestamp: int) -> None:
        run(context, "reconcile", {})

    @app.periodic(cron="17 3 * * *", periodic_id="prune")
    @app.task(name="prune", queue=QUEUE, queueing_lock="prune")
    async def prune(timestamp: int) -> None:
        """Deliveries and finished jobs older than a week: past the stale-delivery window, so
        a replayed body is still refused, by its age."""
        await app.job_manager.delete_old_jobs(nb_hours=RETENTION_HOURS, queue=QUEUE)
        await app.connector.execute_query_async(PRUNE_DELIVERIES)

    return app


def _calling(
    run: Callable[[procrastinate.JobContext, str, dict[str, Any]], None], method: str
) -> Callable[..., None]:
    def task(context: procrastinate.JobContext, **args: Any) -> None:
        run(context, method, args)

    task.__name__ = task.__qualname__ = method
    return task


async def run_worker(
    app: procrastinate.App,
    timing: WorkerTiming,
    *,
    wait: bool = True,
    stop: asyncio.Event | None = None,
) -> None:
    """Run jobs until ``stop`` is set (by default: SIGTERM or SIGINT, which finish the job at
    hand first; a second signal ends the process at once); ``wait=False`` returns when the
    queue is empty, for tests.

    procrastinate stops a worker whose connections all dropped at once (a restart) with a
    connector error, and stops it quietly, as if asked to, when one of its side tasks (the
    heartbeat, the listener) met a dropped connection. Either way the worker starts again
    instead of ending the process; the jobs it held are queued again by the stalled-job
    recovery. A database still down when the worker starts again (its pool cannot open) is
    waited for the same way. So is a worker whose row another worker's start deleted as
    stalled (procrastinate does so to workers whose heartbeats are late): its next fetch of a
    job fails on that row's absence, and it starts again under a new one."""
    import psycopg
    from procrastinate.exceptions import ConnectorException

    if not wait:
        await _run_once(app, timing, wait=False)
        return
    if stop is None:
        stop = _stop_on_signal()
    while not stop.is_set():
        running = asyncio.create_task(_run_once(app, timing, wait=True))
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not running.done():
            # Cancelling procrastinate's worker is its graceful stop: the job at hand ends.
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running
            return
        try:
            running.result()
        except (ConnectorException, psycopg.OperationalError) as exc:
            cause = exc.__cause__ or exc
            if isinstance(cause, psycopg.errors.ForeignKeyViolation):
                # Its row was deleted as stalled by another worker's start (its heartbeats were
                # late): it can take no job under that id any more.
                log.warning("the worker was taken for dead by another; it starts again")
            else:
                log.warning("the database connection failed; the worker starts again: %r", cause)
        else:
            log.warning("the worker stopped without being asked to; it starts again")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1.0)


def _stop_on_signal() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT)

    def requested() -> None:
        for number in signals:
            loop.remove_signal_handler(number)  # a second signal: the default, at once
        log.info("stop requested: the job at hand ends first")
        stop.set()

    for number in signals:
        loop.add_signal_handler(number, requested)
    return stop


async def _run_once(app: procrastinate.App, timing: WorkerTiming, *, wait: bool) -> None:
    try:
        await app.connector.open_async()
    except BaseException:
        # procrastinate keeps a pool it could not open (the database silent for the pool's
        # 30 s), closed, and would hand it to the next attempt, which then fails at once on
        # it. Forget it, so the next attempt opens a new one.
        await app.connector.close_async()
        raise
    async with app.open_async():  # open already: closes the pool when the worker ends
        recovery = asyncio.create_task(_recover_stalled(app, timing))
        try:
            await app.run_worker_async(
                queues=[QUEUE],
                concurrency=timing.concurrency,
                wait=wait,
                update_heartbeat_interval=timing.heartbeat,
                stalled_worker_timeout=timing.stalled,
                fetch_job_polling_interval=timing.polling,
                install_signal_handlers=False,
            )
        finally:
            recovery.cancel()


async def recover_stalled(app: procrastinate.App, timing: WorkerTiming) -> int:
    """Queue again the jobs of workers that stopped sending heartbeats (killed, lost power),
    unless the job's run still holds its lock (``worker.Jobs.exclusive``): then its worker is
    alive, only late (a pause, a starved heartbeat), and the job stays its own."""
    stalled = await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=timing.stalled)
    count = 0
    for job in stalled:
        free = await app.connector.execute_query_one_async(UNHELD, key=run_key(job))
        if not free["free"]:
            log.warning("job of a late worker left to it: it still runs", extra={"job": job.id})
            continue
        log.warning("job of a dead worker queued again", extra={"job": job.id})
        await app.job_manager.retry_job(job)
        count += 1
    return count


async def _recover_stalled(app: procrastinate.App, timing: WorkerTiming) -> None:
    while True:
        try:
            await recover_stalled(app, timing)
        except Exception:
            log.warning("could not check for stalled jobs", exc_info=True)
        await asyncio.sleep(timing.heartbeat)
