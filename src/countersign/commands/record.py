"""``countersign record``: write the change record (what, why, test evidence, rollback plan)."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.config.roster import Roster
from countersign.intake.selection import ChangeSelection
from countersign.signoff.change_record import given_fields
from countersign.signoff.change_record import record as record_change
from countersign.signoff.identity import identity_from
from countersign.workspace import open_workspace


def record(
    cwd: Path,
    selection: ChangeSelection,
    *,
    identity: str | None,
    fields: dict[str, str],
) -> int:
    given = given_fields(fields)
    ws = open_workspace(cwd, selection)
    author = identity_from(ws.root, identity, Roster()).claimed
    done = record_change(ws.ledger, ws.change.fingerprint, author, given)
    click.echo(f"Recorded {', '.join(done.fields)} for {done.fingerprint[:19]}")
    return 0
