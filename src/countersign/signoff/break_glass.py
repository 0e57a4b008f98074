"""Break glass: lift every requirement on one exact change during an incident, for a limited
time, on the record, leaving a follow-up review by someone else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from countersign.config.roster import Roster
from countersign.errors import UsageError
from countersign.intake.change import Change
from countersign.signoff.approvals import approver_problem, authors_of
from countersign.signoff.approve import sign_checked
from countersign.signoff.identity import Identity
from countersign.signoff.ledger import Ledger
from countersign.signoff.proof import Strength

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
    policy_digest: str = "",
    now: datetime | None = None,
    makers: tuple[str, ...] | None = None,
) -> GlassBroken:
    """Record the break-glass; ``UsageError`` when ``check_request`` refuses it, or unless a
    human in the roster who did not make the change gives it with a proven identity (signed
    with their key, or from the forge: a comment command over a verified webhook) (``makers``:
    every address that did, default its commit authors): two people, the one who wrote it and
    the one who lets it through."""
    check_request(reason, incident, hours)
    person = roster.find(who.claimed)
    authors = authors_of(makers or tuple(c.author_email for c in change.commits), roster)
    problem = approver_problem(who.claimed, person, roster, authors)
    if problem or person is None:
        problem = (problem or "").replace("no self-approval", "break-glass needs a second person")
        raise UsageError(f"cannot break glass: {problem}")
    if who.strength not in (Strength.SIGNED, Strength.FORGE):
        raise UsageError(
            f"cannot break glass as {person.id}: it lifts every requirement, so who does it "
            "must be proven: pass --key with your SSH key listed in people.yaml"
        )
    start = now or datetime.now(UTC)
    expires = (start + timedelta(hours=hours)).isoformat(timespec="seconds")
    entry: dict[str, Any] = {
        "who": person.id,
        "identity": who.as_dict(),
        "fingerprint": change.fingerprint,
        "reason": reason,
        "incident": incident,
        "expires": expires,
        "head": change.head,
        "branch": change.branch,
        "policy_version": policy_version,
        "policy_digest": policy_digest,
    }
    entry = sign_checked("break-glass", entry, who, person)
    ledger.append("break-glass", entry)
    return GlassBroken(entry["who"], change.fingerprint, incident, expires, entry)
