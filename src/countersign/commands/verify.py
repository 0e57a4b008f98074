"""``countersign verify``: the deploy gate (``gate.release``). Every change in the release must
be signed off as it was reviewed; the release passes only if each one does."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.gate.release import record_deployment, release_verdict, verify_release
from countersign.gate.verdict import Verdict
from countersign.intake.checks import parse_checks
from countersign.intake.repository import open_repository
from countersign.output.progress import Progress
from countersign.output.release import render_release
from countersign.output.reports import parse_reports, write_report
from countersign.workspace import Environment


def verify(
    cwd: Path,
    *,
    base: str,
    head: str,
    checks: tuple[str, ...],
    fmt: str,
    reports: tuple[str, ...] = (),
    environment: str | None = None,
) -> int:
    statuses = parse_checks(checks)
    extra = parse_reports(reports, ("text", "json", "markdown"))
    env = Environment.from_process()
    repository = open_repository(cwd)
    with Progress(0, "verifying", "verify") as step:
        done = verify_release(repository, base, head, statuses, environment=env, progress=step.of)
    for report_fmt, file in extra:
        write_report(file, render_release(done, base, head, report_fmt))
    click.echo(render_release(done, base, head, fmt), nl=False)
    verdict = release_verdict(done)
    if environment and verdict is Verdict.PASS:
        where = record_deployment(repository.root, base, head, done, environment, env)
        click.echo(f"Recorded the deployment to {environment} in {where}", err=True)
    return int(verdict.exit_code)
