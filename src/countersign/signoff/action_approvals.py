"""Who may approve one agent action, checked when the approval is given and again when the
guard spends it: a human in the roster at the protected base (not the working tree an agent
can edit), not the operator of the session that asked, proven as strongly as the policy there
asks (by default an SSH signature over the action's statement)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from countersign.config import CONFIG_DIR
from countersign.config.roster import Roster, level_rank, load_roster
from countersign.decision.policy import PROVEN, default_policy_text, load_policy
from countersign.errors import InputError, UsageError
from countersign.intake import git
from countersign.records import record
from countersign.signoff.proof import proof_of

if TYPE_CHECKING:
    from countersign.signoff.identity import Identity
    from countersign.signoff.ledger import Ledger

KIND = "guard-approval"
DECISION = "guard-decision"
# Where the rules others build on live: the first of these that exists. An agent editing the
# working tree, or committing on its own branch, changes none of them.
BASES = ("refs/remotes/origin/HEAD", "refs/heads/main", "refs/heads/master", "HEAD")


@record(frozen=True)
class ProtectedConfig:
    roster: Roster
    identities: tuple[str, ...]
    revision: str


def protected_config(root: Path | None) -> ProtectedConfig:
    """The roster and accepted identity strengths at the protected base of ``root``."""
    if root is None:
        return ProtectedConfig(Roster(), PROVEN, "")
    for ref in BASES:
        try:
            rev = git.git(root, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}").decode().strip()
        except InputError:
            continue
        if rev:
            people = _show(root, rev, "people.yaml")
            policy = _show(root, rev, "policy.yaml")
            roster = load_roster(people) if people is not None else Roster()
            accepted = load_policy(policy or default_policy_text()).identities
            return ProtectedConfig(roster, accepted, rev)
    return ProtectedConfig(Roster(), PROVEN, "")


def _show(root: Path, rev: str, name: str) -> str | None:
    try:
        return git.git(root, "show", f"{rev}:{CONFIG_DIR}/{name}").decode("utf-8", "replace")
    except InputError:
        return None


def same_person(roster: Roster, person_id: str, other: str) -> bool:
    found = roster.find(other)
    if found is not None:
        return found.id == person_id
    mine = roster.find(person_id)
    return other.lower() in {person_id.lower(), *(e.lower() for e in (mine.emails if mine else ()))}


def approval_problem(entry: Mapping[str, Any], config: ProtectedConfig) -> str | None:
    """Why a recorded action approval must not be spent, or None."""
    roster = config.roster
    who = str(entry.get("approver", ""))
    person = roster.find(who)
    if person is None:
        return f"{who} is not in people.yaml at the protected base"
    if person.agent or who.lower() in roster.agent_emails:
        return f"{person.id} is an agent identity"
    if same_person(roster, person.id, str(entry.get("operator", ""))):
        return f"{person.id} runs the agent session that asked"
    proof = proof_of(KIND, entry, person, str(entry.get("at", "")))
    if proof.problem:
        return proof.problem
    if str(proof.strength) not in config.identities:
        return f"{person.id}'s approval is {proof.strength}, not {' or '.join(config.identities)}"
    return None


@record(frozen=True)
class ActionApproved:
    """One recorded approval of an agent action: who, as what ``who``, until ``expires``
    (ISO 8601), for the guard's ``asked`` decision entry."""

    approver: str
    who: Identity
    asked: Mapping[str, Any]
    expires: str
    entry: dict[str, Any]


def approve_action(
    ledger: Ledger,
    root: Path | None,
    action: str,
    *,
    identity: str | None,
    key_file: Path | None,
    note: str,
    approver_level: str | None,
    ttl_seconds: int,
    now: datetime,
) -> ActionApproved:
    """Record ``identity``'s approval of the agent action ``action`` the guard asked about (or
    denied) in ``ledger``, once, for ``ttl_seconds`` from ``now``: checked against the roster
    and policy at the protected base of ``root`` and guard.yaml's ``approver_level``. Raises
    ``InputError`` when no such action was asked, ``UsageError`` when the approval would not
    count."""
    # Imported here: the guard reads this module on its hot path, approving is rare.
    from countersign.signoff.approve import sign_checked
    from countersign.signoff.identity import identity_from

    asked = [
        e
        for e in ledger.entries(DECISION)
        if e.get("action") == action.strip().lower() and e.get("decision") in ("ask", "deny")
    ]
    if not asked:
        raise InputError(
            f"no guarded agent action {action!r} here; copy the id from the agent's message "
            "and run this in the same repository"
        )
    wanted = asked[-1]
    protected = protected_config(root)
    roster = protected.roster
    if not roster.people:
        raise UsageError(
            "no roster: add the people who may approve to .countersign/people.yaml "
            "(`countersign init` writes a starter) and commit it on the main branch"
        )
    who = identity_from(root, identity, roster, key_file)
    person = roster.find(who.claimed)
    if person is None:
        raise UsageError(
            f"{who.claimed} is not in .countersign/people.yaml (as committed on the main "
            "branch); only people there may approve"
        )
    if person.agent:
        raise UsageError(f"{person.id} is an agent identity; a human must approve agent actions")
    operator = str(wanted.get("operator", ""))
    if same_person(roster, person.id, operator):
        raise UsageError(
            f"{person.id} runs the agent session that asked; the two-person rule needs someone else"
        )
    if approver_level and level_rank(person.level) < level_rank(approver_level):
        raise UsageError(
            f"{person.id} is {person.level or 'unlevelled'}; guard.yaml asks for "
            f"{approver_level} or above"
        )
    if str(who.strength) not in protected.identities:
        raise UsageError(
            f"cannot approve as {person.id}: an action approval must be "
            f"{' or '.join(protected.identities)}; pass --key with your SSH key listed in "
            "people.yaml"
        )
    until = _stamp(now + timedelta(seconds=ttl_seconds))
    payload = {
        "action": wanted["action"],
        "fingerprint": wanted["fingerprint"],
        "approver": person.id,
        "identity": who.as_dict(),
        "operator": operator,
        "note": note,
        "at": _stamp(now),
        "expires": until,
    }
    if who.key_file is not None:
        payload = sign_checked(KIND, payload, who, person)
    ledger.append(KIND, payload)
    return ActionApproved(person.id, who, wanted, until, payload)


def _stamp(at: datetime) -> str:
    """As the guard stamps its entries (``guard.action.stamp``)."""
    return at.isoformat(timespec="microseconds")
