"""Match recorded sign-offs against requirements, enforcing who may sign what.

The rules live here, not in convention: no self-approval (no identity that made the change:
author, committer, co-author, agent session operator), no agent identity (``agents:`` in the
roster or ``agent: true``), approvers in the roster with the required level and team as the
roster at the base says now (never as an entry claims), an identity proven as strongly as the
requirement asks (``signoff.proof``), and two-person rules count distinct humans. The same
``ineligible`` check rejects an approval at ``approve`` time and ignores one at check time (a
ledger written by hand cannot sneak one in).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from countersign.config.roster import Person, Roster, level_rank
from countersign.decision.requirements import Kind, Requirement
from countersign.signoff.proof import Proof, Strength, proof_of

FOLLOW_UP = "break-glass/follow-up"
ADMIN = "admin"  # GitHub's repository permission of an administrator


@dataclass(frozen=True)
class Approval:
    approver: str
    fingerprint: str
    at: str
    requirement: str | None = None  # first version: one requirement or rule id
    note: str = ""
    requirements: tuple[str, ...] = ()  # requirement or rule ids; empty: every one
    level: str | None = None  # as the entry recorded them: shown, never trusted
    teams: tuple[str, ...] | None = None
    proof: Proof | None = None  # None until checked against the roster (``proven``)
    entry: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # The author's own sign-off in a repository of one person, as GitHub confirmed it: set only
    # by ``signoff.solo`` once every condition holds, never read from the entry.
    solo: bool = False

    @property
    def strength(self) -> str:
        return str(self.proof.strength) if self.proof else str(Strength.ASSERTED)

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
    entry: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class BreakGlass:
    fingerprint: str
    who: str
    reason: str
    incident: str
    expires: str
    proof: Proof | None = None
    entry: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

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


def proven(signoffs: SignOffs, roster: Roster) -> SignOffs:
    """Each approval and break-glass with its proof, checked against the roster's keys; a
    change record whose signature fails (edited after signing) is left out."""
    return replace(
        signoffs,
        approvals=tuple(with_proof(a, roster) for a in signoffs.approvals),
        records=tuple(
            r
            for r in signoffs.records
            if not proof_of(
                "change-record", r.entry, roster.find(r.author), str(r.entry.get("at", ""))
            ).problem
        ),
        break_glass=tuple(
            b
            if b.proof
            else replace(b, proof=proof_of("break-glass", b.entry, roster.find(b.who), _at(b)))
            for b in signoffs.break_glass
        ),
    )


def with_proof(approval: Approval, roster: Roster) -> Approval:
    if approval.proof is not None:
        return approval
    person = roster.find(approval.approver)
    return replace(approval, proof=proof_of("approval", approval.entry, person, approval.at))


def _at(glass: BreakGlass) -> str:
    return str(glass.entry.get("at", ""))


def approval_facts(
    signoffs: SignOffs, roster: Roster, authors: tuple[Person, ...]
) -> list[dict[str, Any]]:
    """The policy's ``approvals`` fact: each approval of this content by someone who may
    approve it at all (in the roster, not an agent, did not make the change, a signature that
    verifies), with its strength and the roster's level, rank and teams, never the entry's. An
    approval the gate would ignore is not there, so it cannot make a rule fire or not."""
    out: list[dict[str, Any]] = []
    for approval in proven(signoffs, roster).approvals:
        person = roster.find(approval.approver)
        makers = () if approval.solo else authors
        if person is None or approver_problem(approval.approver, person, roster, makers):
            continue
        if approval.proof is not None and approval.proof.problem:
            continue
        out.append(
            {
                "approver": person.id,
                "strength": approval.strength,
                "level": person.level or "",
                "rank": level_rank(person.level),
                "teams": list(person.teams),
            }
        )
    return out


def authors_of(emails: tuple[str, ...], roster: Roster) -> tuple[Person, ...]:
    """Every identity that made the change (authors, committers, co-authors, operators), as
    roster people where known."""
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
    """Why this approval does not count for the requirement, or None when it does. Level and
    teams are the roster's, never the entry's: a ledger entry cannot promote its approver."""
    person = roster.find(approval.approver)
    makers = () if approval.solo else authors  # a solo sign-off is the author's by definition
    problem = approver_problem(approval.approver, person, roster, makers)
    if problem or person is None:
        return problem
    proof = with_proof(approval, roster).proof
    if proof is not None and proof.problem:
        return proof.problem
    strength = str(proof.strength) if proof else str(Strength.ASSERTED)
    if req.admins and not by_admin(approval.entry, proof):
        return (
            f"{person.id}'s approval is not a repository administrator's review confirmed by "
            "GitHub: the branch this change lands on has no roster yet, so the roster it brings "
            "counts only for an administrator's review (`approve --from-review` in the Action)"
        )
    if strength not in req.identities:
        return (
            f"{person.id}'s approval is {strength} ({_how(strength)}); this requirement "
            f"accepts {' or '.join(req.identities)} approvals: sign with `--key` and your "
            "SSH key in people.yaml"
        )
    level, teams = person.level, person.teams
    if req.min_level and level_rank(level) < level_rank(req.min_level):
        return f"{person.id} is {level or 'unlevelled'}, below {req.min_level}"
    if req.teams and not set(req.teams) & set(teams):
        return f"{person.id} is not in team {', '.join(req.teams)}"
    if not approval.covers(req):
        named = approval.requirements or (approval.requirement or "",)
        return f"{person.id} approved {', '.join(named)} only"
    return None


def by_admin(entry: Mapping[str, Any], proof: Proof | None) -> bool:
    """The entry is a review GitHub confirmed, by someone GitHub reported as an administrator of
    the repository when it was recorded (``signoff.forge``)."""
    identity = entry.get("identity")
    return (
        proof is not None
        and proof.strength is Strength.FORGE
        and isinstance(identity, Mapping)
        and identity.get("source") == "forge"
        and identity.get("permission") == ADMIN
    )


def _how(strength: str) -> str:
    return {
        "asserted": "a name given, not proven",
        "forge": "proven by the forge",
        "signed": "signed",
    }.get(strength, strength)


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
    admins_only: bool = False,
) -> tuple[Requirement, ...]:
    """``admins_only``: an adoption change, which no break-glass lifts: its roster is its
    author's word, so anyone it lists (a sock puppet included) could break the glass; the way
    through is an administrator's review GitHub confirms (docs/adopting.md)."""
    everyone = (author, *authors)
    signoffs = proven(signoffs, roster)
    glass = valid_glass(signoffs.break_glass, roster, everyone, now or datetime.now(UTC))
    if admins_only:
        glass = []
    out: list[Requirement] = []
    for req in requirements:
        if glass and req.glass:
            bg = glass[-1]
            out.append(
                req.met(
                    (f"break-glass by {bg.who} ({bg.incident}) until {bg.expires}: {bg.reason}",)
                )
            )
        elif req.kind is Kind.APPROVAL:
            out.append(_approval(req, signoffs.approvals, roster, everyone, owners))
        elif req.kind is Kind.CHANGE_RECORD:
            out.append(_record(req, signoffs.records))
        elif req.kind is Kind.CHECKS:
            failing = [c for c in req.checks if (checks or {}).get(c) != "success"]
            out.append(req.met(req.checks, f"not green: {', '.join(failing)}" if failing else ""))
        else:
            why = (
                "blocked by policy; only break-glass overrides it"
                if req.glass
                else "blocked; break-glass does not lift it"
            )
            out.append(req.met((), why))
    return tuple(out)


def glass_problem(glass: BreakGlass, roster: Roster, authors: tuple[Person, ...]) -> str | None:
    """Why a break-glass lifts nothing: it must come, proven (signed or from the forge), from
    someone in the roster who is not an agent and did not make the change (two people: the
    author and the one who breaks it)."""
    person = roster.find(glass.who)
    problem = approver_problem(glass.who, person, roster, authors)
    if problem:
        return problem.replace("no self-approval", "no breaking the glass on one's own change")
    proof = glass.proof or proof_of("break-glass", glass.entry, person, _at(glass))
    if proof.problem:
        return proof.problem
    if proof.strength not in (Strength.SIGNED, Strength.FORGE):
        return f"the break-glass by {glass.who} is {proof.strength}, not signed with their key"
    return None


def valid_glass(
    glasses: tuple[BreakGlass, ...], roster: Roster, authors: tuple[Person, ...], now: datetime
) -> list[BreakGlass]:
    return [b for b in glasses if b.active(now) and glass_problem(b, roster, authors) is None]


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
    # a solo sign-off: the roster names one person, so there is nobody to count twice
    have = req.count if any(a.solo for _, a in people.values()) else len(people)
    missing = ""
    if have < req.count:
        missing = (
            f"no approval yet, {req.count} needed"
            if not have
            else f"{have} of {req.count} approvals given"
        )
    elif (
        "from_owners" in req.fields
        and owners
        and not any(set(p.teams) & set(owners) for p, _ in people.values())
    ):
        missing = f"none of the approvers is in the owning team ({', '.join(owners)})"
    by = tuple(sorted(people))
    return replace(req.met(by, missing), strengths=tuple(people[p][1].strength for p in by))


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
