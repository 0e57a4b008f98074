"""Branch names: agents push to prefixes of their own (``claude/``, ``codex/``, ``copilot/``...).
The branch is the checked-out one, or the PR's head branch (CI checks out a detached HEAD)."""

from __future__ import annotations

from collections.abc import Iterator

from countersign.facts.context import Context
from countersign.facts.provenance.directory import directory_of
from countersign.facts.provenance.records import Confidence, Signal
from countersign.intake.change import Change


def signals(change: Change, context: Context) -> Iterator[Signal]:
    directory = directory_of(context)
    branches = dict.fromkeys(
        b for b in (change.branch, change.pull_request and change.pull_request.head_ref) if b
    )
    for branch in branches:
        found = directory.by_branch(branch)
        if found is not None:
            agent, prefix = found
            yield Signal(
                "agent-branch",
                Confidence.MEDIUM,
                f"branch {branch}",
                f"branch {branch!r} has the {agent.id} prefix {prefix!r}",
                agent.id,
            )
            return
