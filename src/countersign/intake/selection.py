"""Which change a caller means, parsed once: a revision range (or a patch file), uncommitted
work, plan files and an optional pull request. Every command and the library take this record.

One range grammar for every command that takes ``[RANGE]``:

    (nothing)   the merge-base with the default branch .. HEAD
    BASE        BASE..HEAD (what the current branch adds since BASE)
    BASE..HEAD  from the merge-base of BASE and HEAD to HEAD
    BASE...HEAD the same (the change is always what HEAD adds)
    BASE..      BASE..HEAD
"""

from __future__ import annotations

from dataclasses import dataclass

from countersign.errors import UsageError
from countersign.intake.pull_request import PullRequest, read_pull_request


@dataclass(frozen=True)
class ChangeSelection:
    """``base`` None: the merge-base with the default branch. ``patch``: read the change from
    this patch file instead of git (``base``, ``head`` and ``worktree`` then unused). ``plans``:
    artifact files analysed with the change. ``pull_request``: what its pull request says."""

    base: str | None = None
    head: str = "HEAD"
    worktree: bool = False
    patch: str | None = None
    plans: tuple[str, ...] = ()
    pull_request: PullRequest | None = None


def parse_range(spec: str | None) -> tuple[str | None, str]:
    """``(base, head)`` for a RANGE argument, in the grammar of this module's docstring."""
    if not spec:
        return None, "HEAD"
    sep = "..." if "..." in spec else ".." if ".." in spec else None
    if sep is None:
        return spec, "HEAD"
    base, head = spec.split(sep, 1)
    if not base:
        raise UsageError(f"range {spec!r} has no base; write BASE..HEAD, e.g. main..HEAD")
    return base, head or "HEAD"


def select(
    *,
    base: str | None = None,
    head: str = "HEAD",
    worktree: bool = False,
    patch: str | None = None,
    plans: tuple[str, ...] = (),
    pr_payload: str | None = None,
) -> ChangeSelection:
    """The selection from command-line values; ``pr_payload`` is a pull_request event file."""
    pull_request = read_pull_request(pr_payload) if pr_payload else None
    return ChangeSelection(base, head, worktree, patch, tuple(plans), pull_request)


def select_range(
    spec: str | None,
    *,
    worktree: bool = False,
    patch: str | None = None,
    plans: tuple[str, ...] = (),
    pr_payload: str | None = None,
) -> ChangeSelection:
    """The selection for a ``[RANGE]`` argument (see the grammar above)."""
    if patch and (spec or worktree):
        raise UsageError("--patch reads the change from the file: give no RANGE or --worktree")
    base, head = parse_range(spec)
    return select(
        base=base, head=head, worktree=worktree, patch=patch, plans=plans, pr_payload=pr_payload
    )
