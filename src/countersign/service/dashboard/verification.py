"""Verifying a repository's ledger on request (the Ledger page's button, ``POST
/api/v1/ledger/verify``): every entry's hash chain and signature, with the keys recorded in the
ledger. The pins committed in the repository are read by the workers, not here (the web process
has no git): the page shows where the worker last found them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from countersign.service.dashboard.auth import Viewer
from countersign.service.settings import Settings

REPOSITORY_ID = "SELECT repository_id FROM countersign_installations WHERE repository = %s"


class UnknownLedgerError(LookupError):
    pass


async def verify(settings: Settings, viewer: Viewer, repository: str) -> dict[str, Any]:
    if repository not in viewer.repositories:
        raise UnknownLedgerError(f"no ledger for {repository!r} that you may see")
    from anyio import to_thread

    return await to_thread.run_sync(_verify, settings, repository)


def _verify(settings: Settings, repository: str) -> dict[str, Any]:
    import psycopg

    from countersign.service.ledgers import ledger_url
    from countersign.signoff.ledger import open_ledger

    with psycopg.connect(settings.database_url, autocommit=True, connect_timeout=10) as conn:
        row = conn.execute(REPOSITORY_ID, (repository,)).fetchone()
    if row is None:
        raise UnknownLedgerError(f"no ledger for {repository!r} yet")
    ledger = open_ledger(
        ledger_url(settings.database_url, int(row[0])), settings.state_dir / "dashboard"
    )
    report = ledger.verify()
    return {
        "repository": repository,
        "ok": report.ok,
        "entries": report.entries,
        "signing_keys": list(report.keys),
        "problems": [{"seq": p.seq, "what": p.what, "fatal": p.fatal} for p in report.problems],
        "checked_at": datetime.now(UTC).isoformat(),
    }
