"""The roster (``people.yaml``): who is who, their level and team, which identities are agents."""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from countersign.config.signing_keys import PublicKey, parse_public_key
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
class SignerKey:
    """A public key a person signs approvals with, as in git's ``allowed_signers``:
    ``ssh-ed25519 AAAA… label until=2026-12-31``. ``until`` retires it (a rotated, lost or
    stolen key): approvals recorded after that day (UTC, inclusive) no longer verify."""

    key: PublicKey
    label: str = ""
    until: datetime | None = None

    def valid_at(self, at: datetime) -> bool:
        return self.until is None or at <= self.until

    @property
    def name(self) -> str:
        return f"{self.key.fingerprint}{f' ({self.label})' if self.label else ''}"


@dataclass(frozen=True)
class Person:
    id: str
    name: str = ""
    emails: tuple[str, ...] = ()
    level: str | None = None
    teams: tuple[str, ...] = ()
    agent: bool = False
    keys: tuple[SignerKey, ...] = ()
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
        return self._by_identity.get(identity.strip().lower())

    @functools.cached_property
    def _by_identity(self) -> dict[str, Person]:
        """Each id and e-mail, lowercased, to the first person holding it: a replay looks up
        every change's author and committers in a roster of thousands."""
        index: dict[str, Person] = {}
        for person in self.people:
            for identity in (person.id, *person.emails):
                index.setdefault(identity.lower(), person)
        return index

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
    keys_seen: dict[bytes, str] = {}
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
        _claim_keys(person, keys_seen, file, key)
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
        keys=tuple(
            _signer_key(text, file, f"{key}.keys[{n}]", pid)
            for n, text in enumerate(expect_str_list(entry.get("keys", []), file, f"{key}.keys"))
        ),
        github=expect_str(entry["github"], file, f"{key}.github") if "github" in entry else "",
    )


def _claim_keys(person: Person, seen: dict[bytes, str], file: str, key: str) -> None:
    """A key proves one person: listed for two, it proves neither."""
    for n, signer in enumerate(person.keys):
        other = seen.get(signer.key.blob)
        if other is not None and other != person.id:
            raise ConfigError(
                file,
                f"{key}.keys[{n}]",
                f"key {signer.key.fingerprint} is listed for both {other} and {person.id}; "
                "a signing key must belong to one person",
            )
        seen[signer.key.blob] = person.id


def _signer_key(text: str, file: str, key: str, pid: str) -> SignerKey:
    """``TYPE BASE64 [label words] [until=YYYY-MM-DD]``; the first version's
    ``ed25519:<base64 raw key>`` is read as the same Ed25519 key."""
    fields = text.split()
    if fields and fields[0].startswith("ed25519:"):
        fields = [*_legacy(fields[0]), *fields[1:]]
    if len(fields) < 2:
        raise ConfigError(
            file, key, f"{pid}: expected an SSH public key 'ssh-ed25519 AAAA…', got {text[:40]!r}"
        )
    try:
        public = parse_public_key(fields[0], fields[1])
    except ValueError as exc:
        raise ConfigError(file, key, f"{pid}: {exc}") from None
    until: datetime | None = None
    label: list[str] = []
    for word in fields[2:]:
        if word.startswith("until="):
            until = _until(word.removeprefix("until="), file, key, pid)
        else:
            label.append(word)
    return SignerKey(public, " ".join(label), until)


def _legacy(text: str) -> list[str]:
    raw = base64.b64decode(text.removeprefix("ed25519:") + "==", validate=False)
    name = b"ssh-ed25519"
    blob = len(name).to_bytes(4, "big") + name + len(raw).to_bytes(4, "big") + raw
    return ["ssh-ed25519", base64.b64encode(blob).decode("ascii")]


def _until(value: str, file: str, key: str, pid: str) -> datetime:
    try:
        if len(value) == len("2026-12-31"):
            day = datetime.fromisoformat(value).replace(tzinfo=UTC)
            return day.replace(hour=23, minute=59, second=59, microsecond=999999)
        at = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            file, key, f"{pid}: until= expects a date YYYY-MM-DD or a UTC time, got {value!r}"
        ) from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)
