"""``countersign docs``: documentation freshness."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from countersign.cli.options import format_choice, repo_option


@click.group()
def docs() -> None:
    """Documentation that no longer matches the code (stale knowledge)."""


@docs.command(
    "check",
    epilog="\b\nExit codes:\n  0  every reference holds\n  1  stale references found\n"
    "  3  usage error\n  4  input error (not a repository, unknown revision, no documents)",
)
@click.argument("paths", nargs=-1)
@click.option("--rev", default="HEAD", show_default=True, help="Revision of the code to check.")
@click.option(
    "--base",
    help="Only what the change BASE..REV touched: its edited documents, and references its "
    "commits made stale (for CI on a pull request).",
)
@click.option(
    "--docs",
    "docs_root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Check these documents instead of the repository's own: a wiki clone or an export.",
)
@click.option(
    "--command",
    "commands",
    multiple=True,
    metavar="NAME",
    help="A command-line program of this repository not found in its manifests. Repeatable.",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Judge other projects' tools as on this day (YYYY-MM-DD; default: today): what a "
    "reader of an old revision ran then.",
)
@click.option("--all", "everything", is_flag=True, help="Also list unresolved references.")
@repo_option
@format_choice("text", "json", "markdown")
def check(
    paths: tuple[str, ...],
    rev: str,
    docs_root: Path | None,
    commands: tuple[str, ...],
    everything: bool,
    repo: Path,
    fmt: str,
    base: str | None,
    as_of: datetime | None,
) -> int:
    """List the references in PATHS (default: every document) to paths, commands, flags,
    environment variables, functions and keys that the code no longer has, with the commit
    that removed or renamed each."""
    from countersign.commands.docs import docs_check

    day = as_of.date() if as_of else None
    return docs_check(repo, paths, rev, docs_root, commands, fmt, everything, base, day)
