"""The service catalog (``catalog.yaml``): services, the paths and resources they own, tier,
owners, environments and dependencies, plus time-boxed lists of critical systems.

Services may also come from Backstage ``catalog-info.yaml`` files (``catalog.yaml`` wins on a
name clash) and owners from CODEOWNERS; references to services are checked once all are read.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from countersign.config.codeowners import CodeOwners
from countersign.config.globs import Glob, PathIndex, compile_glob
from countersign.config.problems import Problem
from countersign.config.window import in_force, read_window
from countersign.config.yamlfile import (
    expect_list,
    expect_mapping,
    expect_str,
    expect_str_list,
    parse_yaml,
    reject_unknown,
)
from countersign.errors import ConfigError

FILE = "catalog.yaml"


@dataclass(frozen=True)
class Resources:
    """What a service owns outside its paths, as patterns where ``*`` matches any run of
    characters: Terraform addresses (``module.checkout``, ``aws_db_instance.orders*``),
    Kubernetes namespaces and database names."""

    terraform: tuple[str, ...] = ()
    namespaces: tuple[str, ...] = ()
    databases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Service:
    name: str
    paths: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    tier: int = 3
    environments: tuple[str, ...] = ()
    datastores: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    resources: Resources = Resources()
    # Where it was declared, as a key path: edges and overlaps cite it.
    origin: str = f"{FILE}: services"
    depends_key: str = "depends_on"


@dataclass(frozen=True)
class Edge:
    """``source`` depends on ``target``; ``origin`` says where that was declared or seen."""

    source: str
    target: str
    origin: str
    inferred: bool = False


@dataclass(frozen=True)
class CriticalList:
    """A named list of critical systems, optionally time-boxed (a "safety reset")."""

    name: str
    systems: tuple[str, ...]
    effective: date | None = None
    expires: date | None = None

    def active(self, today: date) -> bool:
        return in_force(self.effective, self.expires, today)


@dataclass(frozen=True)
class Catalog:
    services: tuple[Service, ...] = ()
    critical_lists: tuple[CriticalList, ...] = ()
    inferred: tuple[Edge, ...] = ()
    codeowners: CodeOwners | None = None
    problems: tuple[Problem, ...] = ()

    @cached_property
    def _by_name(self) -> dict[str, Service]:
        return {s.name: s for s in self.services}

    def service(self, name: str) -> Service | None:
        return self._by_name.get(name)

    @cached_property
    def path_index(self) -> PathIndex:
        """Every path glob of every service, compiled once; ``order`` is catalog order."""
        globs: list[Glob] = []
        for service in self.services:
            globs.extend(compile_glob(p, len(globs), service.name) for p in service.paths)
        return PathIndex(globs)

    @cached_property
    def owner_memo(self) -> dict[str, str | None]:
        """Path -> owning service, filled as paths are looked up (``mapping.owner_of``): one
        catalog judges the trees of many commits in a replay."""
        return {}

    @cached_property
    def edges(self) -> tuple[Edge, ...]:
        declared = [
            Edge(s.name, dep, f"{s.origin}.{s.depends_key}[{j}]")
            for s in self.services
            for j, dep in enumerate(s.depends_on)
            if dep in self._by_name
        ]
        return (*declared, *self.inferred)

    @cached_property
    def users(self) -> dict[str, tuple[Edge, ...]]:
        """Reversed edges: for each service, the edges of the services that depend on it
        (declared first, then inferred; one edge per pair)."""
        out: dict[str, dict[str, Edge]] = {}
        for edge in self.edges:
            if edge.source != edge.target:
                out.setdefault(edge.target, {}).setdefault(edge.source, edge)
        return {name: tuple(users[u] for u in sorted(users)) for name, users in out.items()}

    def critical_systems(self, today: date) -> dict[str, str]:
        """Critical system -> why: tier 1, or on a critical list in force today."""
        why = {s.name: "tier 1" for s in self.services if s.tier == 1}
        for lst in self.critical_lists:
            if lst.active(today):
                for name in lst.systems:
                    why.setdefault(name, f"on the critical list {lst.name!r}{_until(lst)}")
        return why


def _until(lst: CriticalList) -> str:
    return f" until {lst.expires.isoformat()}" if lst.expires else ""


_SERVICE_FIELDS = {
    "name",
    "paths",
    "owners",
    "owner",
    "tier",
    "environments",
    "datastores",
    "depends_on",
    "resources",
    "description",
}
_RESOURCE_FIELDS = {"terraform", "namespaces", "databases"}


def load_catalog(
    text: str,
    file: str = FILE,
    *,
    extra: Iterable[Service] = (),
    codeowners: CodeOwners | None = None,
    problems: Iterable[Problem] = (),
) -> Catalog:
    """Parse ``catalog.yaml``, add services read elsewhere (``extra``: Backstage), then check
    every reference to a service: depends_on and critical lists must name known services."""
    data = expect_mapping(parse_yaml(text, file) or {}, file, "")
    reject_unknown(data, {"services", "critical", "version"}, file, "")
    services: list[Service] = []
    names: dict[str, int] = {}
    for i, raw in enumerate(expect_list(data.get("services", []), file, "services")):
        service = _service(raw, file, f"services[{i}]")
        if service.name in names:
            raise ConfigError(
                file,
                f"services[{i}].name",
                f"service {service.name!r} is defined twice "
                f"(first in services[{names[service.name]}])",
            )
        names[service.name] = i
        services.append(service)
    notes = list(problems)
    services.extend(_merge_extra(extra, set(names), notes))
    lists = tuple(
        _critical(raw, file, f"critical[{i}]")
        for i, raw in enumerate(expect_list(data.get("critical", []), file, "critical"))
    )
    known = {s.name for s in services}
    _check_references(services, lists, known, file)
    for service in services:
        _note_unknown(service, known, notes)
    if codeowners is not None:
        notes.extend(codeowners.problems)
    return Catalog(tuple(services), lists, codeowners=codeowners, problems=tuple(notes))


def _merge_extra(extra: Iterable[Service], taken: set[str], notes: list[Problem]) -> list[Service]:
    out: list[Service] = []
    seen = dict.fromkeys(taken, FILE)
    for service in extra:
        if service.name in seen:
            notes.append(
                Problem(
                    service.origin,
                    f"service {service.name!r} is already defined in {seen[service.name]}; "
                    "that definition wins and this one is ignored",
                )
            )
            continue
        seen[service.name] = service.origin.split(":", 1)[0]
        out.append(service)
    return out


def _check_references(
    services: list[Service], lists: tuple[CriticalList, ...], known: set[str], file: str
) -> None:
    """An unknown name in catalog.yaml is an error (a typo would hide dependents or a critical
    system); in a Backstage file it is reported and the edge dropped (see ``_note_unknown``)."""
    for i, service in enumerate(s for s in services if s.origin.startswith(f"{file}:")):
        for j, dep in enumerate(service.depends_on):
            if dep not in known:
                raise ConfigError(
                    file, f"services[{i}].depends_on[{j}]", _unknown(dep, known, service.name)
                )
    for i, lst in enumerate(lists):
        for j, name in enumerate(lst.systems):
            if name not in known:
                raise ConfigError(file, f"critical[{i}].systems[{j}]", _unknown(name, known, None))


def _note_unknown(service: Service, known: set[str], notes: list[Problem]) -> None:
    for j, dep in enumerate(service.depends_on):
        if dep not in known:
            notes.append(
                Problem(
                    f"{service.origin}.{service.depends_key}[{j}]",
                    f"{_unknown(dep, known, service.name)}; the edge is ignored",
                )
            )


def _unknown(name: str, known: set[str], user: str | None) -> str:
    if name == user:
        return f"service {name!r} depends on itself; remove the entry"
    close = difflib.get_close_matches(name, sorted(known), n=1)
    hint = f"did you mean {close[0]!r}?" if close else "add it to services, or fix the name"
    return f"unknown service {name!r}; {hint}"


def _service(raw: Any, file: str, key: str) -> Service:
    entry = expect_mapping(raw, file, key)
    reject_unknown(entry, _SERVICE_FIELDS, file, key)
    tier = entry.get("tier", 3)
    if not isinstance(tier, int) or isinstance(tier, bool) or not 1 <= tier <= 4:
        raise ConfigError(file, f"{key}.tier", f"expected an integer from 1 to 4, got {tier!r}")
    return Service(
        name=expect_str(entry.get("name"), file, f"{key}.name"),
        paths=expect_str_list(entry.get("paths", []), file, f"{key}.paths"),
        owners=expect_str_list(entry.get("owners", entry.get("owner", [])), file, f"{key}.owners"),
        tier=tier,
        environments=expect_str_list(entry.get("environments", []), file, f"{key}.environments"),
        datastores=expect_str_list(entry.get("datastores", []), file, f"{key}.datastores"),
        depends_on=expect_str_list(entry.get("depends_on", []), file, f"{key}.depends_on"),
        resources=_resources(entry.get("resources", {}), file, f"{key}.resources"),
        origin=f"{file}: {key}",
    )


def _resources(raw: Any, file: str, key: str) -> Resources:
    entry = expect_mapping(raw, file, key)
    reject_unknown(entry, _RESOURCE_FIELDS, file, key)
    return Resources(
        terraform=expect_str_list(entry.get("terraform", []), file, f"{key}.terraform"),
        namespaces=expect_str_list(entry.get("namespaces", []), file, f"{key}.namespaces"),
        databases=expect_str_list(entry.get("databases", []), file, f"{key}.databases"),
    )


def _critical(raw: Any, file: str, key: str) -> CriticalList:
    entry = expect_mapping(raw, file, key)
    reject_unknown(entry, {"name", "systems", "effective", "expires"}, file, key)
    effective, expires = read_window(entry, file, key)
    return CriticalList(
        name=expect_str(entry.get("name"), file, f"{key}.name"),
        systems=expect_str_list(entry.get("systems", []), file, f"{key}.systems"),
        effective=effective,
        expires=expires,
    )
