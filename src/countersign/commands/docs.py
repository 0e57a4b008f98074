"""``countersign docs check``: documentation whose references no longer match the code.

Exit codes: 0 every reference holds, 1 stale references found, 4 bad input (not a repository,
unknown revision, no documents under the paths given)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from countersign.docs_review import review_docs
from countersign.errors import ExitCode, FatalError
from countersign.intake import git
from countersign.output.docs import render_docs


def docs_check(
    cwd: Path,
    paths: tuple[str, ...],
    rev: str,
    docs_root: Path | None,
    commands: tuple[str, ...],
    fmt: str,
    everything: bool,
    base: str | None = None,
    as_of: date | None = None,
) -> int:
    root = _root(cwd)
    review = review_docs(root, rev, paths, docs_root, commands, base, as_of)
    click.echo(render_docs(review, fmt, everything), nl=False)
    return ExitCode.NEEDS_APPROVAL if review.stale else ExitCode.PASS


def _root(cwd: Path) -> Path:
    """The work tree's top, or the repository itself when it is bare (a mirror)."""
    try:
        if git.git(cwd, "rev-parse", "--is-bare-repository").strip() == b"true":
            return cwd
    except FatalError:
        pass
    return git.repo_root(cwd)
