"""A handle on a git repository: a checkout, or a bare repository (a service holds mirrors).
Every read goes through git at ``root``; only ``--worktree`` needs a checkout."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from countersign.errors import InputError
from countersign.intake import git


@dataclass(frozen=True)
class Repository:
    """``root`` is the top of the working tree, or the git directory of a bare repository."""

    root: Path
    bare: bool = False


def open_repository(path: Path) -> Repository:
    """The repository ``path`` is in (a checkout or a bare repository)."""
    try:
        return Repository(git.repo_root(path))
    except InputError:
        if not _is_bare(path):
            raise
    out = git.git(path, "rev-parse", "--absolute-git-dir")
    return Repository(Path(out.decode().strip()), bare=True)


def _is_bare(path: Path) -> bool:
    try:
        return git.git(path, "rev-parse", "--is-bare-repository").decode().strip() == "true"
    except InputError:
        return False
