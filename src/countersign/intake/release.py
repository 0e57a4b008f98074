"""The changes a release is made of, each as it was reviewed, for the deploy gate.

A release is the first-parent history from the last deployed revision to the candidate. Each
first-parent commit is one change:

- a merge commit is the branch it merged, from where it left the mainline to the branch's head:
  the range a pull request shows and its sign-offs were bound to. When the merge commit's tree is
  not what merging that branch cleanly gives (conflicts resolved by hand, edits slipped into the
  merge), the merge as it landed is the change instead (first parent to merge), so nobody ships
  content nobody signed;
- any other commit (a squash merge, a direct push, a rebased commit) is that commit's own diff;
- a commit whose tree is its first parent's ships nothing (an empty commit, a merge that kept the
  mainline's tree): there is nothing to sign off. Only the first parent counts: a merge whose
  tree is its branch's ships the branch, and a commit that only changes a file's mode has a tree
  of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from countersign.errors import InputError, UsageError
from countersign.intake.git import git, resolve

MAX_CHANGES = 500


@dataclass(frozen=True)
class ReleasedChange:
    commit: str
    subject: str
    kind: str  # "merge", "merge-as-landed", "commit" or "empty"
    base: str
    head: str
    note: str = ""


def changes_in(root: Path, base: str, head: str) -> tuple[ReleasedChange, ...]:
    base_sha, head_sha = resolve(root, base), resolve(root, head)
    out = git(
        root, "rev-list", "--first-parent", "--parents", "--reverse", f"{base_sha}..{head_sha}"
    ).decode()
    lines = [line.split() for line in out.splitlines() if line.strip()]
    if len(lines) > MAX_CHANGES:
        raise UsageError(
            f"{base}..{head} holds {len(lines)} changes on its first-parent line, over the "
            f"{MAX_CHANGES} verified at once; verify the release in parts"
        )
    subjects = _subjects(root, [line[0] for line in lines])
    empty = _same_tree_as_first_parent(root, lines)
    return tuple(
        _empty(line, subjects.get(line[0], ""))
        if line[0] in empty
        else _change(root, line, subjects.get(line[0], ""))
        for line in lines
    )


def _same_tree_as_first_parent(root: Path, lines: list[list[str]]) -> set[str]:
    """The commits whose tree is their first parent's (one ``rev-parse`` for all of them)."""
    pairs = [line[:2] for line in lines if len(line) >= 2]
    if not pairs:
        return set()
    out = git(root, "rev-parse", *(f"{c}^{{tree}}" for pair in pairs for c in pair)).decode()
    trees = out.split()
    return {
        c
        for (c, _), ours, first in zip(pairs, trees[::2], trees[1::2], strict=True)
        if ours == first
    }


def _empty(line: list[str], subject: str) -> ReleasedChange:
    commit, parents = line[0], line[1:]
    note = (
        "ships nothing: the merge kept the mainline's tree (the branch's content is not in it)"
        if len(parents) > 1
        else "ships nothing: an empty commit, its tree is its parent's"
    )
    return ReleasedChange(commit, subject, "empty", parents[0], commit, note)


def _change(root: Path, line: list[str], subject: str) -> ReleasedChange:
    commit, parents = line[0], line[1:]
    if not parents:
        raise InputError(
            f"{commit[:12]} is a root commit: a release starts after a deployed revision"
        )
    if len(parents) == 1:
        return ReleasedChange(commit, subject, "commit", parents[0], commit)
    landed = ReleasedChange(commit, subject, "merge-as-landed", parents[0], commit)
    if len(parents) > 2:  # an octopus merge: no single branch was reviewed
        return replace(landed, note="an octopus merge is verified as it landed")
    mainline, branch = parents
    clean = _clean_merge_tree(root, mainline, branch)
    if clean is None:
        return replace(
            landed, note="merging the branch conflicts: the resolution is part of the change"
        )
    tree = git(root, "rev-parse", f"{commit}^{{tree}}").decode().strip()
    if clean != tree:
        return replace(landed, note="the merge commit holds edits of its own, beyond the branch")
    fork = git(root, "merge-base", mainline, branch).decode().strip()
    return ReleasedChange(commit, subject, "merge", fork, branch)


def _clean_merge_tree(root: Path, ours: str, theirs: str) -> str | None:
    """The tree a conflict-free merge gives (``git merge-tree --write-tree``, git >= 2.38);
    None when it conflicts."""
    try:
        out = git(root, "merge-tree", "--write-tree", "--no-messages", ours, theirs).decode()
    except InputError:
        return None
    return out.split()[0] if out.strip() else None


def _subjects(root: Path, shas: list[str]) -> dict[str, str]:
    if not shas:
        return {}
    out = git(root, "show", "-s", "--format=%H %s", *shas).decode("utf-8", "replace")
    return dict(line.split(" ", 1) for line in out.splitlines() if " " in line)


def past_changes(
    root: Path, revs: str | None, *, merges: bool, limit: int
) -> list[tuple[str, str]]:
    """(commit, first parent) of the first-parent history of ``revs`` (default HEAD), oldest
    first: each merge with ``merges``, else each other commit; at most ``limit``."""
    if not revs:
        resolve(root, "HEAD")  # an empty repository says so, not git's words
    args = ["rev-list", "--first-parent", "--parents", f"--max-count={limit}"]
    args.append("--merges" if merges else "--no-merges")
    try:
        out = git(root, *args, "--end-of-options", revs or "HEAD").decode().split("\n")
    except InputError:
        raise InputError(
            f"unknown revision or range {revs!r}: check it with `git log --oneline {revs}`"
        ) from None
    pairs = [(line.split()[0], line.split()[1]) for line in out if len(line.split()) >= 2]
    if not pairs and not out[0].strip():
        raise UsageError(f"no {'merges' if merges else 'commits'} in {revs or 'HEAD'}")
    return list(reversed(pairs))
