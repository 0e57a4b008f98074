"""``countersign check``: run the gate on a change and exit with its verdict."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.gate.check import check_change
from countersign.intake.checks import parse_checks
from countersign.intake.selection import ChangeSelection
from countersign.output import render
from countersign.output.reports import parse_reports, write_report
from countersign.workspace import analysed, open_workspace


def check(
    cwd: Path,
    selection: ChangeSelection,
    *,
    checks: tuple[str, ...],
    fmt: str,
    reports: tuple[str, ...] = (),
) -> int:
    statuses = parse_checks(checks)
    extra = parse_reports(reports)
    ws = analysed(
        open_workspace(cwd, selection, reads_patches=True), remember_scans=True, mine=True
    )
    result = check_change(ws, statuses)
    for report_fmt, file in extra:
        write_report(file, render(result, report_fmt))
    click.echo(render(result, fmt), nl=False)
    return int(result.verdict.exit_code)
