"""Blast radius: which services, critical systems, dependents and environments a change reaches.

Paths map to services through the catalog's globs (most specific wins), artifact resources
through the services' resource patterns; the dependency graph (declared and inferred from code)
gives the dependents; CODEOWNERS adds owners. Everything found is listed with its reason:
overlaps with the rule that decided them, dependents with the chain that links them, the score
term by term, and problems with the file and key or line they come from.
"""

from __future__ import annotations

from dataclasses import dataclass

from countersign.config.catalog import Catalog, Service
from countersign.config.codeowners import OwnersMatch, owner_team
from countersign.facts.blast_radius import graph, score
from countersign.facts.blast_radius.graph import Dependent
from countersign.facts.blast_radius.mapping import Overlap, map_paths, map_resources
from countersign.facts.blast_radius.resources import resources_of
from countersign.facts.blast_radius.score import ScoreTerm
from countersign.facts.context import Context
from countersign.intake.change import Change

__all__ = [
    "BlastRadius",
    "Critical",
    "Dependent",
    "Overlap",
    "ScoreTerm",
    "ServiceHit",
    "analyze",
]


@dataclass(frozen=True)
class ServiceHit:
    """A service the change touches directly, with the paths and resources that map to it."""

    name: str
    tier: int
    paths: tuple[str, ...]
    resources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Critical:
    name: str
    reason: str  # "tier 1", "on the critical list 'safety-reset' until 2026-04-01"
    touched: bool


@dataclass(frozen=True)
class BlastRadius:
    services: tuple[ServiceHit, ...] = ()
    critical: tuple[str, ...] = ()
    dependents: tuple[Dependent, ...] = ()
    environments: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    unowned: tuple[str, ...] = ()
    score: float = 0.0
    critical_reasons: tuple[Critical, ...] = ()
    overlaps: tuple[Overlap, ...] = ()
    unowned_resources: tuple[str, ...] = ()
    code_owners: tuple[OwnersMatch, ...] = ()  # for paths no service owns
    score_terms: tuple[ScoreTerm, ...] = ()
    cycles: tuple[tuple[str, ...], ...] = ()  # each "a, b, a": a depends on b depends on a
    problems: tuple[str, ...] = ()

    @property
    def tier(self) -> int | None:
        """The most critical tier reached (1 is the most critical)."""
        tiers = [s.tier for s in self.services] + [d.tier for d in self.dependents]
        return min(tiers) if tiers else None


def analyze(change: Change, context: Context) -> BlastRadius:
    catalog = context.config.catalog
    paths = _paths(change)
    by_path = map_paths(paths, catalog)
    by_resource = map_resources(resources_of(change.artifacts), catalog)
    touched = [
        s for s in catalog.services if s.name in by_path.owners or s.name in by_resource.owners
    ]
    hits = tuple(
        ServiceHit(
            s.name,
            s.tier,
            tuple(by_path.owners.get(s.name, ())),
            tuple(str(r) for r in by_resource.owners.get(s.name, ())),
        )
        for s in touched
    )
    found = graph.dependents(catalog, [s.name for s in touched])
    why = catalog.critical_systems(context.today)
    critical = tuple(
        Critical(name, why[name], depth == 0)
        for name, depth in [*((s.name, 0) for s in touched), *((d.name, d.depth) for d in found)]
        if name in why
    )
    critical_names = {c.name for c in critical}
    terms = (
        *(score.term(s.name, s.tier, 0, s.name in critical_names) for s in touched),
        *(score.term(d.name, d.tier, d.depth, d.name in critical_names) for d in found),
    )
    reached = [*(s.name for s in touched), *(d.name for d in found)]
    loops = tuple(tuple(reversed(c)) for c in graph.cycles(catalog, reached))
    environments = {
        e for n in reached if (svc := catalog.service(n)) is not None for e in svc.environments
    }
    owners, unowned_owners = _owners(catalog, touched, by_path.owners, by_path.unowned)
    return BlastRadius(
        services=hits,
        critical=tuple(c.name for c in critical),
        dependents=found,
        environments=tuple(sorted(environments)),
        owners=owners,
        unowned=by_path.unowned,
        score=score.total(terms),
        critical_reasons=critical,
        overlaps=by_path.overlaps,
        unowned_resources=tuple(str(r) for r in by_resource.unowned),
        code_owners=unowned_owners,
        score_terms=terms,
        cycles=loops,
        problems=(
            *(str(p) for p in catalog.problems),
            *(_cycle_problem(c) for c in loops),
        ),
    )


def _paths(change: Change) -> tuple[str, ...]:
    """Changed paths, and the old path of a rename: moving a file out of a service changes it."""
    out = dict.fromkeys(change.paths)
    for f in change.files:
        if f.old_path:
            out.setdefault(f.old_path)
    return tuple(out)


def _owners(
    catalog: Catalog,
    touched: list[Service],
    by_path: dict[str, list[str]],
    unowned: tuple[str, ...],
) -> tuple[tuple[str, ...], tuple[OwnersMatch, ...]]:
    """Owners of the touched services. CODEOWNERS fills the gaps only: a service without declared
    owners gets the teams (``@org/team`` read as ``team``) owning its changed paths, and paths no
    service owns show who CODEOWNERS names, as evidence, without widening who may sign."""
    codeowners = catalog.codeowners
    teams: set[str] = set()
    for service in touched:
        if service.owners:
            teams.update(service.owners)
        elif codeowners is not None:
            for path in by_path.get(service.name, ()):
                match = codeowners.match(path)
                teams.update(t for o in (match.owners if match else ()) if (t := owner_team(o)))
    found = [codeowners.match(p) for p in unowned] if codeowners is not None else []
    return tuple(sorted(teams)), tuple(m for m in found if m is not None)


def _cycle_problem(chain: tuple[str, ...]) -> str:
    return (
        f"dependency cycle: {' -> '.join(chain)} (each depends on the next); "
        "every service in it is listed once, at its shortest distance"
    )
