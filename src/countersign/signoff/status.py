"""Where a change stands: the approvals on its exact content and why any of them do not count,
approvals left stale by a content change of its branch, and break-glass reviews still due."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from countersign.config.roster import Roster
from countersign.decision.requirements import Kind, Requirement
from countersign.intake.change import Change
from countersign.intake.fingerprint import superseded_reason
from countersign.signoff.approvals import (
    FollowUp,
    SignOffs,
    authors_of,
    ineligible,
    open_follow_ups,
    with_proof,
)


@dataclass(frozen=True)
class Counted:
    """One approval of this content: which requirements it counts for, or why it is ignored."""

    approver: str
    at: str
    counts_for: tuple[str, ...]
    ignored: str
    identity: str = "asserted"  # how the approver proved who they are (``signoff.proof``)


@dataclass(frozen=True)
class Stale:
    """An approval given to earlier content of the same branch."""

    approver: str
    at: str
    fingerprint: str
    why: str = "given to earlier content of this branch"


@dataclass(frozen=True)
class Standing:
    """The sign-off side of where a change stands (the gate's evaluation is the other)."""

    approvals: tuple[Counted, ...]
    stale: tuple[Stale, ...]
    follow_ups: tuple[FollowUp, ...]


def standing(
    change: Change,
    requirements: Sequence[Requirement],
    signoffs: SignOffs,
    entries: Sequence[Mapping[str, Any]],
    roster: Roster,
    makers: Sequence[str] = (),
) -> Standing:
    """``requirements``: what the policy asks of ``change`` (the gate's decision); ``signoffs``:
    what is recorded for its fingerprint; ``entries``: every ledger entry (for stale approvals
    and follow-ups across changes); ``makers``: every address that made the change
    (``Facts.identities``; default its commit authors)."""
    authors = authors_of(tuple(makers) or tuple(c.author_email for c in change.commits), roster)
    wanted = [r for r in requirements if r.kind is Kind.APPROVAL]
    standings = []
    for approval in (with_proof(a, roster) for a in signoffs.approvals):
        why = [ineligible(approval, r, roster, authors) for r in wanted]
        counted = tuple(r.id for r, w in zip(wanted, why, strict=True) if w is None)
        ignored = "" if counted else "; ".join(sorted({w for w in why if w}))
        how = approval.strength
        if approval.solo:
            how += ", solo: GitHub confirmed them as the only collaborator and an administrator"
        standings.append(Counted(approval.approver, approval.at, counted, ignored, how))
    return Standing(
        approvals=tuple(standings),
        stale=stale_approvals(change, entries),
        follow_ups=open_follow_ups([dict(e) for e in entries]),
    )


def stale_approvals(change: Change, entries: Sequence[Mapping[str, Any]]) -> tuple[Stale, ...]:
    """Approvals of other content on ``change``'s branch: a push after them voided them."""
    return tuple(
        Stale(
            e["approver"],
            e.get("at", ""),
            e["fingerprint"],
            superseded_reason(str(e["fingerprint"])) or "given to earlier content of this branch",
        )
        for e in entries
        if e["kind"] == "approval"
        and change.branch
        and e.get("branch") == change.branch
        and e.get("fingerprint") != change.fingerprint
    )
