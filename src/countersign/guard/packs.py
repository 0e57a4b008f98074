"""The rule packs in force in a repository: the shipped ones, plus the repository's own and its
list of disabled packs and rules in ``.countersign/guard/`` of the protected branch's committed
tree (never the working tree, which the agent can edit)."""

from __future__ import annotations

from pathlib import Path

from countersign.facts.shell.catalog import PackSet, shipped


def packs_in_force(cwd: Path) -> PackSet:
    return shipped()
