"""``countersign break-glass``: lift every requirement on a change during an incident, for a
limited time, on the record, leaving a follow-up review that ``status`` shows until done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from countersign.errors import UsageError
from countersign.intake.selection import ChangeSelection
from countersign.signoff.approvals import FOLLOW_UP, is_agent
from countersign.signoff.identity import identity_from
from countersign.workspace import open_workspace

MAX_HOURS = 72


def break_glass(
    cwd: Path,
    selection: ChangeSelection,
    *,
    identity: str | None,
    reason: str,
    incident: str,
    hours: float,
    now: datetime | None = None,
) -> int:
    if not reason.strip() or not incident.strip():
        raise UsageError("break-glass needs --reason TEXT and --incident REF")
    if not 0 < hours <= MAX_HOURS:
        raise UsageError(f"--hours must be more than 0 and at most {MAX_HOURS}, got {hours:g}")
    ws = open_workspace(cwd, selection)
    roster = ws.context.config.roster
    who = identity_from(ws.root, identity, roster)
    person = roster.find(who.claimed)
    if is_agent(person, who.claimed, roster):
        raise UsageError(f"cannot break glass: {who.claimed} is an agent identity")
    if roster.people and person is None:
        raise UsageError(f"cannot break glass: {who.claimed} is not in the roster")
    start = now or datetime.now(UTC)
    expires = (start + timedelta(hours=hours)).isoformat(timespec="seconds")
    ws.ledger.append(
        "break-glass",
        {
            "who": person.id if person else who.claimed,
            "identity": who.as_dict(),
            "fingerprint": ws.change.fingerprint,
            "reason": reason,
            "incident": incident,
            "expires": expires,
            "head": ws.change.head,
            "branch": ws.change.branch,
            "policy_version": ws.policy.version,
        },
    )
    click.echo(
        f"Break-glass on {ws.change.fingerprint[:19]} until {expires} ({incident}). "
        f"A follow-up review is now due: someone else runs "
        f"`countersign approve --requirement {FOLLOW_UP}`."
    )
    return 0
