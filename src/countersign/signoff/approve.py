"""Approve the exact content of a change, or withdraw an approval: the ledger entries, after the
same eligibility checks the gate applies, so an approval that would not count is refused."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from countersign.config.roster import Person, Roster
from countersign.decision.policy import Policy
from countersign.decision.requirements import Kind, Requirement
from countersign.errors import UsageError
from countersign.intake.change import Change
from countersign.intake.pull_request import Review
from countersign.signoff.approvals import (
    FOLLOW_UP,
    Approval,
    BreakGlass,
    SignOffs,
    approver_problem,
    authors_of,
    ineligible,
)
from countersign.signoff.identity import Identity
from countersign.signoff.ledger import WITHDRAWN, Ledger, now_iso
from countersign.signoff.proof import proof_of, signed


@dataclass(frozen=True)
class Approved:
    """An approval as the ledger recorded it (``entry``), for ``requirements``."""

    approver: str
    identity: Identity
    fingerprint: str
    requirements: tuple[str, ...]
    entry: dict[str, Any]


@dataclass(frozen=True)
class Withdrawn:
    approver: str
    fingerprint: str
    entry: dict[str, Any]


def approve(
    ledger: Ledger,
    change: Change,
    roster: Roster,
    who: Identity,
    policy: Policy,
    *,
    signoffs: SignOffs,
    requirements: Sequence[Requirement] = (),
    requirement: str | None = None,
    note: str = "",
    now: datetime | None = None,
    makers: Sequence[str] | None = None,
    solo: bool = False,
) -> Approved:
    """Record ``who``'s approval of ``change`` for every requirement among ``requirements`` (the
    gate's, for this change) they may sign, only ``requirement`` when given, or the follow-up
    review of a break-glass (``FOLLOW_UP``), signed with ``who``'s key when they gave one.
    ``makers``: every address that made the change (``facts.people.identities``; default its
    commit authors). ``solo``: the author's own sign-off in a repository of one person, which
    the caller had GitHub confirm (``signoff.solo``). Raises ``UsageError`` when it would not
    count."""
    person = roster.find(who.claimed)
    authors = authors_of(tuple(makers or (c.author_email for c in change.commits)), roster)
    problem = approver_problem(who.claimed, person, roster, () if solo else authors)
    if problem or person is None:
        raise UsageError(f"cannot approve: {problem}")
    if requirement == FOLLOW_UP:
        targets = follow_up_targets(person.id, signoffs.break_glass, roster)
    else:
        approval = Approval(
            person.id,
            change.fingerprint,
            "",
            proof=who.proof,
            entry={"identity": who.as_dict()},
            solo=solo,
        )
        wanted = [r for r in requirements if r.kind is Kind.APPROVAL]
        targets = approval_targets(wanted, requirement, approval, roster, authors, policy.version)
    entry: dict[str, Any] = {
        "approver": person.id,
        "identity": who.as_dict(),
        "fingerprint": change.fingerprint,
        "requirements": targets,
        "level": person.level,
        "teams": list(person.teams),
        "note": note,
        "base": change.base,
        "head": change.head,
        "tree": change.tree,
        "branch": change.branch,
        "policy_version": policy.version,
        "policy_digest": policy.digest,
        "at": (now or datetime.now(UTC)).isoformat(timespec="microseconds"),
    }
    if who.key_file is not None:
        entry = sign_checked("approval", entry, who, person)
    ledger.append("approval", entry)
    return Approved(person.id, who, change.fingerprint, tuple(targets), entry)


def sign_checked(kind: str, entry: dict[str, Any], who: Identity, person: Person) -> dict[str, Any]:
    """Sign ``entry`` with ``who``'s key, then verify it as every later read will: a retired
    key is refused here, before anything is recorded."""
    if who.key_file is None:
        return entry
    out = signed(kind, entry, who.key_file)
    proof = proof_of(kind, out, person, now_iso())
    if proof.problem:
        raise UsageError(f"cannot sign: {proof.problem}")
    return out


def approval_targets(
    requirements: list[Requirement],
    wanted: str | None,
    approval: Approval,
    roster: Roster,
    authors: tuple[Person, ...],
    policy_version: str,
) -> list[str]:
    """The requirement ids this approval would count for (``wanted``: only that requirement
    or rule); ``UsageError`` saying why when none."""
    if not requirements:
        raise UsageError(
            f"cannot approve: change {approval.fingerprint[:19]} needs no approval under "
            f"policy version {policy_version}"
        )
    if wanted:
        match = [r for r in requirements if r.id == wanted or wanted in r.rule.split("+")]
        if not match:
            raise UsageError(
                f"cannot approve: this change has no requirement {wanted!r}; it needs "
                f"{', '.join(r.id for r in requirements)}"
            )
        requirements = match
    reasons = {r.id: ineligible(approval, r, roster, authors) for r in requirements}
    ok = [rid for rid, why in reasons.items() if why is None]
    if not ok:
        distinct = set(reasons.values())
        why = (
            str(next(iter(distinct)))
            if len(distinct) == 1 and len(reasons) > 1
            else "; ".join(f"{rid}: {reason}" for rid, reason in reasons.items())
        )
        raise UsageError(f"cannot approve: {why}")
    return ok


def follow_up_targets(approver: str, glass: tuple[BreakGlass, ...], roster: Roster) -> list[str]:
    """The follow-up review of a break-glass, by anyone but who broke the glass."""
    if not glass:
        raise UsageError("cannot approve: no break-glass was used on this change")
    for used in glass:
        person = roster.find(used.who)
        if used.who == approver or (person is not None and person.id == approver):
            raise UsageError(
                "cannot approve: the follow-up review of a break-glass must be by someone "
                f"other than {approver}, who broke the glass"
            )
    return [FOLLOW_UP]


def review_identity(roster: Roster, review: Review) -> Identity:
    """The approver of a GitHub review: the roster person with its ``github`` login."""
    person = roster.find_github(review.login)
    if person is None:
        raise UsageError(
            f"cannot approve: GitHub user {review.login} is not in .countersign/people.yaml "
            f"(add `github: {review.login}` to their entry, on the base branch)"
        )
    return Identity(person.id, "github-review")


def review_note(review: Review) -> str:
    return f"GitHub review {review.url}" if review.url else f"GitHub review on #{review.number}"


def withdraw(
    ledger: Ledger, change: Change, person: Person, identity: Identity, note: str
) -> Withdrawn:
    """``person``'s approvals of this exact content stop counting until they approve again."""
    entry: dict[str, Any] = {
        "approver": person.id,
        "fingerprint": change.fingerprint,
        "identity": identity.as_dict(),
        "note": note,
        "base": change.base,
        "head": change.head,
    }
    ledger.append(WITHDRAWN, entry)
    return Withdrawn(person.id, change.fingerprint, entry)
