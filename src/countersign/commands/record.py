"""``countersign record``: write the change record (what, why, test evidence, rollback plan)."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.intake.selection import ChangeSelection
from countersign.signoff.change_record import given_fields
from countersign.signoff.change_record import record as record_change
from countersign.signoff.identity import identity_from
from countersign.workspace import Environment, open_workspace


def record(
    cwd: Path,
    selection: ChangeSelection,
    *,
    identity: str | None,
    fields: dict[str, str],
    key_file: Path | None = None,
) -> int:
    given = given_fields(fields)
    environment = Environment.from_process()
    ws = open_workspace(cwd, selection, environment)
    roster = ws.context.config.roster
    who = identity_from(ws.root, identity, roster, key_file)
    person = roster.find(who.claimed)
    author = person.id if person else who.claimed
    done = record_change(
        ws.ledger,
        ws.change.fingerprint,
        author,
        given,
        now=environment.clock(),
        who=who,
        person=person,
    )
    click.echo(
        f"Recorded {', '.join(done.fields)} for {done.fingerprint[:19]} as {author}, "
        f"identity {who.strength}"
    )
    return 0
