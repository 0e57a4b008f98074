"""``countersign status``: where a change stands (``signoff.status``), as text or JSON."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from countersign.gate.evaluate import evaluate
from countersign.intake.selection import ChangeSelection
from countersign.output.status import render_status
from countersign.signoff.ledger import signoffs_for
from countersign.signoff.status import standing
from countersign.workspace import analysed, open_workspace


def status(cwd: Path, selection: ChangeSelection, *, checks: dict[str, str], fmt: str) -> int:
    ws = analysed(open_workspace(cwd, selection), remember_scans=True, mine=True)
    entries = ws.ledger.entries()
    signoffs = signoffs_for(ws.ledger, ws.change.fingerprint)
    result = replace(
        evaluate(ws.change, ws.context, ws.policy, signoffs, checks), ledger=ws.ledger.state()
    )
    adoption = result.facts.adoption  # the roster the change brings says who is who
    roster = adoption.roster if adoption else ws.context.config.roster
    signoffs = result.signoffs or signoffs  # as the gate judged them (pins, solo)
    makers = tuple(i.email for i in result.facts.identities)
    report = standing(
        ws.change, result.decision.requirements, signoffs, entries, roster, makers=makers
    )
    click.echo(render_status(result, report, ws.policy.version, fmt))
    return 0
