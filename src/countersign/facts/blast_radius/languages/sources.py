"""What a language's edge inference reads and returns (kept apart so languages import it
without importing the registry)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from countersign.config.catalog import Edge
from countersign.config.problems import Problem


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

    def scan(self, path: str, kind: str, scanner: Callable[[str, str], Any]) -> Any:
        """``scanner(text, path)`` for a file, or what it gave for the same text before
        (``kind``: the language, its scanner's version and whatever else the result depends
        on, such as the dialect a suffix selects). Results are plain JSON values."""
        text = self.texts[path]
        if self.cache is None:
            return scanner(text, path)
        return self.cache.scan(kind, text, lambda: scanner(text, path))


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

    def inferred(self) -> Inferred:
        return Inferred(tuple(self.edges.values()), tuple(self.problems))
