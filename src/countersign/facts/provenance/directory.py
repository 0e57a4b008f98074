"""The agent directory: addresses, bot logins, branch prefixes and names of coding agents, kept
as data (``agents.yaml`` in the package) that a repository extends with
``.countersign/provenance.yaml``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from countersign.config.yamlfile import (
    expect_list,
    expect_mapping,
    expect_str,
    expect_str_list,
    parse_yaml,
    reject_unknown,
)

if TYPE_CHECKING:
    from countersign.facts.context import Context

FILE = "provenance.yaml"
_NOREPLY = re.compile(r"^(?:\d+\+)?(?P<login>[^@]+)@users\.noreply\.github\.com$", re.IGNORECASE)
_LISTS = ("names", "mentions", "addresses", "bots", "branches")


@dataclass(frozen=True)
class Agent:
    id: str
    names: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    bots: tuple[str, ...] = ()
    branches: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgentDirectory:
    agents: tuple[Agent, ...] = ()
    non_agent_bots: tuple[str, ...] = ()
    non_agent_addresses: tuple[str, ...] = ()
    pr_labels: tuple[str, ...] = ()

    def by_address(self, email: str) -> Agent | None:
        """The agent behind a commit address: a listed address, or a GitHub noreply address of a
        listed bot login (``NNN+Copilot@users.noreply.github.com``)."""
        email = email.strip().lower()
        for agent in self.agents:
            if email in agent.addresses:
                return agent
        login = bot_login(email)
        return self.by_bot(login) if login else None

    def by_bot(self, login: str) -> Agent | None:
        login = login.strip().lower()
        return next((a for a in self.agents if login in a.bots), None)

    def by_name(self, name: str) -> Agent | None:
        name = " ".join(name.strip().lower().split())
        return next((a for a in self.agents if name in a.names or name == a.id), None)

    def by_branch(self, branch: str) -> tuple[Agent, str] | None:
        ref = branch.removeprefix("refs/heads/").lower()
        for agent in self.agents:
            for prefix in agent.branches:
                if ref.startswith(prefix):
                    return agent, prefix
        return None

    def is_non_agent_bot(self, email: str, name: str = "") -> str | None:
        """The bot's login (or address) when the identity is a bot that is not an agent."""
        email = email.strip().lower()
        if email in self.non_agent_addresses:
            return email
        login = bot_login(email) or ""
        if login in self.non_agent_bots:
            return login
        if name.strip().lower() in self.non_agent_bots:
            return name.strip().lower()
        if login.endswith("[bot]") and self.by_bot(login) is None:
            return login  # any other GitHub App is not an agent unless listed as one
        return None


def bot_login(email: str) -> str | None:
    match = _NOREPLY.match(email.strip())
    return match["login"].lower() if match else None


@cache
def packaged() -> AgentDirectory:
    text = resources.files("countersign.facts.provenance").joinpath("agents.yaml").read_text()
    return parse_directory(text, "countersign/facts/provenance/agents.yaml")


def load_directory(text: str | None, file: str = FILE) -> AgentDirectory:
    """The packaged directory, extended by a repository's ``provenance.yaml`` when given."""
    base = packaged()
    return extend(base, parse_directory(text, file)) if text else base


def extend(base: AgentDirectory, extra: AgentDirectory) -> AgentDirectory:
    agents = {a.id: a for a in base.agents}
    for agent in extra.agents:
        old = agents.get(agent.id)
        if old is None:
            agents[agent.id] = agent
        else:
            agents[agent.id] = Agent(
                old.id,
                names=_union(old.names, agent.names),
                mentions=_union(old.mentions, agent.mentions),
                addresses=_union(old.addresses, agent.addresses),
                bots=_union(old.bots, agent.bots),
                branches=_union(old.branches, agent.branches),
            )
    return AgentDirectory(
        agents=tuple(agents.values()),
        non_agent_bots=_union(base.non_agent_bots, extra.non_agent_bots),
        non_agent_addresses=_union(base.non_agent_addresses, extra.non_agent_addresses),
        pr_labels=_union(base.pr_labels, extra.pr_labels),
    )


def parse_directory(text: str, file: str = FILE) -> AgentDirectory:
    data = expect_mapping(parse_yaml(text, file) or {}, file, "")
    top = {"version", "agents", "non_agent_bots", "non_agent_addresses", "pr_labels"}
    reject_unknown(data, top, file, "")
    agents = tuple(
        _agent(raw, file, f"agents[{i}]")
        for i, raw in enumerate(expect_list(data.get("agents", []), file, "agents"))
    )
    return AgentDirectory(
        agents=agents,
        non_agent_bots=_lower(data, "non_agent_bots", file),
        non_agent_addresses=_lower(data, "non_agent_addresses", file),
        pr_labels=_lower(data, "pr_labels", file),
    )


def _agent(raw: Any, file: str, key: str) -> Agent:
    data = expect_mapping(raw, file, key)
    reject_unknown(data, {"id", *_LISTS}, file, key)
    agent_id = expect_str(data.get("id"), file, f"{key}.id")
    return Agent(
        agent_id,
        names=_lower(data, "names", file, key),
        mentions=_lower(data, "mentions", file, key),
        addresses=_lower(data, "addresses", file, key),
        bots=_lower(data, "bots", file, key),
        branches=_lower(data, "branches", file, key),
    )


def _lower(data: Any, name: str, file: str, key: str = "") -> tuple[str, ...]:
    where = f"{key}.{name}" if key else name
    values = expect_str_list(data.get(name, []), file, where)
    return tuple(" ".join(v.lower().split()) for v in values)


def _union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*a, *b)))


def directory_of(context: Context) -> AgentDirectory:
    return context.agent_directory or packaged()
