"""Commands that look at a change: check, scan, blast, provenance; init and the demo."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.cli.options import (
    EXIT_CODES,
    check_status_option,
    format_choice,
    format_option,
    pr_payload_option,
    range_options,
    repo_option,
    report_option,
)


@click.command(epilog=EXIT_CODES)
@range_options
@click.option("--patch", "patch", type=click.Path(dir_okay=False), help="Check a patch file.")
@click.option(
    "--plan",
    "plans",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="An artifact to analyse with the change (Terraform plan JSON, ...). Repeatable.",
)
@pr_payload_option
@check_status_option()
@repo_option
@format_option
@report_option("text", "json", "markdown", "sarif")
def check(
    base: str | None,
    head: str,
    worktree: bool,
    patch: str | None,
    plans: tuple[str, ...],
    pr_payload: str | None,
    checks: tuple[str, ...],
    repo: Path,
    fmt: str,
    reports: tuple[str, ...],
) -> int:
    """Decide what sign-off a change needs, and whether it has it."""
    from countersign.commands.check import check as run
    from countersign.intake.selection import select

    selection = select(
        base=base, head=head, worktree=worktree, patch=patch, plans=plans, pr_payload=pr_payload
    )
    return run(repo, selection, checks=checks, fmt=fmt, reports=reports)


@click.command(epilog=EXIT_CODES)
@click.option(
    "--base",
    required=True,
    help="The revision deployed now (a tag, a commit): the release is what comes after it.",
)
@click.option("--head", default="HEAD", show_default=True, help="The release candidate.")
@check_status_option("Result of an automated check of the release, e.g. tests=success. Repeatable.")
@click.option(
    "--deployed-to",
    "environment",
    metavar="ENV",
    help="When the release passes, record in the ledger that it is deployed to ENV now (its "
    "changes and services), for incident linkage's deployment window.",
)
@repo_option
@format_choice("text", "json", "markdown")
@report_option("text", "json", "markdown")
def verify(
    base: str,
    head: str,
    checks: tuple[str, ...],
    environment: str | None,
    repo: Path,
    fmt: str,
    reports: tuple[str, ...],
) -> int:
    """The deploy gate: every change between BASE and HEAD must be signed off as it was
    reviewed (a merged branch as its pull request showed it, any other commit as itself)."""
    from countersign.commands.verify import verify as run

    return run(
        repo,
        base=base,
        head=head,
        checks=checks,
        fmt=fmt,
        reports=reports,
        environment=environment,
    )


@click.command()
@click.argument("rev_range", metavar="[RANGE]", required=False)
@click.option("--worktree", is_flag=True, help="Include uncommitted work (tracked and untracked).")
@click.option(
    "--patch",
    "patch",
    type=click.Path(dir_okay=False),
    help="A patch file instead of a range (git format-patch output carries the messages).",
)
@pr_payload_option
@repo_option
@format_choice("text", "json")
def provenance(
    rev_range: str | None,
    worktree: bool,
    patch: str | None,
    pr_payload: str | None,
    repo: Path,
    fmt: str,
) -> int:
    """Which commits are AI-assisted, how sure, and the evidence.

    RANGE is BASE..HEAD, or BASE (to HEAD); by default, the merge-base with the default branch
    to HEAD."""
    from countersign.commands.provenance import provenance_command
    from countersign.intake.selection import select_range

    selection = select_range(rev_range, worktree=worktree, patch=patch, pr_payload=pr_payload)
    return provenance_command(repo, selection, fmt=fmt)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@format_option
def scan(files: tuple[str, ...], fmt: str) -> int:
    """Find hazards in plans, SQL, manifests and policies given as files.

    Exit 0 when none, 1 when hazards were found (or a file could not be analysed), 4 when a
    file cannot be read.
    """
    from countersign.commands.scan import scan as run

    return run(files, fmt)


@click.command()
@click.argument("spec", metavar="[RANGE]", required=False)
@click.option("--worktree", is_flag=True, help="Include uncommitted work (tracked and untracked).")
@click.option(
    "--plan",
    "plans",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="A plan or manifest whose resources count too (Terraform plan JSON, ...). Repeatable.",
)
@repo_option
@format_choice(
    "text", "json", "markdown", help="Output format (Markdown draws the graph in Mermaid)."
)
def blast(spec: str | None, worktree: bool, plans: tuple[str, ...], repo: Path, fmt: str) -> int:
    """Show the blast radius of a change: services, critical systems, dependents, environments,
    owners and the score, explained.

    RANGE is BASE..HEAD, or BASE (to HEAD); by default, the merge-base with the default branch
    to HEAD."""
    from countersign.commands.blast import blast as run
    from countersign.intake.selection import select_range

    return run(repo, select_range(spec, worktree=worktree, plans=plans), fmt=fmt)


@click.command()
@repo_option
@click.option("--force", is_flag=True, help="Overwrite existing files.")
def init(repo: Path, force: bool) -> int:
    """Write .countersign/ from the repository: services from its Go modules, workspaces and
    Python packages, owners from CODEOWNERS, a roster of its most active authors (levels left
    for you to fill in), the default policy."""
    from countersign.commands.init import init as run

    return run(repo, force=force)


@click.command()
@repo_option
@click.option(
    "--base",
    default=None,
    help="The branch countersign is adopted on (default: the default branch).",
)
@click.option(
    "--branch",
    default="countersign-adopt",
    show_default=True,
    help="The branch the adoption commit is made on, when you are on the base branch.",
)
@click.option("-m", "--message", default=None, help="The adoption commit's message.")
@click.option(
    "--solo",
    is_flag=True,
    help="A repository of one person: the roster names you alone, and your own sign-off is "
    "recorded once GitHub confirms you are its only collaborator and an administrator.",
)
def adopt(repo: Path, base: str | None, branch: str, message: str | None, solo: bool) -> int:
    """Commit .countersign/ (validated as the gate will read it) as the adoption change, on its
    own branch, and say how it is signed off: the branch has no roster yet, so a repository
    administrator approves the pull request on GitHub and the Action records the review."""
    from countersign.commands.adopt import DEFAULT_MESSAGE
    from countersign.commands.adopt import adopt as run

    return run(repo, base=base, branch=branch, message=message or DEFAULT_MESSAGE, solo=solo)


@click.group("config")
def config() -> None:
    """The .countersign/ configuration."""


@config.command("check")
@repo_option
def config_check(repo: Path) -> int:
    """Validate the working tree's .countersign/ files (before they are committed) with the
    gate's own loaders and messages. Exit 3 if any would stop the gate."""
    from countersign.commands.config_check import config_check as run

    return run(repo)


@click.command()
@click.option("--keep", is_flag=True, help="Keep the sample repository and print its path.")
def demo(keep: bool) -> int:
    """Build a sample monorepo and walk through a risky AI-assisted change, end to end."""
    from countersign.cli import cli
    from countersign.commands.demo import demo as run

    def command(args: list[str]) -> int:
        return int(cli.main(args=args, prog_name="countersign", standalone_mode=False) or 0)

    return run(keep=keep, run=command)
