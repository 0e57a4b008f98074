"""What a long-running process (the service's worker) remembers between the changes it opens
(``workspace.open_change``): each base revision's file listing, by commit, and the
configuration read at a base, by the ids of the blobs it was read from.

Both are keyed by content, so they are safe across repositories and installations: a commit
id names one tree, and the same blobs are the same text, parsed the same way, wherever they
are. A base branch that moves on without touching its configuration (every merge) finds the
configuration parsed already. Bounded: the least recently used go first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Generic, TypeVar

from countersign.config import Config
from countersign.decision.policy import Policy
from countersign.facts.provenance.directory import AgentDirectory

K = TypeVar("K")
V = TypeVar("V")


class _Recent(Generic[K, V]):
    """At most ``size`` values, the least recently used dropped; for several threads."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self._size:
                self._values.popitem(last=False)


@dataclass(frozen=True)
class Listing:
    """A revision's files (path -> blob id) and submodules, as ``GitTree`` lists them. Shared
    between the trees that take it: never changed once made."""

    blobs: dict[str, str]
    gitlinks: tuple[str, ...]


@dataclass(frozen=True)
class ReadConfig:
    """The configuration read at a base: the ``.countersign/`` files' texts, the catalog, roster
    and hazard settings (``root`` left out: it is the repository's), the policy and the agent
    directory."""

    texts: dict[str, str]
    config: Config
    policy: Policy
    directory: AgentDirectory


class Memo:
    """``listings``: by commit id; ``configs``: by the (path, blob id) pairs of every file the
    configuration reads (``.countersign/``, Backstage files, CODEOWNERS)."""

    def __init__(self, listings: int = 8, configs: int = 64) -> None:
        self.listings: _Recent[str, Listing] = _Recent(listings)
        self.configs: _Recent[tuple[tuple[str, str], ...], ReadConfig] = _Recent(configs)
