"""Dependency edges inferred from code, one module per language.

The extension point: a ``Language`` names the file suffixes it reads, the manifest files it
needs wherever they are (``go.mod``), and one function ``(Sources) -> Inferred``; ``LANGUAGES``
is the explicit registry. To add a language, write ``languages/<name>.py`` with an ``infer`` of
that signature and list it here.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from countersign.config import Config
from countersign.config.catalog import Catalog, Edge
from countersign.config.problems import Problem
from countersign.facts.blast_radius.languages import go, javascript, python
from countersign.facts.blast_radius.languages.sources import (
    Inferred,
    LinkMemo,
    ScanMemo,
    Sources,
)
from countersign.facts.blast_radius.mapping import owner_of
from countersign.intake.tree import RepoTree

__all__ = [
    "LANGUAGES",
    "Inferred",
    "Language",
    "LinkMemo",
    "Sources",
    "infer_edges",
    "with_inferred_edges",
]


@dataclass(frozen=True)
class Language:
    name: str
    suffixes: tuple[str, ...]
    infer: Callable[[Sources], Inferred]
    manifests: tuple[str, ...] = ()


LANGUAGES: Mapping[str, Language] = {
    "python": Language("python", (".py",), python.infer),
    "javascript": Language(
        "javascript", javascript.SUFFIXES, javascript.infer, manifests=("package.json",)
    ),
    "go": Language("go", (".go",), go.infer, manifests=("go.mod",)),
}


def infer_edges(
    catalog: Catalog,
    tree: RepoTree,
    languages: Mapping[str, Language] = LANGUAGES,
    cache: ScanMemo | None = None,
    links: LinkMemo | None = None,
) -> Catalog:
    """The catalog with the edges every language finds in ``tree``; only files a service owns
    are read, since only they can link two services, and the language's manifests. ``links``
    keeps each file's links for the next tree (a replay's next commit)."""
    if not catalog.services:
        return catalog
    everything = tree.paths()
    edges: list[Edge] = []
    problems: list[Problem] = []
    for language in languages.values():
        # Only the language's own files and manifests matter: a file of another language
        # added or removed elsewhere leaves what it reads, and the memo's copy, alone.
        mine = (
            _files_of(everything, language)
            if links is None
            else links.paths_of(
                language.name,
                everything,
                lambda: _files_of(everything, language),  # noqa: B023
                getattr(tree, "serial", None),
                lambda paths, since: _files_advanced(paths, since, tree, everything, language),  # noqa: B023
            )
        )
        code, manifests, owners = (
            _partition(mine, language, catalog)
            if links is None
            else links.code(
                language.name,
                catalog,
                mine,
                lambda: _partition(mine, language, catalog),  # noqa: B023
            )
        )
        if not code:
            continue
        texts, found_manifests, changed = _texts(language, tree, catalog, code, manifests, links)
        found = language.infer(
            Sources(tuple(code), texts, owners.get, found_manifests, cache, links, catalog, changed)
        )
        if links is not None:
            links.keep_texts(
                language.name, getattr(tree, "serial", None), catalog, texts, found_manifests
            )
        edges.extend(found.edges)
        problems.extend(found.problems)
    return replace(
        catalog,
        inferred=(*catalog.inferred, *edges),
        problems=(*catalog.problems, *problems),
    )


def _texts(
    language: Language,
    tree: RepoTree,
    catalog: Catalog,
    code: dict[str, str],
    manifests: list[str],
    links: LinkMemo | None,
) -> tuple[dict[str, str], dict[str, str], frozenset[str] | None]:
    """The text of each owned file of ``language`` and of its manifests, and the paths whose
    text may differ from the last tree ``links`` read for it (None: any may). When this tree
    is that tree advanced by a known difference (a replay's next commit) and the catalog is
    the same, only the paths of the difference are read: every other path has the same text,
    owned or not as before."""
    delta = getattr(tree, "delta", None)
    held = links.last_texts(language.name, catalog) if links is not None else None
    if delta is None or held is None or held[0] != delta.since:
        texts = tree.read([*code, *manifests])
        return (
            {p: texts[p] for p in code if p in texts},
            {p: texts[p] for p in manifests if p in texts},
            None,
        )
    owned, found = dict(held[1]), dict(held[2])
    named = set(manifests)
    wanted = [p for p in delta.paths if p in code or p in named]
    read = tree.read(wanted) if wanted else {}
    for path in delta.paths:
        owned.pop(path, None)
        found.pop(path, None)
        if path in read:
            (owned if path in code else found)[path] = read[path]
    return owned, found, delta.paths


def _files_advanced(
    paths: tuple[str, ...],
    since: int | None,
    tree: RepoTree,
    everything: tuple[str, ...],
    language: Language,
) -> tuple[str, ...] | None:
    """``_files_of`` this tree, from ``paths`` (what it gave for the tree ``since`` names)
    when this tree is that one advanced by a known difference; else None."""
    delta = getattr(tree, "delta", None)
    if delta is None or since is None or delta.since != since:
        return None
    kept = [p for p in paths if p not in delta.paths]
    for path in _files_of(tuple(delta.paths), language):
        at = bisect.bisect_left(everything, path)
        if at < len(everything) and everything[at] == path:
            kept.append(path)
    return tuple(sorted(kept))


def _files_of(paths: tuple[str, ...], language: Language) -> tuple[str, ...]:
    """The paths ending with one of ``language``'s suffixes or named as one of its manifests."""
    ends = (*language.suffixes, *(f"/{m}" for m in language.manifests))
    return tuple(p for p in paths if p.endswith(ends) or p in language.manifests)


def _partition(
    paths: tuple[str, ...], language: Language, catalog: Catalog
) -> tuple[dict[str, str], list[str], dict[str, str | None]]:
    """The files of ``language`` a service owns (with their owner), the language's manifests,
    and the owner of each of them."""
    code = {
        p: name
        for p in paths
        if p.endswith(language.suffixes) and (name := owner_of(p, catalog)) is not None
    }
    if not code:
        return code, [], {}
    manifests = [p for p in paths if p.rpartition("/")[2] in language.manifests]
    owners: dict[str, str | None] = {p: owner_of(p, catalog) for p in manifests}
    owners.update(code)
    return code, manifests, owners


def with_inferred_edges(
    config: Config,
    tree: RepoTree | None,
    cache: ScanMemo | None = None,
    links: LinkMemo | None = None,
) -> Config:
    if tree is None:
        return config
    return replace(config, catalog=infer_edges(config.catalog, tree, cache=cache, links=links))
