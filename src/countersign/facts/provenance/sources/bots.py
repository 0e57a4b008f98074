"""Bot identities: a commit authored or committed by an agent's app account (high), or by a bot
that is not an agent (reported, so the fusion can call an agent trailer on it suspect)."""

from __future__ import annotations

from collections.abc import Iterator

from countersign.facts.context import Context
from countersign.facts.provenance.directory import directory_of
from countersign.facts.provenance.records import Confidence, Signal
from countersign.intake.change import Change

NON_AGENT_BOT = "non-agent-bot"


def signals(change: Change, context: Context) -> Iterator[Signal]:
    directory = directory_of(context)
    roster_agents = set(context.config.roster.agent_emails)
    for commit in change.commits:
        where = f"commit {commit.sha[:12]}"
        identities = (
            ("author", commit.author_name, commit.author_email),
            ("committer", commit.committer_name, commit.committer_email),
        )
        seen: set[str] = set()
        for role, name, email in identities:
            if email.lower() in seen:
                continue
            seen.add(email.lower())
            agent = directory.by_address(email)
            if agent is not None:
                yield Signal(
                    "agent-bot",
                    Confidence.HIGH,
                    f"{where} {role}",
                    f"{role} {name} <{email}> is the {agent.id} agent",
                    agent.id,
                    commit.sha,
                )
            elif email.lower() in roster_agents:
                yield Signal(
                    "roster-agent",
                    Confidence.HIGH,
                    f"{where} {role}",
                    f"{role} {name} <{email}> is listed as an agent in people.yaml",
                    name or email,
                    commit.sha,
                )
            elif (bot := directory.is_non_agent_bot(email, name)) is not None and role == "author":
                yield Signal(
                    NON_AGENT_BOT,
                    Confidence.NONE,
                    f"{where} {role}",
                    f"{role} {name} <{email}> is {bot}, a bot that is not a coding agent",
                    commit=commit.sha,
                )
