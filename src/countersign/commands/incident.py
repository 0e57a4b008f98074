"""``countersign incident add|resolve|list|link|unlink|import``: keep incidents in the ledger
and review their links to changes (``signoff.incidents``)."""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path
from typing import Any

import click

from countersign.config.roster import Roster
from countersign.errors import InputError
from countersign.facts.incidents import Incident, iso, require_id, severity
from countersign.facts.incidents import sources as incident_sources
from countersign.facts.incidents.sources import generic
from countersign.intake.git import repo_root, resolve
from countersign.signoff import incidents as book_of
from countersign.signoff.identity import identity_from
from countersign.workspace import Environment, ledger_for


def _who(root: Path, given: str | None) -> str:
    return identity_from(root, given, Roster()).claimed


def _now(env: Environment) -> str:
    return env.clock().astimezone(UTC).isoformat(timespec="seconds")


def add(
    cwd: Path,
    incident_id: str,
    *,
    title: str,
    sev: str,
    started: str | None,
    services: tuple[str, ...],
    references: tuple[str, ...],
    description: str,
    by: str | None,
) -> int:
    root = repo_root(cwd)
    env = Environment.from_process()
    incident = Incident(
        id=require_id(incident_id, "incident id"),
        title=title,
        started=iso(started, "--started") if started else _now(env),
        severity=severity(sev),
        services=services,
        references=tuple(r.lower() if not r.startswith("#") else r for r in references),
        description=description,
    )
    book_of.record(ledger_for(root, env), incident, _who(root, by))
    click.echo(f"Recorded incident {incident.id} ({incident.severity}), started {incident.started}")
    return 0


def resolve_incident(cwd: Path, incident_id: str, *, at: str | None, by: str | None) -> int:
    root = repo_root(cwd)
    env = Environment.from_process()
    done = book_of.resolve(ledger_for(root, env), incident_id, at or _now(env), _who(root, by))
    click.echo(
        f"Resolved incident {done.id} at {done.resolved} "
        f"(time to restore {done.restore_hours:.2f} h)"
    )
    return 0


def list_incidents(cwd: Path, *, fmt: str, open_only: bool) -> int:
    root = repo_root(cwd)
    book = book_of.book(ledger_for(root, Environment.from_process()))
    rows = sorted(book.incidents.values(), key=lambda i: i.started)
    if open_only:
        rows = [i for i in rows if not i.resolved]
    if fmt == "json":
        data: dict[str, Any] = {
            "incidents": [{**i.as_dict(), "restore_hours": i.restore_hours} for i in rows],
            "links": [vars(x) for x in book.links],
            "unlinks": [vars(x) for x in book.unlinks],
        }
        click.echo(json.dumps(data, indent=2))
        return 0
    if not rows:
        click.echo("No incidents recorded." if not open_only else "No open incidents.")
    for i in rows:
        state = f"resolved {i.resolved}" if i.resolved else "OPEN"
        where = f" [{', '.join(i.services)}]" if i.services else ""
        click.echo(f"{i.id}  {i.severity or '-'}  {i.started}  {state}{where}  {i.title}")
        for ref in i.references:
            click.echo(f"    root cause: {ref}")
        for x in book.links:
            if x.incident == i.id:
                click.echo(f"    linked {x.change[:12]} by {x.by}: {x.reason}")
        for x in book.unlinks:
            if x.incident == i.id:
                click.echo(f"    unlinked {x.change[:12]} by {x.by}: {x.reason}")
    return 0


def _change(root: Path, change: str) -> str:
    if change.startswith("sha256:"):
        return change
    return resolve(root, change)


def link(cwd: Path, incident_id: str, change: str, *, reason: str, by: str | None) -> int:
    root = repo_root(cwd)
    env = Environment.from_process()
    sha = _change(root, change)
    book_of.link(ledger_for(root, env), incident_id, sha, reason, _who(root, by), _now(env))
    click.echo(f"Linked {sha[:12]} to incident {incident_id}")
    return 0


def unlink(cwd: Path, incident_id: str, change: str, *, reason: str, by: str | None) -> int:
    root = repo_root(cwd)
    env = Environment.from_process()
    sha = _change(root, change)
    book_of.unlink(ledger_for(root, env), incident_id, sha, reason, _who(root, by), _now(env))
    click.echo(f"Unlinked {sha[:12]} from incident {incident_id}: it will not count as its cause")
    return 0


def read_file(path: Path, source: str | None) -> list[Incident]:
    """The incidents in one JSON or CSV file (``source``: which tool's shape; default: seen)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    if source == "csv" or (source is None and path.suffix.lower() == ".csv"):
        return generic.rows(text, str(path))
    try:
        payload = json.loads(text)
    except ValueError as exc:
        raise InputError(f"{path}: not JSON ({exc}); a CSV file needs the .csv suffix") from None
    try:
        return incident_sources.parse(payload, source)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None


def import_files(cwd: Path, files: tuple[Path, ...], *, source: str | None, by: str | None) -> int:
    root = repo_root(cwd)
    parsed = [(f, read_file(f, source)) for f in files]  # every file parses before any is kept
    ledger = ledger_for(root, Environment.from_process())
    who = _who(root, by)
    new = same = 0
    for _, incidents in parsed:
        for incident in incident_sources.merge(incidents):
            if book_of.record(ledger, incident, who, action="import"):
                new += 1
            else:
                same += 1
    found = sum(len(i) for _, i in parsed)
    click.echo(
        f"Read {found} incident events from {len(files)} file(s): {new} recorded, "
        f"{same} already in the ledger"
    )
    return 0
