"""``countersign approve``: sign off the exact content of a change (its fingerprint); the rules
are ``signoff.approve``'s."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.errors import UsageError
from countersign.facts.adoption import AT_A_TERMINAL, adoption_of
from countersign.facts.people import identities
from countersign.gate.evaluate import evaluate
from countersign.intake.selection import ChangeSelection
from countersign.signoff.approvals import FOLLOW_UP
from countersign.signoff.approve import approve as record_approval
from countersign.signoff.identity import Identity, identity_from
from countersign.signoff.ledger import signoffs_for
from countersign.workspace import Environment, analysed, open_workspace

SOURCES = {
    "flag": "--as",
    "git": "git user.email",
    "key": "SSH key",
    "github-review": "GitHub review",
    "forge": "GitHub review confirmed by the API",
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
    environment = Environment.from_process()
    ws = analysed(open_workspace(cwd, selection, environment), remember_scans=True, mine=True)
    if adoption_of(ws.change, ws.context) is not None:
        raise UsageError(f"cannot sign here: {AT_A_TERMINAL}")
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
        now=environment.clock(),
        makers=tuple(i.email for i in identities(ws.change, ws.context)),
    )
    click.echo(approved_line(done.fingerprint, done.approver, who, done.requirements))
    return 0


def approved_line(
    fingerprint: str, approver: str, who: Identity, requirements: tuple[str, ...]
) -> str:
    how = SOURCES.get(who.source, who.source)
    if who.public_key:
        how += f" {who.public_key}"
    return (
        f"Approved {fingerprint[:19]} as {approver} ({how}), identity {who.strength}, "
        f"for {', '.join(requirements)}"
    )
