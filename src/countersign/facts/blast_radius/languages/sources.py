"""What a language's edge inference reads and returns (kept apart so languages import it
without importing the registry)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from countersign.config.catalog import Edge
from countersign.config.problems import Problem
from countersign.facts.blast_radius.languages.scan_cache import ScanCache


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
    cache: ScanCache | None = None

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
