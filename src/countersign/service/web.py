"""The web process: ``POST /webhooks/github``, ``/healthz``, ``/readyz`` and ``/metrics``.

It verifies, records and queues; it never calls GitHub or git, so it answers in milliseconds
and any number of replicas can run behind one load balancer.
"""

from __future__ import annotations

import json
import logging
import select
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    generate_latest,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from countersign.errors import InputError
from countersign.facts.incidents import sources as incident_sources
from countersign.service import events, incident_hooks, signature
from countersign.service.events import Job
from countersign.service.intake import Accepted, Delivery, accept
from countersign.service.settings import Settings

log = logging.getLogger("countersign.service.web")

MAX_BODY = 25 * 1024 * 1024  # GitHub caps webhook payloads at 25 MB
INCIDENT_MAX_BODY = 1024 * 1024  # an incident event is a few kB
DATABASE_WAIT_S = 5.0  # for a connection; GitHub gives up on a delivery after 10 s
# A delivery holds a connection for one statement and its commit: ~1 ms on a quiet server,
# tens of ms when the disk is busy (each commit waits for the WAL to be flushed), so 200
# deliveries a second need up to 10 at once. Opened at start-up; more only under such a burst.
POOL_MIN, POOL_MAX = 8, 16
REPOSITORY_ID = "SELECT repository_id FROM countersign_installations WHERE repository = %s"
QUEUE_DEPTH = "SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.deliveries = Counter(
            "countersign_deliveries",
            "Webhook deliveries by event and outcome",
            ("event", "outcome"),
            registry=self.registry,
        )
        self.queue_depth = Gauge(
            "countersign_queue_depth", "Jobs waiting for a worker", registry=self.registry
        )


def error(status: int, message: str) -> JSONResponse:
    """The one error shape of every endpoint."""
    return JSONResponse({"ok": False, "error": message}, status_code=status)


def create_app(settings: Settings, pool: Any = None) -> Starlette:
    """``pool``: a psycopg ``AsyncConnectionPool``; by default one is opened on the
    configured database for the app's lifetime."""
    metrics = Metrics()
    state: dict[str, Any] = {"pool": pool}

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if state["pool"] is not None:
            yield
            return
        from psycopg_pool import AsyncConnectionPool

        # check: a connection the database dropped (a restart) is replaced before it is used,
        # without a round trip for the ones that are fine (``alive``).
        async with AsyncConnectionPool(
            settings.database_url,
            min_size=POOL_MIN,
            max_size=POOL_MAX,
            open=False,
            kwargs={"autocommit": True},
            check=alive,
        ) as opened:
            state["pool"] = opened
            yield
        state["pool"] = None

    async def webhook(request: Request) -> Response:
        delivery_id = request.headers.get("x-github-delivery", "")
        event = request.headers.get("x-github-event", "")
        fields = {"delivery": delivery_id or None, "event": event or None}
        body = await bounded_body(request, MAX_BODY)
        # Until the signature is checked the event name is the sender's word: not a label.
        if body is None:
            return _refused(metrics, "unverified", 413, "payload too large", fields)
        if not signature.valid(
            settings.webhook_secret, body, request.headers.get("x-hub-signature-256")
        ):
            return _refused(
                metrics, "unverified", 401, "invalid or missing X-Hub-Signature-256", fields
            )
        if not delivery_id or not event:
            return _refused(
                metrics, event, 400, "X-GitHub-Delivery and X-GitHub-Event are required", fields
            )
        try:
            payload = parse_json(body)
        except ValueError:
            return _refused(metrics, event, 400, "the body is not JSON", fields)
        if not isinstance(payload, dict):
            return _refused(metrics, event, 400, "the body is not a JSON object", fields)
        now = datetime.now(UTC)
        when = events.event_time(event, payload)
        if when is not None and now - when > timedelta(seconds=settings.max_delivery_age_s):
            return _refused(metrics, event, 400, "stale delivery: the event is too old", fields)
        routed = events.route(event, payload, received=now.isoformat())
        delivery = Delivery(
            delivery_id=delivery_id,
            event=event,
            action=str(payload.get("action", "")),
            installation_id=_installation(payload),
            repository=str(events.dig(payload, "repository", "full_name") or ""),
            body=body,
        )
        try:
            accepted = await accept_once_more(state["pool"], delivery, routed.jobs)
        except psycopg.OperationalError as exc:
            # Down or restarting: nothing was recorded, and GitHub, seeing no 2xx, can deliver
            # it again (as a redelivery, under the same id) once the database is back.
            fields["error"] = type(exc).__name__
            return _refused(metrics, event, 503, "database unavailable: not recorded", fields)
        return _accepted(metrics, delivery, accepted, routed.jobs, routed.ignored, fields)

    async def incident_webhook(request: Request) -> Response:
        """``POST /webhooks/incidents/{source}/{owner}/{name}``: an incident tool's delivery,
        recorded in that repository's ledger (``incident_hooks``)."""
        name = request.path_params["source"]
        repository = f"{request.path_params['owner']}/{request.path_params['name']}"
        fields = {"delivery": None, "event": f"incident.{name}", "repository": repository}
        hook = incident_hooks.HOOKS.get(name)
        if hook is None:
            known = ", ".join(incident_hooks.HOOKS)
            return _refused(metrics, "unverified", 404, f"no incident source {name!r}: {known}")
        label = f"incident.{hook.name}"
        secrets = settings.incident_hook_secrets(hook.name)
        if not secrets:
            return _refused(
                metrics, label, 404, f"{hook.name} is not configured: set {hook.setting}"
            )
        body = await bounded_body(request, INCIDENT_MAX_BODY)
        if body is None:
            return _refused(metrics, label, 413, "payload too large", fields)
        got = incident_hooks.Received(request.headers, body, datetime.now(UTC))
        problem = hook.authenticate(secrets, got)
        if problem:
            return _refused(metrics, label, 401, problem, fields)
        try:
            payload = json.loads(body)
        except ValueError:
            return _refused(metrics, label, 400, "the body is not JSON", fields)
        if not hook.accepts(payload):
            return _refused(metrics, label, 400, f"the body is not {hook.label}", fields)
        when = hook.occurred(payload, got)
        window = hook.window_s if hook.window_s is not None else settings.max_delivery_age_s
        if when is not None and abs((got.now - when).total_seconds()) > window:
            return _refused(metrics, label, 400, "stale delivery: the event is too old", fields)
        try:
            found = incident_sources.parse(payload, hook.source)
        except InputError as exc:
            return _refused(metrics, label, 400, f"not read as an incident: {exc}", fields)
        delivery = Delivery(
            delivery_id=hook.delivery_id(payload, got),
            event=label,
            action=_incident_action(payload),
            installation_id=None,
            repository=repository,
            body=body,
        )
        fields["delivery"] = delivery.delivery_id
        async with state["pool"].connection() as conn:
            row = await (await conn.execute(REPOSITORY_ID, (repository,))).fetchone()
            if row is None:
                return _refused(
                    metrics, label, 404, f"the App is not installed on {repository}", fields
                )
            jobs: tuple[Job, ...] = ()
            if found:
                by = f"{hook.name} webhook"
                received = got.now.isoformat()
                jobs = (
                    events.incidents_job(repository, int(row[0]), hook.source, found, by, received),
                )
            accepted = await accept(conn, delivery, jobs)
        ignored = "" if found else "no incident in the payload"
        return _accepted(metrics, delivery, accepted, jobs, ignored, fields)

    async def healthz(_: Request) -> Response:
        return JSONResponse({"ok": True})

    async def readyz(_: Request) -> Response:
        try:
            async with state["pool"].connection(timeout=2) as conn:
                await conn.execute("SELECT 1 FROM countersign_deliveries LIMIT 0")
        except Exception as exc:  # noqa: BLE001 - any failure means not ready, said in the body
            return error(503, f"database not ready: {type(exc).__name__}")
        return JSONResponse({"ok": True})

    async def prometheus(_: Request) -> Response:
        try:
            async with state["pool"].connection(timeout=2) as conn:
                row = await (await conn.execute(QUEUE_DEPTH)).fetchone()
            metrics.queue_depth.set(row[0] if row else 0)
        except Exception:  # noqa: BLE001 - the other metrics are still worth serving
            log.warning("queue depth unavailable")
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    routes: list[BaseRoute] = [
        Route("/webhooks/github", webhook, methods=["POST"]),
        Route("/webhooks/incidents/{source}/{owner}/{name}", incident_webhook, methods=["POST"]),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", prometheus),
    ]
    if settings.dashboard is None:
        return Starlette(routes=routes, lifespan=lifespan)
    from starlette.exceptions import HTTPException

    from countersign.service.dashboard import app as dashboard

    return Starlette(
        routes=[*routes, *dashboard.routes(settings, state)],
        middleware=dashboard.middleware(settings),
        exception_handlers={HTTPException: dashboard.json_error_handler},
        lifespan=lifespan,
    )


async def alive(conn: Any) -> None:
    """The pool's check of a connection it hands out, without a round trip: an idle
    connection's socket has nothing to read unless the server wrote to it, which is how a
    restart, a failover or ``pg_terminate_backend`` ends it (or a notice); only then is it
    asked (``check_connection``), and dropped by the pool if it fails."""
    from psycopg_pool import AsyncConnectionPool

    readable, _, _ = select.select([conn.fileno()], [], [], 0)
    if readable:
        await AsyncConnectionPool.check_connection(conn)


async def accept_once_more(pool: Any, delivery: Delivery, jobs: Sequence[Job]) -> Accepted:
    """``accept`` on a connection of ``pool``; when the connection fails under the statement
    (the database ended it with nothing yet to read on its socket), the pool checks its other
    connections and the statement is tried once more on a live one. Nothing is recorded by a
    statement that failed; one whose commit landed but whose answer was lost is answered as
    the duplicate it now is. A pool with no connection to give in ``DATABASE_WAIT_S`` is not
    waited for twice (GitHub gives up after 10 s)."""
    from psycopg_pool import PoolTimeout

    try:
        async with pool.connection(timeout=DATABASE_WAIT_S) as conn:
            return await accept(conn, delivery, jobs)
    except PoolTimeout:
        raise
    except psycopg.OperationalError:
        log.warning("database connection failed; trying once more", exc_info=True)
        await pool.check()
    async with pool.connection(timeout=DATABASE_WAIT_S) as conn:
        return await accept(conn, delivery, jobs)


def parse_json(body: bytes) -> Any:
    """orjson, a few times faster than ``json`` on a webhook's 10-30 kB; the standard parser
    for what orjson refuses and ``json`` takes (a lone surrogate escape, an integer past 64
    bits), so both accept the same bodies."""
    import orjson

    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return json.loads(body)


async def bounded_body(request: Request, limit: int) -> bytes | None:
    """The body, or None once it passes ``limit`` bytes: a huge body is refused as it
    arrives, never held in memory whole."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _accepted(
    metrics: Metrics,
    delivery: Delivery,
    accepted: Accepted,
    jobs: Sequence[Job],
    ignored: str,
    fields: dict[str, Any],
) -> Response:
    outcome = "duplicate" if accepted.duplicate else ("queued" if jobs else "ignored")
    metrics.deliveries.labels(delivery.event, outcome).inc()
    log.info(
        ignored or "delivery accepted",
        extra={**fields, "action": delivery.action, "outcome": outcome},
    )
    return JSONResponse(
        {
            "ok": True,
            "delivery": delivery.delivery_id,
            "duplicate": accepted.duplicate,
            "queued": accepted.queued,
            "coalesced": accepted.coalesced,
            "ignored": ignored,
        },
        status_code=200 if accepted.duplicate else 202,
    )


def _incident_action(payload: Any) -> str:
    if isinstance(payload, dict):
        kind = events.dig(payload, "event", "event_type") or payload.get("action")
        if isinstance(kind, str):
            return kind[:100]
    return ""


def _refused(
    metrics: Metrics,
    event: str,
    status: int,
    message: str,
    fields: dict[str, Any] | None = None,
) -> Response:
    metrics.deliveries.labels(event or "unknown", f"refused-{status}").inc()
    log.warning(message, extra={**(fields or {}), "outcome": f"refused-{status}"})
    return error(status, message)


def _installation(payload: dict[str, Any]) -> int | None:
    value = events.dig(payload, "installation", "id")
    return value if isinstance(value, int) else None
