"""What a language's edge inference reads and returns (kept apart so languages import it
without importing the registry)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from countersign.config.catalog import Edge
from countersign.config.problems import Problem


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


@dataclass(frozen=True)
class Inferred:
    edges: tuple[Edge, ...] = ()
    problems: tuple[Problem, ...] = ()
