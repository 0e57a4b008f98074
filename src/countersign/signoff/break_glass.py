"""Break glass: lift every requirement on one exact change during an incident, for a limited
time, on the record, leaving a follow-up review by someone else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from countersign.config.roster import Roster
from countersign.errors import UsageError
from countersign.intake.change import Change
from countersign.signoff.approvals import is_agent
from countersign.signoff.identity import Identity
from countersign.signoff.ledger import Ledger

MAX_HOURS = 72


def check_request(reason: str, incident: str, hours: float) -> None:
    """``UsageError`` without a reason and an incident, or for more than ``MAX_HOURS``."""
    if not reason.strip() or not incident.strip():
        raise UsageError("break-glass needs --reason TEXT and --incident REF")
    if not 0 < hours <= MAX_HOURS:
        raise UsageError(f"--hours must be more than 0 and at most {MAX_HOURS}, got {hours:g}")


@dataclass(frozen=True)
class GlassBroken:
    who: str
    fingerprint: str
    incident: str
    expires: str
    entry: dict[str, Any]


def break_glass(
    ledger: Ledger,
    change: Change,
    roster: Roster,
    who: Identity,
    *,
    reason: str,
    incident: str,
    hours: float,
    policy_version: str,
    now: datetime | None = None,
) -> GlassBroken:
    """Record the break-glass; ``UsageError`` when ``check_request`` refuses it, or by an agent
    identity, or by someone not in a non-empty roster."""
    check_request(reason, incident, hours)
    person = roster.find(who.claimed)
    if is_agent(person, who.claimed, roster):
        raise UsageError(f"cannot break glass: {who.claimed} is an agent identity")
    if roster.people and person is None:
        raise UsageError(f"cannot break glass: {who.claimed} is not in the roster")
    start = now or datetime.now(UTC)
    expires = (start + timedelta(hours=hours)).isoformat(timespec="seconds")
    entry: dict[str, Any] = {
        "who": person.id if person else who.claimed,
        "identity": who.as_dict(),
        "fingerprint": change.fingerprint,
        "reason": reason,
        "incident": incident,
        "expires": expires,
        "head": change.head,
        "branch": change.branch,
        "policy_version": policy_version,
    }
    ledger.append("break-glass", entry)
    return GlassBroken(entry["who"], change.fingerprint, incident, expires, entry)
