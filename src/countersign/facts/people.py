"""People: who wrote the change, looked up in the roster (level, team, agent or human)."""

from __future__ import annotations

from countersign.config.roster import Person
from countersign.facts.context import Context
from countersign.intake.change import Change


def analyze(change: Change, context: Context) -> Person:
    roster = context.config.roster
    email = change.author_email
    person = roster.find(email)
    if person is not None:
        return person
    agent = email is not None and email.lower() in roster.agent_emails
    return Person(id=email or "unknown", emails=(email,) if email else (), agent=agent)
