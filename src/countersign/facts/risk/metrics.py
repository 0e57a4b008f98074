"""The 14 change metrics of Kamei et al. (2013), computed from one commit's file list and the
history seen before it. Pure: the miner feeds commits in order, scoring feeds one change.

Definitions (the ones tested in tests/facts/risk/test_metrics.py):

- ``ns``/``nd``/``nf``: distinct subsystems (first path component, ``.`` for the top level),
  directories and files touched.
- ``entropy``: Shannon entropy (bits) of the churn (added + deleted lines) over the files.
- ``la``/``ld``: lines added and deleted; ``lt``: lines in the touched files before the change.
- ``fix``: 1 when the message says the change fixes a defect (see ``szz.is_fix``).
- ``ndev``: distinct earlier authors of the touched files.
- ``age``: mean days since each touched file was last changed (0 for new files).
- ``nuc``: earlier changes to the touched files, summed over files (a change touching two of the
  files counts twice: an exact union costs quadratic time on hot files).
- ``exp``: earlier changes by the author; ``rexp``: the same, each weighted 1/(1 + years ago,
  whole years); ``sexp``: the author's earlier changes in the most familiar touched subsystem.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

METRICS = (
    "ns",
    "nd",
    "nf",
    "entropy",
    "la",
    "ld",
    "lt",
    "fix",
    "ndev",
    "age",
    "nuc",
    "exp",
    "rexp",
    "sexp",
)

DAY = 86400.0
YEAR = 365.25 * DAY


@dataclass(frozen=True)
class FileDelta:
    """One file in a commit: lines added/deleted (``None`` for binary) and its old path."""

    path: str
    added: int | None
    deleted: int | None
    old_path: str | None = None


@dataclass
class FileHistory:
    lines: int = 0
    changes: int = 0
    last_change: float | None = None
    authors: set[str] = field(default_factory=set)


@dataclass
class History:
    """What the metrics need to know about the past: per file and per author. Mutable on
    purpose: the miner updates it commit by commit (``record``) and caches it."""

    files: dict[str, FileHistory] = field(default_factory=dict)
    author_times: dict[str, list[float]] = field(default_factory=dict)
    author_subsystems: dict[str, dict[str, int]] = field(default_factory=dict)
    head: str | None = None  # the last commit recorded, when known
    # ``facts.risk.repo_features.RepoHistory`` at ``head``, when ``risk mine`` saved it: what
    # the repository features of a live change are computed against
    repo: Any = None

    def record(self, author: str, when: float, deltas: Iterable[FileDelta]) -> None:
        for d in deltas:
            if d.old_path and d.old_path != d.path and d.old_path in self.files:
                self.files[d.path] = self.files.pop(d.old_path)
            fh = self.files.setdefault(d.path, FileHistory())
            fh.lines = max(0, fh.lines + (d.added or 0) - (d.deleted or 0))
            fh.changes += 1
            fh.last_change = when
            fh.authors.add(author)
        times = self.author_times.setdefault(author, [])
        insort(times, when)
        subs = self.author_subsystems.setdefault(author, {})
        for s in {subsystem(d.path) for d in deltas}:
            subs[s] = subs.get(s, 0) + 1


def subsystem(path: str) -> str:
    head, sep, _ = path.partition("/")
    return head if sep else "."


def directory(path: str) -> str:
    head, sep, _ = path.rpartition("/")
    return head if sep else "."


def entropy(churns: Iterable[int]) -> float:
    values = [c for c in churns if c > 0]
    total = sum(values)
    if total == 0:
        return 0.0
    return -sum(c / total * math.log2(c / total) for c in values) + 0.0


def recent_experience(times: list[float], now: float) -> float:
    """Sum over earlier changes of 1 / (1 + whole years ago), by bisecting year windows."""
    end = bisect_right(times, now)
    total = 0.0
    years = 0
    while end > 0:
        start = bisect_left(times, now - (years + 1) * YEAR, 0, end)
        total += (end - start) / (1 + years)
        end = start
        years += 1
    return total


def compute(
    deltas: Iterable[FileDelta], author: str, when: float, fix: bool, history: History
) -> dict[str, float]:
    """The 14 metrics of a change by ``author`` at ``when`` given ``history`` before it."""
    files = list(deltas)
    paths = [d.path for d in files]
    subsystems = {subsystem(p) for p in paths}
    prior = [history.files.get(d.old_path or d.path) for d in files]
    known = [fh for fh in prior if fh is not None]
    ages = [(when - fh.last_change) / DAY for fh in known if fh.last_change is not None]
    authors: set[str] = set()
    for fh in known:
        authors |= fh.authors
    times = history.author_times.get(author, [])
    subs: Mapping[str, int] = history.author_subsystems.get(author, {})
    return {
        "ns": float(len(subsystems)),
        "nd": float(len({directory(p) for p in paths})),
        "nf": float(len(set(paths))),
        "entropy": entropy((d.added or 0) + (d.deleted or 0) for d in files),
        "la": float(sum(d.added or 0 for d in files)),
        "ld": float(sum(d.deleted or 0 for d in files)),
        "lt": float(sum(fh.lines for fh in known)),
        "fix": 1.0 if fix else 0.0,
        "ndev": float(len(authors)),
        "age": max(0.0, sum(ages) / len(ages)) if ages else 0.0,
        "nuc": float(sum(fh.changes for fh in known)),
        "exp": float(bisect_right(times, when)),
        "rexp": recent_experience(times, when),
        "sexp": float(max((subs.get(s, 0) for s in subsystems), default=0)),
    }
