"""The ``insight`` command: options and help only."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from countersign.cli.options import repo_option, report_option


def _since(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC).timestamp()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


@click.command()
@click.option(
    "--changes",
    "changes_csv",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Analyse a CSV of changes instead of this repository: id, ai_assisted, failed, date, "
    "and optionally size, risk, tier, level, service, author, rework, restore_hours, gated.",
)
@click.option(
    "--failure",
    type=click.Choice(["auto", "incidents", "reverts", "szz", "reverts+szz"]),
    default="auto",
    show_default=True,
    help="What counts as a failed change: linked to an incident; reverted; blamed by SZZ from a "
    "fix; auto = incidents when the ledger has any, else reverts+szz.",
)
@click.option(
    "--min-confidence",
    type=click.FloatRange(0.0, 1.0),
    default=0.5,
    show_default=True,
    help="An incident link counts as a failure from this confidence on.",
)
@click.option(
    "--window-hours",
    type=click.FloatRange(0.0),
    default=24.0,
    show_default=True,
    help="Deployment window: changes first deployed this long before an incident.",
)
@click.option(
    "--rework-days",
    type=click.FloatRange(0.0),
    default=14.0,
    show_default=True,
    help="Rework: a fix touching the same files within this many days.",
)
@click.option(
    "--revert-days",
    type=click.FloatRange(0.0),
    default=30.0,
    show_default=True,
    help="A revert counts as a failure when it comes within this many days.",
)
@click.option(
    "--gap-days",
    type=click.FloatRange(0.0),
    default=90.0,
    show_default=True,
    help="SZZ leaves the newest changes unlabelled (their bugs may not be found yet).",
)
@click.option("--since", help="Only changes from this date (YYYY-MM-DD).")
@click.option(
    "--policy-replay",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    metavar="N",
    help="Replay the current policy on the newest N changes for its point on the replay "
    "curve (shadow mode: about a second per change).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "html"]),
    default="text",
    show_default=True,
    help="Output format (html: one self-contained file with charts).",
)
@click.option(
    "--out", "output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE."
)
@report_option("text", "json", "markdown", "html")
@click.option(
    "--export-anonymised",
    "anonymised",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the changes, incidents and links with salted hashes for people, "
    "services, commits and incidents, weeks for dates and no free text, to share.",
)
@click.option("--salt", help="The export's secret salt (default: $COUNTERSIGN_SALT).")
@click.option(
    "--charts",
    "charts_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write each chart as SVG and PNG into DIR (vl-convert: the insight extra).",
)
@repo_option
def insight(
    changes_csv: Path | None,
    failure: str,
    min_confidence: float,
    window_hours: float,
    rework_days: float,
    revert_days: float,
    gap_days: float,
    since: str | None,
    policy_replay: int,
    fmt: str,
    output: Path | None,
    reports: tuple[str, ...],
    anonymised: Path | None,
    salt: str | None,
    charts_dir: Path | None,
    repo: Path,
) -> int:
    """Do AI-assisted changes fail more? Change-failure rates with intervals, an adjusted
    comparison and a verdict that says what the data cannot show; time to restore, rework,
    the friction each rule costs, and the replay curve."""
    from countersign.commands.insight import insight as run
    from countersign.evidence.changes import Settings

    settings = Settings(
        failure=failure,
        min_confidence=min_confidence,
        window_hours=window_hours,
        rework_days=rework_days,
        revert_days=revert_days,
        gap_days=gap_days,
        since=_since(since),
        policy_replay=policy_replay,
    )
    return run(
        repo,
        changes_csv=changes_csv,
        fmt=fmt,
        output=output,
        reports=reports,
        settings=settings,
        anonymised=anonymised,
        salt=salt,
        charts_dir=charts_dir,
    )
