"""Commands that keep incidents and their links to changes: ``incident ...``."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.cli.options import format_choice, repo_option

by_option = click.option("--by", help="Who records this (default: git user.email).")


@click.group("incident")
def incident() -> None:
    """Record incidents in the ledger, import them from your tools, and review their links to
    the changes that caused them (`countersign insight` reads them)."""


@incident.command("add")
@click.argument("incident_id", metavar="ID")
@click.option("--title", required=True, help="What went wrong, in one line.")
@click.option("--severity", "sev", default="sev3", show_default=True, help="sev1..sev5 (or P1..).")
@click.option("--started", help="When it started, ISO 8601 (default: now).")
@click.option("--service", "services", multiple=True, help="An affected service. Repeatable.")
@click.option(
    "--ref",
    "references",
    multiple=True,
    help="A root-cause reference: commit sha, #PR or sha256: fingerprint. Repeatable.",
)
@click.option("--description", default="", help="Free text (dropped by the anonymised export).")
@by_option
@repo_option
def incident_add(
    incident_id: str,
    title: str,
    sev: str,
    started: str | None,
    services: tuple[str, ...],
    references: tuple[str, ...],
    description: str,
    by: str | None,
    repo: Path,
) -> int:
    """Record a new incident."""
    from countersign.commands.incident import add

    return add(
        repo,
        incident_id,
        title=title,
        sev=sev,
        started=started,
        services=services,
        references=references,
        description=description,
        by=by,
    )


@incident.command("resolve")
@click.argument("incident_id", metavar="ID")
@click.option("--at", help="When service was restored, ISO 8601 (default: now).")
@by_option
@repo_option
def incident_resolve(incident_id: str, at: str | None, by: str | None, repo: Path) -> int:
    """Mark an incident resolved (its time to restore is counted from its start)."""
    from countersign.commands.incident import resolve_incident

    return resolve_incident(repo, incident_id, at=at, by=by)


@incident.command("list")
@click.option("--open", "open_only", is_flag=True, help="Only incidents not resolved yet.")
@format_choice("text", "json")
@repo_option
def incident_list(open_only: bool, fmt: str, repo: Path) -> int:
    """List the incidents in the ledger, with their references and reviewed links."""
    from countersign.commands.incident import list_incidents

    return list_incidents(repo, fmt=fmt, open_only=open_only)


@incident.command("link")
@click.argument("incident_id", metavar="ID")
@click.argument("change", metavar="CHANGE")
@click.option("--reason", required=True, help="Why this change caused the incident.")
@by_option
@repo_option
def incident_link(incident_id: str, change: str, reason: str, by: str | None, repo: Path) -> int:
    """Link a change (commit or fingerprint) to an incident as its cause, with a reason."""
    from countersign.commands.incident import link

    return link(repo, incident_id, change, reason=reason, by=by)


@incident.command("unlink")
@click.argument("incident_id", metavar="ID")
@click.argument("change", metavar="CHANGE")
@click.option("--reason", required=True, help="Why this change did not cause it.")
@by_option
@repo_option
def incident_unlink(incident_id: str, change: str, reason: str, by: str | None, repo: Path) -> int:
    """Reject a link (found or added): the change no longer counts as the incident's cause."""
    from countersign.commands.incident import unlink

    return unlink(repo, incident_id, change, reason=reason, by=by)


@incident.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path)
)
@click.option(
    "--source",
    type=click.Choice(["pagerduty", "opsgenie", "github", "generic", "csv"]),
    help="The payload shape (default: recognised from each file).",
)
@by_option
@repo_option
def incident_import(files: tuple[Path, ...], source: str | None, by: str | None, repo: Path) -> int:
    """Import incidents from JSON or CSV files: PagerDuty v3 webhooks, Opsgenie alerts, GitHub
    issues labelled incident, the generic shape; running it again adds only what is new."""
    from countersign.commands.incident import import_files

    return import_files(repo, files, source=source, by=by)
