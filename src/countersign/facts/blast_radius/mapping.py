"""Which service owns a path or a resource. When several service globs match one path, the most
specific pattern wins (more literal leading directories, then more literal characters), then the
one declared first; the losers are reported with that reason. A catch-all (``**``, e.g. a root
``catalog-info.yaml``) is a fallback for paths nothing else owns, never reported as an overlap."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from countersign.config.catalog import Catalog
from countersign.config.globs import Glob
from countersign.facts.blast_radius.resources import Resource


@dataclass(frozen=True)
class Overlap:
    """A path matched by more than one service's globs, and why ``winner`` owns it."""

    path: str
    winner: str
    pattern: str
    losers: tuple[tuple[str, str], ...]  # (service, pattern)
    reason: str


@dataclass(frozen=True)
class PathMapping:
    owners: dict[str, list[str]]  # service -> paths, in the order paths were given
    unowned: tuple[str, ...]
    overlaps: tuple[Overlap, ...]


def owner_glob(path: str, catalog: Catalog) -> tuple[Glob | None, list[Glob]]:
    """The winning glob for ``path`` and every glob that matched it."""
    matched = list(catalog.path_index.matches(path))
    if not matched:
        return None, matched
    return min(matched, key=_rank), matched


def owner_of(path: str, catalog: Catalog) -> str | None:
    memo = catalog.owner_memo
    if path not in memo:
        glob, _ = owner_glob(path, catalog)
        memo[path] = str(glob.value) if glob is not None else None
    return memo[path]


def _rank(glob: Glob) -> tuple[int, int, int]:
    prefix, chars = glob.specificity
    return (-prefix, -chars, glob.order)


def map_paths(paths: Iterable[str], catalog: Catalog) -> PathMapping:
    owners: dict[str, list[str]] = {}
    unowned: list[str] = []
    overlaps: list[Overlap] = []
    for path in paths:
        winner, matched = owner_glob(path, catalog)
        if winner is None:
            unowned.append(path)
            continue
        owners.setdefault(str(winner.value), []).append(path)
        rivals = [g for g in matched if g.value != winner.value and not _catch_all(g)]
        if rivals:
            overlaps.append(_overlap(path, winner, rivals))
    return PathMapping(owners, tuple(unowned), tuple(overlaps))


def _catch_all(glob: Glob) -> bool:
    return glob.specificity == (0, 0)


def _overlap(path: str, winner: Glob, rivals: list[Glob]) -> Overlap:
    runner = min(rivals, key=_rank)
    if winner.specificity != runner.specificity:
        (wp, wc), (rp, rc) = winner.specificity, runner.specificity
        why = (
            f"{wp} literal directories against {rp}"
            if wp != rp
            else f"{wc} literal characters against {rc}"
        )
        reason = f"{winner.pattern!r} is more specific than {runner.pattern!r} ({why})"
    else:
        reason = (
            f"{winner.pattern!r} and {runner.pattern!r} are equally specific; "
            f"{winner.value} is declared first in the catalog"
        )
    losers = tuple(sorted({(str(g.value), g.pattern) for g in rivals}))
    return Overlap(path, str(winner.value), winner.pattern, losers, reason)


@dataclass(frozen=True)
class ResourceMapping:
    owners: dict[str, list[Resource]]
    unowned: tuple[Resource, ...]


def map_resources(resources: Iterable[Resource], catalog: Catalog) -> ResourceMapping:
    owners: dict[str, list[Resource]] = {}
    unowned: list[Resource] = []
    for resource in resources:
        name = _resource_owner(resource, catalog)
        if name is None:
            unowned.append(resource)
        else:
            owners.setdefault(name, []).append(resource)
    return ResourceMapping(owners, tuple(unowned))


def _resource_owner(resource: Resource, catalog: Catalog) -> str | None:
    for service in catalog.services:
        r = service.resources
        if resource.kind == "terraform":
            patterns, address = r.terraform, True
        elif resource.kind == "namespace":
            patterns, address = r.namespaces, False
        else:
            patterns, address = (*r.databases, *service.datastores), False
        if any(_resource_regex(p, address).match(resource.name) for p in patterns):
            return service.name
    return None


@cache
def _resource_regex(pattern: str, address: bool) -> re.Pattern[str]:
    """``*`` matches any run of characters; a Terraform address pattern also covers what is
    inside it (``module.checkout`` owns ``module.checkout.aws_db_instance.main``)."""
    body = ".*".join(re.escape(part) for part in pattern.split("*"))
    inside = r"(?:[.\[].*)?" if address else ""
    return re.compile(f"{body}{inside}\\Z")
