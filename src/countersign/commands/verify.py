"""``countersign verify``: the deploy gate. Every change in the release must be signed off as
it was reviewed; the release passes only if each one does."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.commands.check import parse_checks
from countersign.commands.workspace import open_workspace
from countersign.gate.evaluate import evaluate
from countersign.intake.git import repo_root
from countersign.intake.release import changes_in
from countersign.output.release import Verified, release_verdict, render_release
from countersign.signoff.ledger import signoffs_for


def verify(cwd: Path, *, base: str, head: str, checks: tuple[str, ...], fmt: str) -> int:
    statuses = parse_checks(checks)
    root = repo_root(cwd)
    results = []
    for change in changes_in(root, base, head):
        ws = open_workspace(root, base=change.base, head=change.head)
        signoffs = signoffs_for(ws.ledger, ws.change.fingerprint)
        results.append(
            Verified(change, evaluate(ws.change, ws.context, ws.policy, signoffs, statuses))
        )
    done = tuple(results)
    click.echo(render_release(done, base, head, fmt), nl=False)
    return int(release_verdict(done).exit_code)
