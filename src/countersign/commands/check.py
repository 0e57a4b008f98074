"""``countersign check``: run the gate on a change and exit with its verdict."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.errors import UsageError
from countersign.gate.evaluate import evaluate
from countersign.intake.selection import ChangeSelection
from countersign.output import render
from countersign.signoff.ledger import signoffs_for
from countersign.workspace import analysed, open_workspace


def parse_checks(values: tuple[str, ...]) -> dict[str, str]:
    checks: dict[str, str] = {}
    for value in values:
        name, sep, status = value.partition("=")
        if not sep or not name or not status:
            raise UsageError(f"--check-status {value!r}: expected NAME=STATUS, e.g. tests=success")
        checks[name] = status
    return checks


def check(cwd: Path, selection: ChangeSelection, *, checks: tuple[str, ...], fmt: str) -> int:
    statuses = parse_checks(checks)
    ws = analysed(open_workspace(cwd, selection), remember_scans=True, mine=True)
    result = evaluate(
        ws.change, ws.context, ws.policy, signoffs_for(ws.ledger, ws.change.fingerprint), statuses
    )
    click.echo(render(result, fmt), nl=False)
    return int(result.verdict.exit_code)
