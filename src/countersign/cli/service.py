"""``countersign serve``: the GitHub App's web process, its workers and its schema."""

from __future__ import annotations

import click


@click.group(invoke_without_command=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> int | None:
    """Run the GitHub App's web process: it verifies and queues webhooks (POST /webhooks/github)
    and serves /healthz, /readyz and /metrics. Configured by COUNTERSIGN_DATABASE_URL and
    COUNTERSIGN_WEBHOOK_SECRET; see docs/service.md. Needs: pip install 'countersign[service]'."""
    if ctx.invoked_subcommand is not None:
        return None
    from countersign.commands.serve import serve_web

    return serve_web(host=host, port=port)


@serve.command()
@click.option(
    "--metrics-port",
    type=int,
    default=None,
    help="Serve this worker's Prometheus metrics on this port (decision latency, API errors).",
)
def worker(metrics_port: int | None) -> int:
    """Run a worker: evaluate pull requests, record reviews, publish check runs and comments,
    reconcile. Also needs COUNTERSIGN_APP_ID and COUNTERSIGN_APP_PRIVATE_KEY. Run as many as
    needed, on any machines that reach PostgreSQL."""
    from countersign.commands.serve import serve_worker

    return serve_worker(metrics_port=metrics_port)


@serve.command()
def migrate() -> int:
    """Create or upgrade the service's schema in COUNTERSIGN_DATABASE_URL (Alembic); run it
    before starting a new version."""
    from countersign.commands.serve import migrate_schema

    return migrate_schema()
