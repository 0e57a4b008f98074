"""``countersign serve``, ``serve worker`` and ``serve migrate``: start the service's
processes from the environment's configuration."""

from __future__ import annotations

import asyncio
import gc
import os

import click

from countersign.errors import UsageError


def _require_service_extra() -> None:
    try:
        import procrastinate  # noqa: F401
        import starlette  # noqa: F401
    except ImportError:
        raise UsageError(
            "the service needs its dependencies: pip install 'countersign[service]'"
        ) from None


def serve_web(*, host: str, port: int) -> int:
    _require_service_extra()
    import uvicorn

    from countersign.service import logs
    from countersign.service.settings import from_environment
    from countersign.service.web import create_app

    settings = from_environment(web_only=True)
    logs.configure()
    app = create_app(settings)
    # What start-up made (modules, the app) lives as long as the process: out of the cyclic
    # collector's way, so its full collections walk only what requests leave behind.
    gc.collect()
    gc.freeze()
    # proxy_headers=False: the dashboard trusts an identity header only from the proxy's own
    # address (COUNTERSIGN_TRUSTED_PROXIES), never from an address named in X-Forwarded-For.
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        proxy_headers=False,
    )
    return 0


def serve_worker(*, metrics_port: int | None) -> int:
    _require_service_extra()
    from countersign.service import logs
    from countersign.service.queue import create_queue, run_worker, timing_from
    from countersign.service.settings import from_environment
    from countersign.service.worker import PerThread, WorkerMetrics, open_jobs

    settings = from_environment()
    settings.private_key()  # a missing key is a one-line error now, not a failed job later
    logs.configure()
    metrics = WorkerMetrics()
    if metrics_port is not None:
        metrics.serve(metrics_port)
    timing = timing_from(os.environ)
    jobs = PerThread(
        open_jobs(
            settings, observe_latency=metrics.latency.observe, on_api_error=metrics.api_error
        ),
        lambda github: open_jobs(settings, observe_latency=metrics.latency.observe, github=github),
    )
    app = create_queue(settings.database_url, jobs, timing)
    try:
        asyncio.run(run_worker(app, timing))
    finally:
        jobs.close()
    return 0


def migrate_schema() -> int:
    _require_service_extra()
    from countersign.service.migrate import upgrade
    from countersign.service.settings import from_environment

    settings = from_environment(web_only=True)
    upgrade(settings.database_url)
    click.echo("countersign service schema is up to date")
    return 0
