"""Assemble the catalog from every source a repository has: ``catalog.yaml``, Backstage
``catalog-info.yaml`` files anywhere in the tree, and CODEOWNERS (where GitHub looks for it)."""

from __future__ import annotations

from countersign.config.backstage import is_backstage_file, read_backstage
from countersign.config.catalog import FILE, Catalog, Service, load_catalog
from countersign.config.codeowners import LOCATIONS, parse_codeowners
from countersign.config.problems import Problem
from countersign.intake.tree import RepoTree


def read_catalog(text: str | None, tree: RepoTree | None, file: str = FILE) -> Catalog:
    if tree is None:
        return load_catalog(text or "", file)
    paths = tree.paths()
    present = set(paths)
    backstage = [p for p in paths if is_backstage_file(p)]
    owners_file = next((p for p in LOCATIONS if p in present), None)
    texts = tree.read([*backstage, *([owners_file] if owners_file else [])])
    extra: list[Service] = []
    problems: list[Problem] = []
    for path in backstage:
        services, found = read_backstage(texts.get(path, ""), path)
        extra.extend(services)
        problems.extend(found)
    codeowners = parse_codeowners(texts.get(owners_file, ""), owners_file) if owners_file else None
    return load_catalog(text or "", file, extra=extra, codeowners=codeowners, problems=problems)


def is_catalog_source(path: str) -> bool:
    """A file the catalog reads from the tree besides ``catalog.yaml``: a Backstage file or
    CODEOWNERS where GitHub looks for it."""
    return is_backstage_file(path) or path in LOCATIONS
