"""Evaluate one pull request head from a bare mirror with the library, exactly as ``check``
does: the change from the merge-base with the base to the head, judged by the configuration
and policy at the base, with the sign-offs recorded in the repository's ledger."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from countersign.gate.evaluate import evaluate
from countersign.gate.verdict import Evaluation
from countersign.intake.pull_request import PullRequest
from countersign.intake.repository import open_repository
from countersign.intake.selection import ChangeSelection
from countersign.signoff.ledger import signoffs_for
from countersign.workspace import Environment, Workspace, open_change, with_code_edges


@dataclass(frozen=True)
class Judged:
    evaluation: Evaluation
    fingerprint: str
    base: str


def open_head(
    mirror: Path,
    *,
    base: str,
    head: str,
    ledger: str,
    state: Path,
    pull_request: PullRequest | None = None,
) -> Workspace:
    """The workspace of ``base``...``head`` in ``mirror``; ``ledger`` is the repository's."""
    selection = ChangeSelection(base=base, head=head, pull_request=pull_request)
    environment = Environment(ledger=ledger, state_dir=state)
    return open_change(open_repository(mirror), selection, environment)


def judge(
    mirror: Path,
    *,
    base: str,
    head: str,
    ledger: str,
    state: Path,
    pull_request: PullRequest | None = None,
    checks: dict[str, str] | None = None,
) -> Judged:
    ws = with_code_edges(
        open_head(
            mirror, base=base, head=head, ledger=ledger, state=state, pull_request=pull_request
        )
    )
    signoffs = signoffs_for(ws.ledger, ws.change.fingerprint)
    result = evaluate(ws.change, ws.context, ws.policy, signoffs, checks)
    return Judged(result, ws.change.fingerprint, ws.change.base or base)
