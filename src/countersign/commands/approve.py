"""``countersign approve``: sign off the exact content of a change (its fingerprint); the rules
are ``signoff.approve``'s."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.gate.evaluate import evaluate
from countersign.intake.selection import ChangeSelection
from countersign.signoff.approvals import FOLLOW_UP
from countersign.signoff.approve import approve as record_approval
from countersign.signoff.identity import identity_from
from countersign.signoff.ledger import signoffs_for
from countersign.workspace import analysed, open_workspace

SOURCES = {
    "flag": "--as",
    "git": "git user.email",
    "key": "signing key",
    "github-review": "GitHub review",
}


def approve(
    cwd: Path,
    selection: ChangeSelection,
    *,
    identity: str | None,
    requirement: str | None,
    note: str,
    key_file: Path | None = None,
    checks: dict[str, str] | None = None,
) -> int:
    ws = analysed(open_workspace(cwd, selection), remember_scans=True, mine=True)
    roster = ws.context.config.roster
    who = identity_from(ws.root, identity, roster, key_file)
    signoffs = signoffs_for(ws.ledger, ws.change.fingerprint)
    requirements = (
        ()
        if requirement == FOLLOW_UP  # a follow-up review needs no evaluation
        else evaluate(ws.change, ws.context, ws.policy, signoffs, checks).decision.requirements
    )
    done = record_approval(
        ws.ledger,
        ws.change,
        roster,
        who,
        ws.policy,
        signoffs=signoffs,
        requirements=requirements,
        requirement=requirement,
        note=note,
        key_file=key_file,
    )
    click.echo(
        f"Approved {done.fingerprint[:19]} as {done.approver} "
        f"({SOURCES.get(who.source, who.source)}) for {', '.join(done.requirements)}"
    )
    return 0
