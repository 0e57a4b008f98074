"""People: every identity that made the change (authors, committers, ``Co-authored-by``
humans, the operator of the agent session that edited its files), looked up in the roster.

An approver who is any of them approves their own work. An identity the roster does not know
could be anyone, an approver too, so the change is treated as having an unknown author: the
author fact loses its level, and ``change.unknown_identities`` lets the policy ask for one more
approval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from countersign.config.roster import Person, Roster
from countersign.facts.context import Context
from countersign.facts.provenance.directory import directory_of
from countersign.intake.change import Change

_CO_AUTHOR = re.compile(
    r"^co-authored-by[ \t]*:[ \t]*[^<>\n]*<(?P<email>[^<>\s]+@[^<>\s]+)>[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
# Committers that are a forge acting for the author (GitHub's web edits and merges): the
# author is the person, and the forge is no one who could approve.
FORGE_COMMITTERS = ("noreply@github.com",)


@dataclass(frozen=True)
class ChangeIdentity:
    email: str
    role: str  # "author", "committer", "co-author", "operator"
    known: bool  # in the roster, or an agent address (agents never approve anyway)
    commit: str = ""


def identities(change: Change, context: Context) -> tuple[ChangeIdentity, ...]:
    """Each distinct address with the first role it was seen in."""
    roster = context.config.roster
    directory = directory_of(context)
    seen: dict[str, ChangeIdentity] = {}

    def add(email: str, role: str, commit: str = "") -> None:
        email = email.strip()
        if not email or email.lower() in seen:
            return
        low = email.lower()
        agent = low in roster.agent_emails or directory.by_address(low) is not None
        # Without a roster nobody can approve, so nobody can be an approver in disguise.
        known = not roster.people or agent or roster.find(email) is not None
        seen[low] = ChangeIdentity(email, role, known, commit)

    for commit in change.commits:
        add(commit.author_email, "author", commit.sha)
        if commit.committer_email.lower() not in FORGE_COMMITTERS:
            add(commit.committer_email, "committer", commit.sha)
        for match in _CO_AUTHOR.finditer(commit.message):
            add(match["email"], "co-author", commit.sha)
    touched = set(change.paths)
    for edit in context.agent_edits:
        if edit.operator and edit.path in touched:
            add(edit.operator, "operator")
    return tuple(seen.values())


def unknown_identities(found: tuple[ChangeIdentity, ...]) -> tuple[str, ...]:
    return tuple(i.email for i in found if not i.known)


def analyze(change: Change, context: Context) -> Person:
    roster = context.config.roster
    person = _author(change.author_email, roster)
    unknown = unknown_identities(identities(change, context))
    if unknown and not person.agent:
        # Someone the roster does not know took part: their level cannot be vouched for.
        return replace(person, level=None, teams=())
    return person


def _author(email: str | None, roster: Roster) -> Person:
    person = roster.find(email)
    if person is not None:
        return person
    agent = email is not None and email.lower() in roster.agent_emails
    return Person(id=email or "unknown", emails=(email,) if email else (), agent=agent)
