"""``countersign verify``: the deploy gate (``gate.release``). Every change in the release must
be signed off as it was reviewed; the release passes only if each one does."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.gate.release import release_verdict, verify_release
from countersign.intake.checks import parse_checks
from countersign.intake.repository import open_repository
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
) -> int:
    statuses = parse_checks(checks)
    extra = parse_reports(reports, ("text", "json", "markdown"))
    done = verify_release(
        open_repository(cwd), base, head, statuses, environment=Environment.from_process()
    )
    for report_fmt, file in extra:
        write_report(file, render_release(done, base, head, report_fmt))
    click.echo(render_release(done, base, head, fmt), nl=False)
    return int(release_verdict(done).exit_code)
