"""Commands for the risk model: mine history, label (SZZ), train and evaluate."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def risk() -> None:
    """Mine history, label defect-inducing changes (SZZ), train and evaluate the risk model."""


repository_option = click.option(
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


all_refs_option = click.option(
    "--all-refs",
    is_flag=True,
    help="Also mine the commits only other branches and tags reach (stable branches, "
    "releases), each from its own history.",
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
@all_refs_option
def risk_mine(
    repo: Path,
    out: Path | None,
    gap_days: float,
    labels: Path | None,
    ignore_revs: Path | None,
    all_refs: bool,
) -> int:
    """Compute the 14 change metrics and SZZ labels of every commit (incremental, cached)."""
    from countersign.commands.risk import mine

    return mine(repo, out, gap_days, labels, ignore_revs, all_refs)


@risk.command("train")
@repository_option
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
    """Fit the repository's own risk model (needs scikit-learn: the `train` extra), from the
    repository here unless --repo or --dataset says otherwise."""
    from countersign.commands.risk import train

    return train(repo, datasets, out, name, gap_days, labels)


@risk.command("eval")
@click.option(
    "--repo",
    "repos",
    multiple=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A git repository to mine. Repeatable with --labels CSV: pooled into one project.",
)
@dataset_option
@gap_option
@click.option(
    "--labels",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A CSV with a commit id column (_id, commit_id, sha) and a 0/1 label column (bug, "
    "label): evaluate on those commits with those labels instead of SZZ's. Otherwise explicit "
    "labels as for `risk mine`.",
)
@click.option("--name", help="The project's name in the report (default: the repositories').")
@all_refs_option
def risk_eval(
    repos: tuple[Path, ...],
    datasets: tuple[Path, ...],
    gap_days: float,
    labels: Path | None,
    name: str | None,
    all_refs: bool,
) -> int:
    """Chronological 80/20 evaluation against LApredict and a logistic baseline, as JSON."""
    from countersign.commands.risk import evaluate

    return evaluate(repos, datasets, gap_days, labels, name, all_refs)
