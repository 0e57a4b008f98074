"""Blast radius at monorepo scale: map a 500-file change onto 2,000 services with 20,000 path
globs and walk the dependency graph, against a naive baseline measured in the same run (fnmatch
of every glob against every path). Run: .venv/bin/python benchmarks/blast_radius.py"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date
from fnmatch import fnmatchcase

from countersign.config import Config
from countersign.config.catalog import Catalog, CriticalList, Service
from countersign.facts.blast_radius import analyze
from countersign.facts.context import Context
from countersign.intake.change import Change, FileChange, FileStatus

SERVICES = 2_000
FILES = 500
NAIVE_SAMPLE = 25  # paths the naive baseline is timed on; its figure is scaled to FILES


def globs(i: int) -> tuple[str, ...]:
    s = f"svc-{i:04d}"
    return (
        f"services/{s}/**",
        f"services/{s}/api/*.py",
        f"services/{s}/src/**/*.go",
        f"deploy/k8s/{s}/",
        f"infra/terraform/{s}/*.tf",
        f"libs/group-{i % 50:02d}/{s}/**",
        f"proto/{s}/**/*.proto",
        f"docs/services/{s}.md",
        f"config/{s}/*.yaml",
        f"tests/{s}/**",
    )


def build_catalog(rng: random.Random) -> Catalog:
    services = []
    for i in range(SERVICES):
        deps = {f"svc-{rng.randrange(i):04d}" for _ in range(rng.randint(1, 3))} if i else set()
        if i % 97 == 5:
            deps.add(f"svc-{i - 5:04d}")
        if i % 97 == 0 and i + 5 < SERVICES:
            deps.add(f"svc-{i + 5:04d}")  # a few cycles: i and i + 5 depend on each other
        services.append(
            Service(
                name=f"svc-{i:04d}",
                paths=globs(i),
                owners=(f"team-{i % 120}",),
                tier=rng.choice((1, 2, 2, 3, 3, 3, 4)),
                environments=("prod", "staging") if i % 3 else ("staging",),
                depends_on=tuple(sorted(deps)),
            )
        )
    # A handful of repository-wide globs: these reach every path, like real catalogs have.
    services.append(Service(name="python-tooling", paths=("**/pyproject.toml", "**/*.pyi")))
    # An umbrella that claims all of services/: every service path is an overlap it loses.
    services.append(Service(name="platform", paths=("services/**",), owners=("platform",)))
    reset = CriticalList("safety-reset", ("svc-0001", "svc-0002"), expires=date(2099, 1, 1))
    return Catalog(services=tuple(services), critical_lists=(reset,))


def build_change(rng: random.Random) -> Change:
    shapes = (
        "services/{s}/src/pkg/mod_{k}.go",
        "services/{s}/api/handler_{k}.py",
        "infra/terraform/{s}/main_{k}.tf",
        "deploy/k8s/{s}/deploy_{k}.yaml",
        "libs/group-{g}/{s}/lib_{k}.py",
        "docs/services/{s}.md",
        "tools/unowned/script_{k}.sh",
    )
    paths = set()
    while len(paths) < FILES:
        i = rng.randrange(SERVICES)
        shape = rng.choice(shapes)
        paths.add(shape.format(s=f"svc-{i:04d}", g=f"{i % 50:02d}", k=rng.randrange(1000)))
    files = tuple(FileChange(p, FileStatus.MODIFIED) for p in sorted(paths))
    return Change(base="a", head="b", fingerprint="f", files=files)


def naive_owner(path: str, catalog: Catalog) -> str | None:
    for service in catalog.services:
        for glob in service.paths:
            if fnmatchcase(path, glob) or path.startswith(glob.rstrip("*")):
                return service.name
    return None


def main() -> None:
    rng = random.Random(4)
    catalog = build_catalog(rng)
    change = build_change(rng)
    context = Context(Config(catalog=catalog), today=date(2026, 6, 1))
    n_globs = sum(len(s.paths) for s in catalog.services)

    start = time.perf_counter()
    result = analyze(change, context)
    cold = time.perf_counter() - start
    warm = []
    for _ in range(5):
        fresh = Catalog(catalog.services, catalog.critical_lists)  # no cached index
        ctx = Context(Config(catalog=fresh), today=context.today)
        _ = fresh.path_index, fresh.users  # compiled once per run, as a CLI run does
        start = time.perf_counter()
        analyze(change, ctx)
        warm.append(time.perf_counter() - start)

    sample = [f.path for f in change.files[:: FILES // NAIVE_SAMPLE]][:NAIVE_SAMPLE]
    start = time.perf_counter()
    for path in sample:
        naive_owner(path, catalog)
    naive = (time.perf_counter() - start) * FILES / len(sample)

    print(f"catalog: {len(catalog.services)} services, {n_globs} path globs; change: {FILES} files")
    print(
        f"result: {len(result.services)} services touched, {len(result.dependents)} dependents, "
        f"{len(result.critical)} critical, {len(result.unowned)} unowned, "
        f"{len(result.overlaps)} overlaps, {len(result.cycles)} cycles"
    )
    print(f"blast radius, first run (builds the glob trie and reverse graph): {cold * 1000:.1f} ms")
    print(
        f"blast radius, mapping + graph walk (median of {len(warm)}): "
        f"{statistics.median(warm) * 1000:.1f} ms  (target < 200 ms)"
    )
    print(
        f"baseline, naive fnmatch of every glob (timed on {len(sample)} paths, scaled to "
        f"{FILES}): {naive * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
