"""``countersign record``: write the change record (what, why, test evidence, rollback plan)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from countersign.commands.approve import identity_of
from countersign.errors import UsageError
from countersign.intake.selection import ChangeSelection
from countersign.workspace import open_workspace


def record(
    cwd: Path,
    selection: ChangeSelection,
    *,
    identity: str | None,
    fields: dict[str, str],
) -> int:
    given = {k: v for k, v in fields.items() if v.strip()}
    if not given:
        raise UsageError("give at least one of --summary, --test-evidence, --rollback-plan")
    ws = open_workspace(cwd, selection)
    who = identity_of(ws.root, identity)
    ws.ledger.append(
        "change-record",
        {
            "author": who,
            "fingerprint": ws.change.fingerprint,
            "fields": given,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )
    click.echo(f"Recorded {', '.join(given)} for {ws.change.fingerprint[:19]}")
    return 0
