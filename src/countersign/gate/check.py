"""The gate on one opened change: its evaluation with the sign-offs its ledger holds for its
exact content. ``countersign check``, the deploy gate and the service all judge a change so."""

from __future__ import annotations

from dataclasses import replace

from countersign.gate.evaluate import evaluate
from countersign.gate.verdict import Evaluation
from countersign.signoff.ledger import signoffs_for
from countersign.workspace import Workspace


def check_change(ws: Workspace, checks: dict[str, str] | None = None) -> Evaluation:
    """``checks``: what CI says of the change's automated checks (name -> status)."""
    signoffs = signoffs_for(ws.ledger, ws.change.fingerprint)
    evaluation = evaluate(ws.change, ws.context, ws.policy, signoffs, checks)
    return replace(evaluation, ledger=ws.ledger.state())
