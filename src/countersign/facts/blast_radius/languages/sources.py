"""What a language's edge inference reads and returns (kept apart so languages import it
without importing the registry)."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from countersign.config.catalog import Edge
from countersign.config.problems import Problem

T = TypeVar("T")


class ScanMemo(Protocol):
    """Remembers a scan's result by the text scanned (``state.import_scans.ScanCache``)."""

    def scan(self, kind: str, text: str, compute: Callable[[], Any]) -> Any: ...


@dataclass(frozen=True)
class Sources:
    """Files of one language that services own: every path (read or not, e.g. empty
    ``__init__.py``), the text of those that could be read, and the owning service of a path
    (of these files and of the manifests). ``manifests`` holds the text of every file of the
    tree named as the language's manifests (``go.mod``, ``package.json``), owned or not."""

    paths: tuple[str, ...]
    texts: Mapping[str, str]
    owner_of: Callable[[str], str | None]
    manifests: Mapping[str, str] = field(default_factory=dict)
    cache: ScanMemo | None = None
    links: LinkMemo | None = None
    catalog: object = None  # what ``owner_of`` answers from: a memo holds for one catalog
    # The paths whose text may differ from the last tree read with ``links`` (None: any):
    # every other path is in ``texts`` exactly when it was there, with the same text.
    changed: frozenset[str] | None = None

    def scan(self, path: str, kind: str, scanner: Callable[[str, str], Any]) -> Any:
        """``scanner(text, path)`` for a file, or what it gave for the same text before
        (``kind``: the language, its scanner's version and whatever else the result depends
        on, such as the dialect a suffix selects). Results are plain JSON values."""
        text = self.texts[path]
        if self.cache is None:
            return scanner(text, path)
        return self.cache.scan(kind, text, lambda: scanner(text, path))

    def memo(self, language: str, context: object) -> dict[str, Any] | None:
        """Where ``linked`` keeps each file's links for ``language`` while the catalog and
        ``context`` (everything else a file's imports resolve against: package directories,
        module paths, the set of files) stay those of the last tree; None without a memo."""
        if self.links is None:
            return None
        return self.links.files(language, self.catalog, context)

    def linked(
        self,
        memo: dict[str, Any] | None,
        path: str,
        owner: str,
        like: Linker,
        fill: Callable[[Linker], None],
    ) -> Linker:
        """What ``path`` (owned by ``owner``) adds to the edges: ``fill`` links it into a
        linker of its own (``like``'s kind), or the memo gives what it did for the same text."""
        text = self.texts[path]
        held = memo.get(path) if memo is not None else None
        if held is not None and held[0] == text and held[1] == owner:
            return held[2]  # type: ignore[no-any-return]
        part = Linker(like.noun, like.provided)
        fill(part)
        if memo is not None:
            memo[path] = (text, owner, part)
        return part


def link_all(
    src: Sources,
    language: str,
    memo: dict[str, Any] | None,
    linker: Linker,
    fill: Callable[[Linker, str, str], None],
    skipped: Callable[[str], bool] = lambda _path: False,
) -> Inferred:
    """Every owned file's links merged into ``linker`` in path order (``skipped``: files the
    language leaves out), each file's part from the memo when its text is the memo's. When the
    last tree was read with the same memo and manifests, only the files edited, added or
    removed since are looked at: if each edited one adds exactly what it added before and each
    added or removed one adds nothing, the last tree's result is the answer, without walking
    every file."""
    links = src.links
    fresh = linker.linked_nothing()
    if memo is not None and links is not None:
        walk = links.last_walk(language, memo) if fresh else None
        if walk is not None and src.changed is not None:
            for path in sorted(src.changed):
                walk.drop(path)
                if path in src.texts and not skipped(path):
                    _link_into(walk, src, memo, path, linker, fill)
            inferred = walk.inferred(linker.problems)
            links.keep_result(language, memo, src, inferred, walk)
            return inferred
        last = links.last_result(language, memo, src)
        if last is not None and _relinked(src, memo, last[1], linker, fill, skipped):
            links.keep_result(language, memo, src, last[0])
            return last[0]  # type: ignore[no-any-return]
    walk = Walk()
    for path in sorted(src.texts):
        owner = src.owner_of(path)
        if owner is None or skipped(path):
            continue
        part = src.linked(memo, path, owner, linker, lambda p: fill(p, path, owner))  # noqa: B023
        linker.merge(part)
        walk.add(path, part)
    inferred = linker.inferred()
    if memo is not None and links is not None:
        links.keep_result(language, memo, src, inferred, walk if fresh else None)
    return inferred


def _link_into(
    walk: Walk,
    src: Sources,
    memo: dict[str, Any],
    path: str,
    like: Linker,
    fill: Callable[[Linker, str, str], None],
) -> None:
    owner = src.owner_of(path)
    if owner is not None:
        walk.add(path, src.linked(memo, path, owner, like, lambda part: fill(part, path, owner)))


class Walk:
    """The files one ``link_all`` merged, each file's part, and which files add each pair of
    services and which report problems: what merging every part in path order gives, kept so
    that the next tree (its files edited, added or removed) costs only its changed files.
    Merging in path order keeps, for each pair, the edge of the first file that adds it, in
    the order those first files come (and, within one file, its own order); and each problem
    in path order, an ambiguous name only where it is first reported."""

    def __init__(self) -> None:
        self.parts: dict[str, Linker] = {}
        self._adding: dict[tuple[str, str], list[str]] = {}  # pair -> paths adding it, sorted
        self._reporting: list[str] = []  # paths whose part reports a problem, sorted

    def add(self, path: str, part: Linker) -> None:
        if part.adds_nothing():
            return
        self.parts[path] = part
        for pair in part.edges:
            bisect.insort(self._adding.setdefault(pair, []), path)
        if part.problems:
            bisect.insort(self._reporting, path)

    def drop(self, path: str) -> None:
        part = self.parts.pop(path, None)
        if part is None:
            return
        for pair in part.edges:
            paths = self._adding[pair]
            paths.remove(path)
            if not paths:
                del self._adding[pair]
        if part.problems:
            self._reporting.remove(path)

    def inferred(self, problems: list[Problem]) -> Inferred:
        """What a linker holding ``problems`` (its own, before any file's) gives once every
        part is merged into it in path order."""
        first: list[tuple[str, int, Edge]] = []
        order: dict[str, dict[tuple[str, str], int]] = {}
        for pair, paths in self._adding.items():
            part = self.parts[paths[0]]
            at = order.get(paths[0])
            if at is None:
                at = order[paths[0]] = {p: i for i, p in enumerate(part.edges)}
            first.append((paths[0], at[pair], part.edges[pair]))
        first.sort(key=lambda held: held[:2])
        linker = Linker("", problems=list(problems))
        for path in self._reporting:
            linker.merge(self.parts[path])
        return Inferred(tuple(edge for _, _, edge in first), tuple(linker.problems))


def _relinked(
    src: Sources,
    memo: dict[str, Any],
    before: frozenset[str],
    like: Linker,
    fill: Callable[[Linker, str, str], None],
    skipped: Callable[[str], bool],
) -> bool:
    """Whether the last tree's result holds for this one: each file edited since adds what it
    added before (linked again), and each file added or removed adds nothing at all. Only the
    paths ``src.changed`` names are looked at when it is known."""
    texts = src.texts
    edited = (
        texts.items()
        if src.changed is None
        else [(p, texts[p]) for p in sorted(src.changed) if p in texts]
    )
    gone = (
        before.difference(texts)
        if src.changed is None
        else [p for p in sorted(src.changed) if p in before and p not in texts]
    )
    for path, text in edited:
        held = memo.get(path)
        added = path not in before
        if not added and held is not None and (held[0] is text or held[0] == text):
            continue
        owner = src.owner_of(path)
        if owner is None or skipped(path):
            continue
        if not added and (held is None or held[1] != owner):
            return False
        part = src.linked(memo, path, owner, like, lambda p: fill(p, path, owner))  # noqa: B023
        if (added and not part.adds_nothing()) or (
            not added and held is not None and not part.adds_as(held[2])
        ):
            return False
    for path in gone:
        if skipped(path):
            continue
        held = memo.get(path)
        if held is None or not held[2].adds_nothing():
            return False
    return True


class LinkMemo:
    """Each file's links, kept across the trees of many commits (a replay, a release): between
    consecutive commits few files change and what their imports resolve against rarely does,
    so only the changed files are scanned and resolved again. A language's memo is emptied
    whenever its catalog or its context is not the last one's (compared by value: a release
    reads an equal catalog again at each change's base); ``code`` keeps which paths each
    language reads the same way."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[object, object, dict[str, Any]]] = {}
        self._code: dict[str, tuple[object, tuple[str, ...], Any]] = {}
        self._mine: dict[str, tuple[tuple[str, ...], tuple[str, ...], int | None]] = {}
        self._results: dict[str, tuple[dict[str, Any], Mapping[str, str], frozenset[str], Any]] = {}
        self._texts: dict[str, tuple[int, object, dict[str, str], dict[str, str]]] = {}
        self._walks: dict[str, Walk] = {}

    def last_texts(
        self, language: str, catalog: object
    ) -> tuple[int, dict[str, str], dict[str, str]] | None:
        """The serial of the last tree ``language`` was inferred from with ``catalog``, and
        the texts of its owned files and manifests there (``keep_texts``)."""
        held = self._texts.get(language)
        if held is None or not _same(held[1], catalog):
            return None
        return held[0], held[2], held[3]

    def keep_texts(
        self,
        language: str,
        serial: int | None,
        catalog: object,
        texts: dict[str, str],
        manifests: dict[str, str],
    ) -> None:
        if serial is None:
            self._texts.pop(language, None)
        else:
            self._texts[language] = (serial, catalog, texts, manifests)

    def paths_of(
        self,
        language: str,
        everything: tuple[str, ...],
        compute: Callable[[], tuple[str, ...]],
        serial: int | None = None,
        advance: Callable[[tuple[str, ...], int | None], tuple[str, ...] | None] | None = None,
    ) -> tuple[str, ...]:
        """The paths of the tree ``language`` reads, picked out again only when the tree's
        paths are not the last tree's (the same tuple then: ``code`` compares it at once).
        ``serial``: the tree's; ``advance(paths, since)`` gives them from the paths picked out
        of the tree ``since`` names, or None when it cannot (then ``compute`` does)."""
        held = self._mine.get(language)
        if held is None or held[0] != everything:
            found = advance(held[1], held[2]) if held is not None and advance else None
            held = (everything, compute() if found is None else found, serial)
        else:
            held = (held[0], held[1], serial)
        self._mine[language] = held
        return held[1]

    def files(self, language: str, catalog: object, context: object) -> dict[str, Any]:
        held = self._files.get(language)
        if held is None or not _same(held[0], catalog) or held[1] != context:
            held = self._files[language] = (catalog, context, {})
        return held[2]

    def code(
        self,
        language: str,
        catalog: object,
        paths: tuple[str, ...],
        compute: Callable[[], T],
    ) -> T:
        held = self._code.get(language)
        if held is None or not _same(held[0], catalog) or held[1] != paths:
            held = self._code[language] = (catalog, paths, compute())
        return held[2]

    def last_result(
        self, language: str, memo: dict[str, Any], src: Sources
    ) -> tuple[Any, frozenset[str]] | None:
        """What ``language`` inferred from the last tree and the files it read there, if that
        tree was read with the same ``memo`` (so the same catalog and context) and the same
        manifests: then only the files added, removed or edited since can change it."""
        held = self._results.get(language)
        if held is None or held[0] is not memo or held[1] != src.manifests:
            return None
        return held[3], held[2]

    def keep_result(
        self,
        language: str,
        memo: dict[str, Any],
        src: Sources,
        result: Any,
        walk: Walk | None = None,
    ) -> None:
        self._results[language] = (memo, dict(src.manifests), frozenset(src.texts), result)
        if walk is None:
            self._walks.pop(language, None)
        else:
            self._walks[language] = walk

    def last_walk(self, language: str, memo: dict[str, Any]) -> Walk | None:
        """The ``Walk`` of the last tree ``language`` was inferred from, if that tree was read
        with the same ``memo`` and its result was a walk's. Its manifests may differ: what a
        file's part depends on besides its text and owner is the memo's context (module
        paths, package names), and the linker's own problems (a manifest's) are the new
        tree's, given to ``Walk.inferred``. A dependency bump in ``go.mod`` keeps the walk."""
        held = self._results.get(language)
        if held is None or held[0] is not memo:
            return None
        return self._walks.get(language)


def _same(a: object, b: object) -> bool:
    return a is b or a == b


@dataclass(frozen=True)
class Inferred:
    edges: tuple[Edge, ...] = ()
    problems: tuple[Problem, ...] = ()


@dataclass
class Linker:
    """Turns each resolved import into an edge between two services, once per pair, and
    reports an import that several services could satisfy instead of guessing (once per name).
    ``provided``: how a language says where a name lives ("is provided by", "is in files of")."""

    noun: str  # "module", "package"
    provided: str = "is provided by"
    edges: dict[tuple[str, str], Edge] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    _reported: set[str] = field(default_factory=set)
    _named: dict[int, str] = field(default_factory=dict)  # problem index -> ambiguous name

    def link(
        self, owner: str, targets: set[str] | None, where: str, imported: str, name: str = ""
    ) -> None:
        """``owner``'s file at ``where`` imports ``imported`` (``name``: what the message calls
        it, when not the import itself), which ``targets`` provide."""
        if not targets or owner in targets:
            return
        if len(targets) > 1:
            name = name or imported
            if name not in self._reported:
                self._reported.add(name)
                self._named[len(self.problems)] = name
                self.problems.append(
                    Problem(
                        where,
                        f"{self.noun} {name!r} {self.provided} {len(targets)} services "
                        f"({', '.join(sorted(targets))}); this import adds no edge",
                    )
                )
            return
        (dep,) = targets
        self.edges.setdefault(
            (owner, dep), Edge(owner, dep, f"{where} imports {imported}", inferred=True)
        )

    def merge(self, part: Linker) -> None:
        """Add what one file's linker found, as if its imports had been linked here in turn
        (files are merged in the order they would have been walked)."""
        for pair, edge in part.edges.items():
            self.edges.setdefault(pair, edge)
        for i, problem in enumerate(part.problems):
            name = part._named.get(i)
            if name is not None:
                if name in self._reported:
                    continue
                self._reported.add(name)
                self._named[len(self.problems)] = name
            self.problems.append(problem)

    def adds_as(self, other: Linker) -> bool:
        """Whether merging this linker adds exactly what merging ``other`` does, in order."""
        return (
            list(self.edges.items()) == list(other.edges.items())
            and self.problems == other.problems
            and self._named == other._named
        )

    def linked_nothing(self) -> bool:
        """Nothing linked or merged yet (problems of its own, such as a manifest's, aside)."""
        return not self.edges and not self._reported

    def adds_nothing(self) -> bool:
        return not self.edges and not self.problems

    def inferred(self) -> Inferred:
        return Inferred(tuple(self.edges.values()), tuple(self.problems))
