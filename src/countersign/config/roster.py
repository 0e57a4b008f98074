"""The roster (``people.yaml``): who is who, their level and team, which identities are agents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from countersign.config.yamlfile import (
    expect_list,
    expect_mapping,
    expect_str,
    expect_str_list,
    parse_yaml,
    reject_unknown,
)
from countersign.errors import ConfigError

FILE = "people.yaml"
LEVELS = ("junior", "mid", "senior", "staff", "principal")


def level_rank(level: str | None) -> int:
    """Order of seniority; unknown people rank below everyone."""
    return LEVELS.index(level) if level in LEVELS else -1


@dataclass(frozen=True)
class Person:
    id: str
    name: str = ""
    emails: tuple[str, ...] = ()
    level: str | None = None
    teams: tuple[str, ...] = ()
    agent: bool = False
    keys: tuple[str, ...] = ()
    github: str = ""  # the forge login whose pull request reviews count as this person's

    @property
    def known(self) -> bool:
        return self.level is not None or self.agent


UNKNOWN = Person(id="unknown")


@dataclass(frozen=True)
class Roster:
    people: tuple[Person, ...] = ()
    agent_emails: tuple[str, ...] = field(default=())

    def find(self, identity: str | None) -> Person | None:
        """Look a person up by id or by any of their e-mail addresses (case-insensitive)."""
        if not identity:
            return None
        wanted = identity.strip().lower()
        for person in self.people:
            if person.id.lower() == wanted or wanted in (e.lower() for e in person.emails):
                return person
        return None

    def find_github(self, login: str) -> Person | None:
        """The person whose ``github`` login this is (case-insensitive, as GitHub's are)."""
        wanted = login.strip().lower()
        if not wanted:
            return None
        return next((p for p in self.people if p.github.lower() == wanted), None)


def load_roster(text: str, file: str = FILE) -> Roster:
    data = expect_mapping(parse_yaml(text, file) or {}, file, "")
    reject_unknown(data, {"people", "agents", "version"}, file, "")
    people: list[Person] = []
    seen: dict[str, str] = {}
    for i, raw in enumerate(expect_list(data.get("people", []), file, "people")):
        key = f"people[{i}]"
        person = _person(raw, file, key)
        for ident in (
            person.id,
            *person.emails,
            *([f"github:{person.github}"] if person.github else []),
        ):
            low = ident.lower()
            if low in seen:
                raise ConfigError(
                    file,
                    key,
                    f"identity {ident!r} is already used by {seen[low]}; "
                    "each id and e-mail must belong to one person",
                )
            seen[low] = key
        people.append(person)
    agents = expect_str_list(data.get("agents", []), file, "agents")
    return Roster(people=tuple(people), agent_emails=tuple(a.lower() for a in agents))


def _person(raw: Any, file: str, key: str) -> Person:
    entry = expect_mapping(raw, file, key)
    reject_unknown(
        entry,
        {"id", "name", "email", "emails", "level", "team", "teams", "agent", "keys", "github"},
        file,
        key,
    )
    pid = expect_str(entry.get("id"), file, f"{key}.id")
    level = entry.get("level")
    if level is not None and level not in LEVELS:
        raise ConfigError(
            file, f"{key}.level", f"expected one of {', '.join(LEVELS)}, got {level!r}"
        )
    emails = expect_str_list(entry.get("emails", entry.get("email", [])), file, f"{key}.emails")
    teams = expect_str_list(entry.get("teams", entry.get("team", [])), file, f"{key}.teams")
    agent = entry.get("agent", False)
    if not isinstance(agent, bool):
        raise ConfigError(file, f"{key}.agent", f"expected true or false, got {agent!r}")
    return Person(
        id=pid,
        name=str(entry.get("name", "")),
        emails=emails,
        level=level,
        teams=teams,
        agent=agent,
        keys=expect_str_list(entry.get("keys", []), file, f"{key}.keys"),
        github=expect_str(entry["github"], file, f"{key}.github") if "github" in entry else "",
    )
