"""``countersign break-glass``: lift every requirement on a change during an incident, for a
limited time, on the record (``signoff.break_glass``)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from countersign.errors import UsageError
from countersign.facts.adoption import AT_A_TERMINAL, adoption_of
from countersign.facts.people import identities
from countersign.intake.selection import ChangeSelection
from countersign.signoff.approvals import FOLLOW_UP
from countersign.signoff.break_glass import break_glass as record_break_glass
from countersign.signoff.break_glass import check_request
from countersign.signoff.identity import identity_from
from countersign.workspace import Environment, open_workspace


def break_glass(
    cwd: Path,
    selection: ChangeSelection,
    *,
    identity: str | None,
    key_file: Path | None = None,
    reason: str,
    incident: str,
    hours: float,
    now: datetime | None = None,
) -> int:
    check_request(reason, incident, hours)
    environment = Environment.from_process()
    ws = open_workspace(cwd, selection, environment)
    if adoption_of(ws.change, ws.context) is not None:
        raise UsageError(f"cannot sign here: {AT_A_TERMINAL}")
    roster = ws.context.config.roster
    done = record_break_glass(
        ws.ledger,
        ws.change,
        roster,
        identity_from(ws.root, identity, roster, key_file),
        reason=reason,
        incident=incident,
        hours=hours,
        policy_version=ws.policy.version,
        policy_digest=ws.policy.digest,
        now=now or environment.clock(),
        makers=tuple(i.email for i in identities(ws.change, ws.context)),
    )
    click.echo(
        f"Break-glass on {done.fingerprint[:19]} until {done.expires} ({done.incident}). "
        f"A follow-up review is now due: someone else runs "
        f"`countersign approve --requirement {FOLLOW_UP}`."
    )
    return 0
