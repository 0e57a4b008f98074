"""Solo sign-offs: a repository whose only collaborator on GitHub is its one administrator has
nobody else to review, so that person's own sign-off counts, confirmed by GitHub (the pull
request is theirs, at this commit; they are the only collaborator and an administrator; the
job's OIDC token says it was their ``pull_request`` job), while the roster judging the change
names that one human and nobody else made the change (agents aside). From the change that adds
a second person to the roster on, changes are reviewed as anywhere else."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from countersign.config.forge import Forge
from countersign.config.roster import Person, Roster
from countersign.signoff.approvals import ADMIN, SignOffs, is_agent


def only_person(roster: Roster) -> Person | None:
    """The one human ``roster`` names, or None when it names none or several."""
    humans = [p for p in roster.people if not p.agent]
    return humans[0] if len(humans) == 1 else None


def other_makers(person: Person, authors: tuple[Person, ...], roster: Roster) -> list[str]:
    """Who else, besides ``person`` and agents, made the change."""
    mine = {person.id.lower(), *(e.lower() for e in person.emails)}
    return [
        a.id
        for a in authors
        if not is_agent(roster.find(a.id), a.id, roster)
        and not mine & {a.id.lower(), *(e.lower() for e in a.emails)}
    ]


def with_solo(
    signoffs: SignOffs, roster: Roster, forge: Forge, authors: tuple[Person, ...]
) -> SignOffs:
    """``signoffs`` with each solo sign-off that holds marked ``solo`` (counted though its
    approver made the change); any other is left for the usual rules, which refuse it."""
    person = only_person(roster)
    if person is None or other_makers(person, authors, roster):
        return signoffs
    return replace(
        signoffs,
        approvals=tuple(
            replace(a, solo=True) if holds(a.entry, person, forge) else a
            for a in signoffs.approvals
        ),
    )


def holds(entry: Mapping[str, Any], person: Person, forge: Forge) -> bool:
    """The entry is ``person``'s forge sign-off, GitHub having named their login as the only
    collaborator and an administrator, at the pinned ``forge``, through the job's OIDC token."""
    identity = entry.get("identity")
    evidence = identity.get("forge") if isinstance(identity, Mapping) else None
    if not isinstance(identity, Mapping) or not isinstance(evidence, Mapping):
        return False
    solo = evidence.get("solo")
    collaborators = solo.get("collaborators") if isinstance(solo, Mapping) else None
    return (
        entry.get("approver") == person.id
        and identity.get("source") == "forge"
        and identity.get("permission") == ADMIN
        and bool(person.github)
        and isinstance(collaborators, list)
        and [str(c).lower() for c in collaborators] == [person.github.lower()]
        and str(evidence.get("login") or "").lower() == person.github.lower()
        and bool(forge.repository)
        and str(evidence.get("repository") or "").lower() == forge.repository.lower()
        and str(evidence.get("api") or "").rstrip("/").lower() == forge.api.rstrip("/").lower()
        and isinstance(evidence.get("oidc"), Mapping)
    )
