"""``countersign verify``: the deploy gate. Every change in the release must be signed off as
it was reviewed; the release passes only if each one does."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.gate.evaluate import evaluate
from countersign.intake.checks import parse_checks
from countersign.intake.git import repo_root
from countersign.intake.release import changes_in
from countersign.intake.selection import ChangeSelection
from countersign.output.release import Verified, release_verdict, render_release
from countersign.signoff.ledger import signoffs_for
from countersign.workspace import analysed, open_workspace


def verify(cwd: Path, *, base: str, head: str, checks: tuple[str, ...], fmt: str) -> int:
    done = verify_release(repo_root(cwd), base, head, parse_checks(checks))
    click.echo(render_release(done, base, head, fmt), nl=False)
    return int(release_verdict(done).exit_code)


def verify_release(
    root: Path, base: str, head: str, statuses: dict[str, str] | None = None
) -> tuple[Verified, ...]:
    """Each change of ``base..head`` judged as it was reviewed, with its sign-offs."""
    results = []
    for change in changes_in(root, base, head):
        ws = open_workspace(root, ChangeSelection(base=change.base, head=change.head))
        ws = analysed(ws, remember_scans=True, mine=True)
        signoffs = signoffs_for(ws.ledger, ws.change.fingerprint)
        evaluation = evaluate(ws.change, ws.context, ws.policy, signoffs, statuses or {})
        results.append(Verified(change, evaluation))
    return tuple(results)
