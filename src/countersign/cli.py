"""Command-line surface: options and help only; each command's work is in ``commands/``."""

from __future__ import annotations

from pathlib import Path

import click

from countersign import __version__
from countersign.output import FORMATS

EXIT_CODES = """\b
Exit codes:
  0   pass: no sign-off needed (or all given)
  1   needs approval: sign-offs are missing
  2   blocked: policy forbids the change as it is
  3   usage or configuration error (bad option, invalid .countersign/ file)
  4   input error (not a repository, unknown revision, unreadable patch or plan)
  5   ledger error (unreadable or untrustworthy ledger)
  70  internal error (a bug: a report file is written)
  130 interrupted"""

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)


@click.group(epilog=EXIT_CODES, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="countersign")
def cli() -> None:
    """countersign: risk-proportional sign-off for AI-assisted changes, bound to exact content."""


@cli.command(epilog=EXIT_CODES)
@click.option("--base", help="Base revision (default: merge-base with the default branch).")
@click.option("--head", default="HEAD", show_default=True, help="Head revision.")
@click.option("--worktree", is_flag=True, help="Include uncommitted work (tracked and untracked).")
@click.option("--patch", "patch", type=click.Path(dir_okay=False), help="Check a patch file.")
@click.option(
    "--plan",
    "plans",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="An artifact to analyse with the change (Terraform plan JSON, ...). Repeatable.",
)
@click.option(
    "--check-status",
    "checks",
    multiple=True,
    metavar="NAME=STATUS",
    help="Result of an automated check, e.g. tests=success. Repeatable.",
)
@click.option(
    "-C",
    "repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    help="Run as if started in this directory.",
)
@format_option
def check(
    base: str | None,
    head: str,
    worktree: bool,
    patch: str | None,
    plans: tuple[str, ...],
    checks: tuple[str, ...],
    repo: Path,
    fmt: str,
) -> int:
    """Decide what sign-off a change needs, and whether it has it."""
    from countersign.commands.check import check as run

    return run(
        repo,
        base=base,
        head=head,
        worktree=worktree,
        patch=patch,
        plans=plans,
        checks=checks,
        fmt=fmt,
    )


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@format_option
def scan(files: tuple[str, ...], fmt: str) -> int:
    """Find hazards in plans, SQL, manifests and policies given as files."""
    from countersign.commands.scan import scan as run

    return run(files, fmt)


@cli.command()
@click.option("-C", "repo", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
def init(repo: Path, force: bool) -> int:
    """Write a commented starter .countersign/ (policy, catalog, people)."""
    from countersign.commands.init import init as run

    return run(repo, force=force)


@cli.command()
@click.option("--base")
@click.option("--head", default="HEAD", show_default=True)
@click.option("--worktree", is_flag=True)
@click.option("--as", "identity", help="Approver identity (default: git user.email).")
@click.option("--requirement", help="Only this requirement (default: every one you may sign).")
@click.option("--note", default="", help="Why you approve.")
@click.option("-C", "repo", type=click.Path(file_okay=False, path_type=Path), default=".")
def approve(
    base: str | None,
    head: str,
    worktree: bool,
    identity: str | None,
    requirement: str | None,
    note: str,
    repo: Path,
) -> int:
    """Approve the exact content of a change (bound to its fingerprint)."""
    from countersign.commands.approve import approve as run

    return run(
        repo,
        base=base,
        head=head,
        worktree=worktree,
        identity=identity,
        requirement=requirement,
        note=note,
    )


@cli.command()
@click.option("--base")
@click.option("--head", default="HEAD", show_default=True)
@click.option("--worktree", is_flag=True)
@click.option("--summary", default="", help="What changes and why.")
@click.option("--test-evidence", default="", help="How it was tested.")
@click.option("--rollback-plan", default="", help="How to undo it.")
@click.option("--as", "identity", help="Author of the record (default: git user.email).")
@click.option("-C", "repo", type=click.Path(file_okay=False, path_type=Path), default=".")
def record(
    base: str | None,
    head: str,
    worktree: bool,
    summary: str,
    test_evidence: str,
    rollback_plan: str,
    identity: str | None,
    repo: Path,
) -> int:
    """Write the change record (summary, test evidence, rollback plan) for a change."""
    from countersign.commands.record import record as run

    return run(
        repo,
        base=base,
        head=head,
        worktree=worktree,
        identity=identity,
        fields={"summary": summary, "test_evidence": test_evidence, "rollback_plan": rollback_plan},
    )


@cli.command()
@click.option("--keep", is_flag=True, help="Keep the sample repository and print its path.")
def demo(keep: bool) -> int:
    """Build a sample monorepo and walk through a risky AI-assisted change, end to end."""
    from countersign.commands.demo import demo as run

    return run(keep=keep)


@cli.group()
def risk() -> None:
    """Mine history, label defect-inducing changes (SZZ), train and evaluate the risk model."""


repo_option = click.option(
    "--repo",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A git repository to mine.",
)
gap_option = click.option(
    "--gap-days",
    type=float,
    default=90.0,
    show_default=True,
    help="Leave the newest changes unlabelled: their bugs may not be found yet.",
)
labels_option = click.option(
    "--labels",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Explicit labels: one defect-inducing commit sha per line (e.g. from incidents).",
)
dataset_option = click.option(
    "--dataset",
    "datasets",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A CSV in the ISSTA'21 JIT format (_id, date, bug, 14 metrics). Repeatable.",
)


@risk.command("mine")
@click.option(
    "--repo",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=".",
    show_default=True,
    help="The git repository to mine.",
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="CSV file (default: stdout)."
)
@gap_option
@labels_option
@click.option(
    "--ignore-revs",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Formatting commits for blame to skip (git's --ignore-revs-file format).",
)
def risk_mine(
    repo: Path, out: Path | None, gap_days: float, labels: Path | None, ignore_revs: Path | None
) -> int:
    """Compute the 14 change metrics and SZZ labels of every commit (incremental, cached)."""
    from countersign.commands.risk import mine

    return mine(repo, out, gap_days, labels, ignore_revs)


@risk.command("train")
@repo_option
@dataset_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Model file (default: the repository's state directory).",
)
@click.option(
    "--name", default="repository", show_default=True, help="Model name shown in reports."
)
@gap_option
@labels_option
def risk_train(
    repo: Path | None,
    datasets: tuple[Path, ...],
    out: Path | None,
    name: str,
    gap_days: float,
    labels: Path | None,
) -> int:
    """Fit the repository's own risk model (needs scikit-learn: the `train` extra)."""
    from countersign.commands.risk import train

    return train(repo, datasets, out, name, gap_days, labels)


@risk.command("eval")
@repo_option
@dataset_option
@gap_option
@labels_option
def risk_eval(
    repo: Path | None, datasets: tuple[Path, ...], gap_days: float, labels: Path | None
) -> int:
    """Chronological 80/20 evaluation against LApredict and a logistic baseline, as JSON."""
    from countersign.commands.risk import evaluate

    return evaluate(repo, datasets, gap_days, labels)
