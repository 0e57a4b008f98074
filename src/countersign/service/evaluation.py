"""Evaluate one pull request head from a bare mirror through the library's front door, exactly
as ``check`` does: the change from the merge-base with the base to the head, judged by the
configuration and policy at the base, with the sign-offs recorded in the repository's ledger."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from countersign import (
    ChangeSelection,
    Environment,
    Evaluation,
    Workspace,
    analysed,
    check_change,
    open_change,
)
from countersign.config.roster import Roster
from countersign.intake.pull_request import PullRequest
from countersign.intake.repository import Repository
from countersign.memo import Memo

# A worker's: the base listings and configurations of the changes it opened (``memo``), for
# every repository it serves (they are keyed by content).
MEMO = Memo()


@dataclass(frozen=True)
class Judged:
    evaluation: Evaluation
    fingerprint: str
    base: str
    roster: Roster  # at the base: who may sign, for the dashboard's queues


def open_head(
    mirror: Path,
    *,
    base: str,
    head: str,
    ledger: str,
    state: Path,
    pull_request: PullRequest | None = None,
    memo: Memo | None = MEMO,
) -> Workspace:
    """The workspace of ``base``...``head`` in ``mirror``; ``ledger`` is the repository's."""
    selection = ChangeSelection(base=base, head=head, pull_request=pull_request)
    environment = Environment(ledger=ledger, state_dir=state)
    # A mirror is a bare repository the service made: no git process needed to learn so.
    return open_change(Repository(mirror.resolve(), bare=True), selection, environment, memo=memo)


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
    """Import scans are remembered in ``state`` by content, so a push re-reads only what
    changed; the service never mines history (``risk mine``) on its own."""
    opened = open_head(
        mirror, base=base, head=head, ledger=ledger, state=state, pull_request=pull_request
    )
    return judge_opened(opened, base, checks)


def judge_opened(opened: Workspace, base: str, checks: dict[str, str] | None = None) -> Judged:
    """``judge`` of a workspace ``open_head`` opened."""
    ws = analysed(opened, remember_scans=True)
    result = check_change(ws, checks)
    return Judged(result, ws.change.fingerprint, ws.change.base or base, ws.context.config.roster)
