"""Who may approve one agent action, checked when the approval is given and again when the
guard spends it: a human in the roster at the protected base (not the working tree an agent
can edit), not the operator of the session that asked, proven as strongly as the policy there
asks (by default an SSH signature over the action's statement)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from countersign.config import CONFIG_DIR
from countersign.config.roster import Roster, load_roster
from countersign.decision.policy import PROVEN, default_policy_text, load_policy
from countersign.errors import InputError
from countersign.intake import git
from countersign.signoff.proof import proof_of

KIND = "guard-approval"
# Where the rules others build on live: the first of these that exists. An agent editing the
# working tree, or committing on its own branch, changes none of them.
BASES = ("refs/remotes/origin/HEAD", "refs/heads/main", "refs/heads/master", "HEAD")


@dataclass(frozen=True)
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
