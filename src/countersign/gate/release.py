"""The release gate: every change of a release judged as it was reviewed, with its sign-offs;
the release is as good as its worst change. The deploy gate (``verify``) and the pre-push hook
both call it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from countersign.gate.check import check_change
from countersign.gate.verdict import Evaluation, Verdict
from countersign.intake.git import git
from countersign.intake.release import ReleasedChange, changes_in
from countersign.intake.repository import Repository
from countersign.intake.selection import ChangeSelection
from countersign.signoff import deployments
from countersign.workspace import Environment, analysed, ledger_for, open_change

_WORST = (Verdict.PASS, Verdict.NEEDS_APPROVAL, Verdict.BLOCKED)


@dataclass(frozen=True)
class Verified:
    change: ReleasedChange
    evaluation: Evaluation


def verify_release(
    repository: Repository,
    base: str,
    head: str,
    statuses: dict[str, str] | None = None,
    *,
    environment: Environment,
) -> tuple[Verified, ...]:
    """Each change of ``base..head`` judged as it was reviewed, with its sign-offs."""
    results = []
    for change in changes_in(repository.root, base, head):
        selection = ChangeSelection(base=change.base, head=change.head)
        ws = analysed(
            open_change(repository, selection, environment), remember_scans=True, mine=True
        )
        results.append(Verified(change, check_change(ws, statuses or {})))
    return tuple(results)


def release_verdict(results: tuple[Verified, ...]) -> Verdict:
    """The release is as good as its worst change."""
    return max((r.evaluation.verdict for r in results), key=_WORST.index, default=Verdict.PASS)


def record_deployment(
    root: Path,
    base: str,
    head: str,
    results: tuple[Verified, ...],
    environment: str,
    env: Environment,
) -> str:
    """Record that the release ``base..head`` went to ``environment`` now: every commit it
    carries and every service its changes touch. Returns the ledger's location."""
    commits = git(root, "rev-list", "--no-merges", f"{base}..{head}").decode().split()
    services = tuple(s.name for r in results for s in r.evaluation.facts.blast_radius.services)
    ledger = ledger_for(root, env)
    at = env.clock().astimezone(UTC).isoformat(timespec="seconds")
    head_sha = git(root, "rev-parse", head).decode().strip()
    deployments.record(ledger, environment, at, head_sha, tuple(commits), services)
    return ledger.store.location
