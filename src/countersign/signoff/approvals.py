"""Match recorded sign-offs against requirements, enforcing who may sign what.

The rules live here, not in convention: no self-approval (no author of any commit in the
change), no agent identity (``agents:`` in the roster or ``agent: true``), approvers in the
roster with the required level and team as recorded at the time of approval, and two-person
rules count distinct humans. The same ``ineligible`` check rejects an approval at ``approve``
time and ignores one at check time (a ledger written by hand cannot sneak one in).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from countersign.config.roster import Person, Roster, level_rank
from countersign.decision.requirements import Kind, Requirement

FOLLOW_UP = "break-glass/follow-up"


@dataclass(frozen=True)
class Approval:
    approver: str
    fingerprint: str
    at: str
    requirement: str | None = None  # first version: one requirement or rule id
    note: str = ""
    requirements: tuple[str, ...] = ()  # requirement or rule ids; empty: every one
    level: str | None = None  # the approver's level and teams when they approved
    teams: tuple[str, ...] | None = None

    def covers(self, req: Requirement) -> bool:
        wanted = (*self.requirements, *((self.requirement,) if self.requirement else ()))
        if not wanted:
            return True
        return req.id in wanted or bool(set(req.rule.split("+")) & set(wanted))


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

    def active(self, now: datetime) -> bool:
        try:
            until = datetime.fromisoformat(self.expires)
        except ValueError:
            return False
        return now < (until if until.tzinfo else until.replace(tzinfo=UTC))


@dataclass(frozen=True)
class SignOffs:
    """Everything recorded for one fingerprint."""

    approvals: tuple[Approval, ...] = ()
    records: tuple[ChangeRecord, ...] = ()
    break_glass: tuple[BreakGlass, ...] = ()


def authors_of(emails: tuple[str, ...], roster: Roster) -> tuple[Person, ...]:
    """Every author of the change's commits, as roster people where known."""
    out: dict[str, Person] = {}
    for email in emails:
        person = roster.find(email) or Person(id=email, emails=(email,))
        out.setdefault(person.id, person)
    return tuple(out.values())


def is_agent(person: Person | None, identity: str, roster: Roster) -> bool:
    emails = {identity.lower(), *(e.lower() for e in (person.emails if person else ()))}
    return bool(person and person.agent) or bool(emails & set(roster.agent_emails))


def is_author(person: Person, authors: tuple[Person, ...]) -> bool:
    mine = {person.id.lower(), *(e.lower() for e in person.emails)}
    return any(mine & {a.id.lower(), *(e.lower() for e in a.emails)} for a in authors)


def approver_problem(
    identity: str, person: Person | None, roster: Roster, authors: tuple[Person, ...]
) -> str | None:
    """Why this identity may not approve this change at all, or None."""
    if is_agent(person, identity, roster):
        return f"{identity} is an agent identity; agents never approve"
    if person is None:
        return (
            f"{identity} is not in the roster (.countersign/people.yaml as of the base revision; "
            "a roster change counts once it is merged)"
        )
    if is_author(person, authors):
        return f"{person.id} is an author of this change; no self-approval"
    return None


def ineligible(
    approval: Approval, req: Requirement, roster: Roster, authors: tuple[Person, ...]
) -> str | None:
    """Why this approval does not count for the requirement, or None when it does."""
    person = roster.find(approval.approver)
    problem = approver_problem(approval.approver, person, roster, authors)
    if problem or person is None:
        return problem
    level = approval.level if approval.teams is not None else person.level
    teams = approval.teams if approval.teams is not None else person.teams
    if req.min_level and level_rank(level) < level_rank(req.min_level):
        return f"{person.id} is {level or 'unlevelled'}, below {req.min_level}"
    if req.teams and not set(req.teams) & set(teams):
        return f"{person.id} is not in team {', '.join(req.teams)}"
    if not approval.covers(req):
        named = approval.requirements or (approval.requirement or "",)
        return f"{person.id} approved {', '.join(named)} only"
    return None


def eligible(approval: Approval, req: Requirement, roster: Roster, author: Person) -> str | None:
    """First-version name, kept for callers: ``ineligible`` with one author."""
    return ineligible(approval, req, roster, (author,))


def apply_signoffs(
    requirements: tuple[Requirement, ...],
    signoffs: SignOffs,
    roster: Roster,
    author: Person,
    owners: tuple[str, ...],
    checks: dict[str, str] | None = None,
    *,
    authors: tuple[Person, ...] = (),
    now: datetime | None = None,
) -> tuple[Requirement, ...]:
    everyone = (author, *authors)
    glass = [b for b in signoffs.break_glass if b.active(now or datetime.now(UTC))]
    if glass:
        bg = glass[-1]
        note = f"break-glass by {bg.who} ({bg.incident}) until {bg.expires}: {bg.reason}"
        return tuple(r.met((note,)) for r in requirements)
    out: list[Requirement] = []
    for req in requirements:
        if req.kind is Kind.APPROVAL:
            out.append(_approval(req, signoffs.approvals, roster, everyone, owners))
        elif req.kind is Kind.CHANGE_RECORD:
            out.append(_record(req, signoffs.records))
        elif req.kind is Kind.CHECKS:
            failing = [c for c in req.checks if (checks or {}).get(c) != "success"]
            out.append(req.met(req.checks, f"not green: {', '.join(failing)}" if failing else ""))
        else:
            out.append(req.met((), "blocked by policy; only break-glass overrides it"))
    return tuple(out)


def _approval(
    req: Requirement,
    approvals: tuple[Approval, ...],
    roster: Roster,
    authors: tuple[Person, ...],
    owners: tuple[str, ...],
) -> Requirement:
    people: dict[str, tuple[Person, Approval]] = {}
    for approval in approvals:
        person = roster.find(approval.approver)
        if person is not None and ineligible(approval, req, roster, authors) is None:
            people.setdefault(person.id, (person, approval))  # distinct humans
    have = len(people)
    missing = ""
    if have < req.count:
        missing = f"{have} of {req.count} approvals"
    elif "from_owners" in req.fields and owners:
        teams = [a.teams if a.teams is not None else p.teams for p, a in people.values()]
        if not any(set(t) & set(owners) for t in teams):
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


@dataclass(frozen=True)
class FollowUp:
    """A break-glass that still waits for its review by a second person."""

    fingerprint: str
    who: str
    incident: str
    reason: str
    at: str
    branch: str


def open_follow_ups(entries: list[dict[str, object]]) -> tuple[FollowUp, ...]:
    reviewed = {
        str(e.get("fingerprint"))
        for e in entries
        if e.get("kind") == "approval" and FOLLOW_UP in (e.get("requirements") or ())  # type: ignore[operator]
    }
    return tuple(
        FollowUp(
            str(e.get("fingerprint")),
            str(e.get("who")),
            str(e.get("incident")),
            str(e.get("reason")),
            str(e.get("at")),
            str(e.get("branch") or ""),
        )
        for e in entries
        if e.get("kind") == "break-glass" and str(e.get("fingerprint")) not in reviewed
    )
