"""Match recorded sign-offs against requirements, enforcing who may sign what.

The rules live here, not in convention: no self-approval, no agent identity, approvers must be
in the roster with the required level and team, and two-person rules count distinct humans.
"""

from __future__ import annotations

from dataclasses import dataclass

from countersign.config.roster import Person, Roster, level_rank
from countersign.decision.requirements import Kind, Requirement


@dataclass(frozen=True)
class Approval:
    approver: str
    fingerprint: str
    at: str
    requirement: str | None = None
    note: str = ""


@dataclass(frozen=True)
class ChangeRecord:
    fingerprint: str
    fields: dict[str, str]
    author: str = ""


@dataclass(frozen=True)
class BreakGlass:
    fingerprint: str
    who: str
    reason: str
    incident: str
    expires: str


@dataclass(frozen=True)
class SignOffs:
    """Everything recorded for one fingerprint."""

    approvals: tuple[Approval, ...] = ()
    records: tuple[ChangeRecord, ...] = ()
    break_glass: tuple[BreakGlass, ...] = ()


def apply_signoffs(
    requirements: tuple[Requirement, ...],
    signoffs: SignOffs,
    roster: Roster,
    author: Person,
    owners: tuple[str, ...],
    checks: dict[str, str] | None = None,
) -> tuple[Requirement, ...]:
    if signoffs.break_glass:
        bg = signoffs.break_glass[-1]
        note = f"break-glass by {bg.who} ({bg.incident}): {bg.reason}"
        return tuple(r.met((note,)) for r in requirements)
    out: list[Requirement] = []
    for req in requirements:
        if req.kind is Kind.APPROVAL:
            out.append(_approval(req, signoffs.approvals, roster, author, owners))
        elif req.kind is Kind.CHANGE_RECORD:
            out.append(_record(req, signoffs.records))
        elif req.kind is Kind.CHECKS:
            failing = [c for c in req.checks if (checks or {}).get(c) != "success"]
            out.append(req.met(req.checks, f"not green: {', '.join(failing)}" if failing else ""))
        else:
            out.append(req.met((), "blocked by policy; only break-glass overrides it"))
    return tuple(out)


def eligible(approval: Approval, req: Requirement, roster: Roster, author: Person) -> str | None:
    """Why this approval does not count for the requirement, or None when it does."""
    person = roster.find(approval.approver)
    if person is None:
        return f"{approval.approver} is not in the roster"
    if person.agent:
        return f"{person.id} is an agent identity"
    if person.id == author.id or set(map(str.lower, person.emails)) & set(
        map(str.lower, author.emails)
    ):
        return f"{person.id} is the author"
    if req.min_level and level_rank(person.level) < level_rank(req.min_level):
        return f"{person.id} is {person.level or 'unlevelled'}, below {req.min_level}"
    if req.teams and not set(req.teams) & set(person.teams):
        return f"{person.id} is not in team {', '.join(req.teams)}"
    if approval.requirement and approval.requirement not in (req.id, req.rule):
        return f"approval was for {approval.requirement}"
    return None


def _approval(
    req: Requirement,
    approvals: tuple[Approval, ...],
    roster: Roster,
    author: Person,
    owners: tuple[str, ...],
) -> Requirement:
    people: dict[str, Person] = {}
    for approval in approvals:
        if eligible(approval, req, roster, author) is None:
            person = roster.find(approval.approver)
            if person is not None:
                people.setdefault(person.id, person)
    have = len(people)
    missing = ""
    if have < req.count:
        missing = f"{have} of {req.count} approvals"
    elif (
        "from_owners" in req.fields
        and owners
        and not any(set(p.teams) & set(owners) for p in people.values())
    ):
        missing = f"none of the approvers is in the owning team ({', '.join(owners)})"
    return req.met(tuple(sorted(people)), missing)


def _record(req: Requirement, records: tuple[ChangeRecord, ...]) -> Requirement:
    merged: dict[str, str] = {}
    for record in records:
        merged.update({k: v for k, v in record.fields.items() if v.strip()})
    absent = [f for f in req.fields if f not in merged]
    return req.met(
        ("change record",) if not absent else (),
        f"change record lacks {', '.join(absent)}" if absent else "",
    )
