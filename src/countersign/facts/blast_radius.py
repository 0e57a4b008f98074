"""Blast radius: which services, critical systems, dependents and environments a change reaches."""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatch

from countersign.config.catalog import Catalog, Service
from countersign.facts.context import Context
from countersign.intake.change import Change


@dataclass(frozen=True)
class ServiceHit:
    name: str
    tier: int
    paths: tuple[str, ...]


@dataclass(frozen=True)
class Dependent:
    name: str
    tier: int
    depth: int
    via: tuple[str, ...]


@dataclass(frozen=True)
class BlastRadius:
    services: tuple[ServiceHit, ...] = ()
    critical: tuple[str, ...] = ()
    dependents: tuple[Dependent, ...] = ()
    environments: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    unowned: tuple[str, ...] = ()
    score: float = 0.0

    @property
    def tier(self) -> int | None:
        """The most critical tier reached (1 is the most critical)."""
        tiers = [s.tier for s in self.services] + [d.tier for d in self.dependents]
        return min(tiers) if tiers else None


def owning_service(path: str, catalog: Catalog) -> Service | None:
    for service in catalog.services:
        if any(fnmatch(path, glob) or path.startswith(glob.rstrip("*")) for glob in service.paths):
            return service
    return None


def analyze(change: Change, context: Context) -> BlastRadius:
    catalog = context.config.catalog
    hits: dict[str, list[str]] = {}
    unowned: list[str] = []
    for path in change.paths:
        service = owning_service(path, catalog)
        if service is None:
            unowned.append(path)
        else:
            hits.setdefault(service.name, []).append(path)
    touched = [s for s in catalog.services if s.name in hits]
    dependents = _dependents(catalog, [s.name for s in touched])
    active = {
        name for lst in catalog.critical_lists if lst.active(context.today) for name in lst.systems
    }
    reached = [*(s.name for s in touched), *(d.name for d in dependents)]
    critical = tuple(
        n
        for n in reached
        if n in active or ((svc := catalog.service(n)) is not None and svc.tier == 1)
    )
    services = tuple(ServiceHit(s.name, s.tier, tuple(hits[s.name])) for s in touched)
    score = sum(5 - s.tier for s in services) + sum(
        (5 - d.tier) / (d.depth + 1) for d in dependents
    )
    return BlastRadius(
        services=services,
        critical=critical,
        dependents=dependents,
        environments=tuple(sorted({e for s in touched for e in s.environments})),
        owners=tuple(sorted({o for s in touched for o in s.owners})),
        unowned=tuple(unowned),
        score=round(score, 2),
    )


def _dependents(catalog: Catalog, roots: list[str]) -> tuple[Dependent, ...]:
    """Breadth-first walk over reversed ``depends_on`` edges; cycles are visited once."""
    users: dict[str, list[str]] = {}
    for service in catalog.services:
        for dep in service.depends_on:
            users.setdefault(dep, []).append(service.name)
    seen = set(roots)
    frontier: list[tuple[str, tuple[str, ...]]] = [(name, (name,)) for name in roots]
    found: list[Dependent] = []
    depth = 0
    while frontier:
        depth += 1
        nxt: list[tuple[str, tuple[str, ...]]] = []
        for name, via in frontier:
            for user in sorted(users.get(name, [])):
                if user in seen:
                    continue
                seen.add(user)
                svc = catalog.service(user)
                found.append(Dependent(user, svc.tier if svc else 3, depth, (*via, user)))
                nxt.append((user, (*via, user)))
        frontier = nxt
    return tuple(found)
