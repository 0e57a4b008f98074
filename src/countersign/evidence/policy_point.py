"""The current policy's point on the replay curve: which of the newest changes the policy in
force now would have asked a sign-off of (shadow mode, as ``countersign replay`` runs it:
the rules as they are at each change's base). A change it cannot open is left out."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from countersign.errors import FatalError
from countersign.gate.evaluate import evaluate
from countersign.intake.selection import ChangeSelection
from countersign.workspace import analysed, open_workspace


def gated(root: Path, changes: Sequence[tuple[str, str]]) -> dict[str, bool]:
    """``(commit, parent)`` pairs -> whether the policy asked anything of the commit."""
    out: dict[str, bool] = {}
    for sha, parent in changes:
        try:
            ws = analysed(open_workspace(root, ChangeSelection(base=parent, head=sha)), mine=True)
            result = evaluate(ws.change, ws.context, ws.policy)
        except FatalError:
            continue
        out[sha] = bool(result.decision.requirements)
    return out
