"""The release gate: every change of a release judged as it was reviewed, with its sign-offs;
the release is as good as its worst change. The deploy gate (``verify``) and the pre-push hook
both call it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC
from pathlib import Path

from countersign.gate.check import check_change
from countersign.gate.verdict import Evaluation, Verdict
from countersign.intake.git import BlobReader, git
from countersign.intake.release import ReleasedChange, changes_in
from countersign.intake.repository import Repository
from countersign.release_reads import ReleaseReads
from countersign.signoff import deployments
from countersign.state.import_scans import MemoScans, ScanCache
from countersign.workspace import (
    SCAN_CACHE,
    Environment,
    Workspace,
    ledger_for,
    with_code_edges,
    with_edits,
    with_risk,
)

_WORST = (Verdict.PASS, Verdict.NEEDS_APPROVAL, Verdict.BLOCKED)


@dataclass(frozen=True)
class Verified:
    change: ReleasedChange
    evaluation: Evaluation | None  # None: the change ships nothing (its kind is "empty")

    @property
    def verdict(self) -> Verdict:
        return self.evaluation.verdict if self.evaluation else Verdict.PASS


def verify_release(
    repository: Repository,
    base: str,
    head: str,
    statuses: dict[str, str] | None = None,
    *,
    environment: Environment,
    progress: Callable[[int], None] | None = None,
) -> tuple[Verified, ...]:
    """Each change of ``base..head`` judged as it was reviewed, with its sign-offs. What the
    changes share is read once (``ReleaseReads``: their differences read ahead, base trees,
    configuration, blobs), and so are import scans and the risk history (the one at the
    oldest change's base: later changes are scored against a slightly older past, never their
    own future). ``progress(total)`` is called after each change."""
    reads = ReleaseReads(repository, environment)
    scans = MemoScans(ScanCache.load(reads.state / SCAN_CACHE))
    changes = changes_in(repository.root, base, head)
    with BlobReader(repository.root):
        reads.start(changes)
        return _verified(changes, reads, statuses, progress, scans)


def _verified(
    changes: tuple[ReleasedChange, ...],
    reads: ReleaseReads,
    statuses: dict[str, str] | None,
    progress: Callable[[int], None] | None,
    scans: MemoScans,
) -> tuple[Verified, ...]:
    risk: Workspace | None = None
    results = []
    for change in changes:
        evaluation = None  # an empty change ships nothing: there is nothing to judge
        if change.kind != "empty":
            ws = with_code_edges(reads.open(change), scans, scans.links)
            if risk is None:
                ws = risk = with_risk(ws, mine=True)
            else:
                context = replace(
                    ws.context,
                    risk_model=risk.context.risk_model,
                    risk_history=risk.context.risk_history,
                )
                ws = replace(ws, context=context)
            evaluation = check_change(with_edits(ws), statuses or {})
        results.append(Verified(change, evaluation))
        if progress is not None:
            progress(len(changes))
    if scans.disk is not None:
        scans.disk.save()
    return tuple(results)


def release_verdict(results: tuple[Verified, ...]) -> Verdict:
    """The release is as good as its worst change."""
    return max((r.verdict for r in results), key=_WORST.index, default=Verdict.PASS)


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
    commits = shipped_commits(root, base, head)
    services = tuple(
        s.name for r in results if r.evaluation for s in r.evaluation.facts.blast_radius.services
    )
    ledger = ledger_for(root, env)
    at = env.clock().astimezone(UTC).isoformat(timespec="seconds")
    head_sha = git(root, "rev-parse", head).decode().strip()
    deployments.record(ledger, environment, at, head_sha, tuple(commits), services)
    return ledger.store.location


def shipped_commits(root: Path, base: str, head: str) -> list[str]:
    """The non-merge commits of ``base..head`` whose changes the release carries: a merge
    whose tree is its first parent's (``git merge -s ours``, or a merge that kept nothing of
    the branch) ships none of the commits it merged, at any depth of merges."""
    shipped: list[str] = []
    seen: set[str] = set()
    pending: list[tuple[str, tuple[str, ...]]] = [(head, (base,))]
    while pending:
        tip, without = pending.pop()
        out = git(
            root, "rev-list", "--first-parent", "--format=%T %P", tip, *(f"^{w}" for w in without)
        )  # fmt: skip
        lines = out.decode().split("\n")
        chain = [
            (header.split()[1], lines[i + 1].split())
            for i, header in enumerate(lines)
            if header.startswith("commit ")
        ]
        trees = {sha: fields[0] for sha, fields in chain}
        for sha, (tree, *parents) in chain:
            if sha in seen:
                continue
            seen.add(sha)
            if len(parents) <= 1:
                shipped.append(sha)
                continue
            first = parents[0]
            first_tree = trees.get(first) or _tree_of(root, first)
            if tree == first_tree:
                continue  # the merge kept its first parent's tree: what it merged ships nothing
            pending.extend((side, (*without, first)) for side in parents[1:])
    return shipped


def _tree_of(root: Path, commit: str) -> str:
    return git(root, "rev-parse", f"{commit}^{{tree}}").decode().strip()
