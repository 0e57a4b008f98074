"""Blast radius: which services a change touches, which it reaches, their critical systems and
environments.

Paths map to services through the catalog's globs (most specific wins; a catch-all is a
fallback), artifact resources through the services' resource patterns: those services are
*touched*. The dependency graph (declared, and inferred from code) gives the *dependents*; a
dependent is *reached* when the path to it runs over declared edges, or over an import of a
touched service whose exported surface the change alters (``surface``). A change to a package's
internals that leaves its surface alone does not reach its importers: they are listed, with the
link that stops the reach, and not counted. CODEOWNERS adds owners. Everything found is listed
with its reason: overlaps with the rule that decided them, dependents with the edges that link
them (each with its origin), the score term by term, and problems with their file and line.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

from countersign.config.catalog import Catalog, Edge, Service
from countersign.config.codeowners import OwnersMatch, owner_team
from countersign.facts.blast_radius import graph, score
from countersign.facts.blast_radius.graph import Dependent
from countersign.facts.blast_radius.mapping import Overlap, map_paths, map_resources
from countersign.facts.blast_radius.resources import resources_of
from countersign.facts.blast_radius.score import ScoreTerm
from countersign.facts.blast_radius.surface import FileSurface, classify
from countersign.facts.context import Context
from countersign.intake.change import Change

__all__ = [
    "BlastRadius",
    "Critical",
    "Dependent",
    "FileSurface",
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
    # Whether the change alters the surface its importers use, and the first file that does
    # (or why none does).
    surface_changed: bool = True
    surface_reason: str = ""


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
    files: tuple[FileSurface, ...] = ()  # each changed file: its kind, whether surface

    @property
    def reaches(self) -> tuple[Dependent, ...]:
        """The dependents the change can affect (``Dependent.reached``)."""
        return tuple(d for d in self.dependents if d.reached)

    @property
    def touched_critical(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.critical_reasons if c.touched)

    @property
    def reached_critical(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.critical_reasons if not c.touched)

    @property
    def tier(self) -> int | None:
        """The most critical tier touched or reached (1 is the most critical)."""
        tiers = [s.tier for s in self.services] + [d.tier for d in self.reaches]
        return min(tiers) if tiers else None


def analyze(change: Change, context: Context) -> BlastRadius:
    catalog = context.config.catalog
    paths = _paths(change)
    by_path = map_paths(paths, catalog)
    by_resource = map_resources(resources_of(change.artifacts), catalog)
    touched = [
        s for s in catalog.services if s.name in by_path.owners or s.name in by_resource.owners
    ]
    # Only the surface of a service some other service imports can matter.
    imported = {e.target for e in catalog.inferred}
    owner = {p: name for name, ps in by_path.owners.items() for p in ps}
    files = tuple(
        classify(
            f, surface=owner.get(f.path) in imported or owner.get(f.old_path or "") in imported
        )
        for f in change.files
    )
    surfaces = _surfaces(files, change, by_path.owners)
    hits = tuple(
        ServiceHit(
            s.name,
            s.tier,
            tuple(by_path.owners.get(s.name, ())),
            tuple(str(r) for r in by_resource.owners.get(s.name, ())),
            *surfaces.get(s.name, (True, "touched through a resource, not a file")),
        )
        for s in touched
    )
    altered = {h.name for h in hits if h.surface_changed}
    roots = [s.name for s in touched]
    found = _dependents(catalog, roots, altered)
    reached = [d for d in found if d.reached]
    why = catalog.critical_systems(context.today)
    critical = tuple(
        Critical(name, why[name], depth == 0)
        for name, depth in [*((s.name, 0) for s in touched), *((d.name, d.depth) for d in reached)]
        if name in why
    )
    critical_names = {c.name for c in critical}
    terms = (
        *(score.term(s.name, s.tier, 0, s.name in critical_names) for s in touched),
        *(score.term(d.name, d.tier, d.depth, d.name in critical_names) for d in reached),
    )
    reach = [*roots, *(d.name for d in reached)]
    loops = tuple(
        tuple(reversed(c)) for c in graph.cycles(catalog, [*roots, *(d.name for d in found)])
    )
    environments = {
        e for n in reach if (svc := catalog.service(n)) is not None for e in svc.environments
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
            *(_cycle_problem(c, catalog) for c in loops),
        ),
        files=files,
    )


def _surfaces(
    files: tuple[FileSurface, ...], change: Change, owned: dict[str, list[str]]
) -> dict[str, tuple[bool, str]]:
    """For each touched service: whether the change alters its surface, and the reason (the
    first file that does, or how many files leave it alone). A renamed file counts for the
    service it left as well."""
    by_path = {f.path: f for f in files}
    for f in change.files:
        if f.old_path and f.path in by_path:
            by_path.setdefault(f.old_path, by_path[f.path])
    out: dict[str, tuple[bool, str]] = {}
    for service, paths in owned.items():
        mine = [by_path[p] for p in paths if p in by_path]
        altering = next((f for f in mine if f.surface), None)
        if altering is not None:
            out[service] = (True, f"{altering.path}: {altering.reason}")
        elif len(mine) < len(paths):
            out[service] = (True, "a changed path was not analysed")
        else:
            out[service] = (False, f"{len(mine)} changed files leave its exported surface alone")
    return out


def _dependents(catalog: Catalog, roots: list[str], altered: set[str]) -> tuple[Dependent, ...]:
    """Every dependent, the reached ones first (over declared edges, or an import edge into a
    touched service whose surface changes), each with its path; then the others, with the
    link that stops the reach."""

    def follows(edge: Edge) -> bool:
        return not edge.inferred or edge.target in altered

    reached = graph.dependents(catalog, roots, follows)
    known = {d.name for d in reached}
    rest = tuple(
        replace(d, reached=False, why=_stop(d, altered))
        for d in graph.dependents(catalog, roots)
        if d.name not in known
    )
    return (*(replace(d, why=_carried(d)) for d in reached), *rest)


def _carried(d: Dependent) -> str:
    if all(not h.inferred for h in d.hops):
        return "declared dependencies all the way"
    return "imports what the change alters in " + ", ".join(
        sorted({h.target for h in d.hops if h.inferred})
    )


def _stop(d: Dependent, altered: set[str]) -> str:
    hop = next(h for h in d.hops if h.inferred and h.target not in altered)
    if hop.target in d.via[:1]:
        return (
            f"only imports {hop.target} ({hop.origin}), whose exported surface this change "
            "leaves alone"
        )
    return (
        f"reaches it only through an import of {hop.target} ({hop.origin}), which this change "
        "does not alter"
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


def _cycle_problem(chain: tuple[str, ...], catalog: Catalog) -> str:
    """The cycle with the edge behind each link, so it can be checked and broken."""
    links = []
    for user, used in itertools.pairwise(chain):
        edge = next((e for e in catalog.users.get(used, ()) if e.source == user), None)
        links.append(f"{user} -> {used} ({edge.origin if edge else 'unknown edge'})")
    return (
        f"dependency cycle: {' -> '.join(chain)} (each depends on the next: "
        f"{'; '.join(links)}); every service in it is listed once, at its shortest distance"
    )
