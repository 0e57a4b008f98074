"""The merge queue: a ``merge_group`` may merge several pull requests at once. GitHub builds
it as one commit per pull request on the base (each on the one before), with a queue branch
``gh-readonly-queue/<base>/pr-<n>-<head>`` at each; the group passes only when every pull
request in it is satisfied and each one's part of the group's content is exactly what that pull
request showed. Never a blanket success: judged on its own, the queue's commit would lose the
provenance of the commits it squashes."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from countersign.errors import FatalError, LedgerUnavailable
from countersign.intake.pull_request import parse_pull_request
from countersign.service import events, mirror, outputs, publish
from countersign.service.decisions import SAVE_DECISION, Outcome
from countersign.service.evaluation import judge, open_head

if TYPE_CHECKING:
    from countersign.service.worker import Jobs

log = logging.getLogger("countersign.service.merge_queue")

QUEUE_PREFIX = "refs/heads/gh-readonly-queue"
MAX_ENTRIES = 100  # GitHub's largest merge group is 100 pull requests


@dataclass(frozen=True)
class Entry:
    """One pull request's part of a group: the content from ``start`` (the base, or the
    previous pull request's entry) to ``tip``."""

    number: int
    pr_head: str
    start: str
    tip: str


def entries(
    base_sha: str, chain: Sequence[str], tips: Mapping[str, tuple[int, str]]
) -> tuple[list[Entry], str]:
    """The entries of a group whose first-parent commits after ``base_sha`` are ``chain``
    (oldest first), ``tips`` naming the pull request whose queue branch points at a commit;
    and what is wrong with the group ("" when nothing): commits after the last queue branch
    belong to no pull request, and nobody showed them."""
    if not chain:
        return [], "the group adds nothing to its base"
    found: list[Entry] = []
    start = base_sha
    for commit in chain:
        if commit in tips:
            number, pr_head = tips[commit]
            if any(e.number == number for e in found):
                return found, f"pull request #{number} has two parts in the group"
            found.append(Entry(number, pr_head, start, commit))
            start = commit
    if not found:
        return [], "cannot tell which pull requests the group merges (no queue branch in it)"
    if start != chain[-1]:
        return found, (
            f"the group's commits after {start[:12]} belong to no pull request in the queue"
        )
    return found, ""


@dataclass(frozen=True)
class Judged:
    """One pull request of a group: its own evaluation, and whether its part of the group is
    the content it showed."""

    entry: Entry
    evaluation: Any  # countersign.Evaluation
    fingerprint: str  # the pull request's
    content: str  # the fingerprint of its part of the group

    @property
    def matches(self) -> bool:
        return self.fingerprint == self.content


def decide(
    jobs: Jobs,
    repository: str,
    installation_id: int,
    head_sha: str,
    base_sha: str,
    head_ref: str = "",
    **event: Any,
) -> Outcome:
    fields = {"repository": repository, "head": head_sha}
    where = mirror.mirror_path(jobs.settings.state_dir, installation_id, repository)
    url = mirror.remote_url(jobs.settings.git_url, repository)
    token = jobs.github.token(installation_id) if url.startswith("http") else None
    base_branch = str(event.get("base_ref", "")).removeprefix("refs/heads/")
    own = events.queue_entry(head_ref)
    problem = ""
    judged: list[Judged] = []
    try:
        tips, chain = _fetched(where, url, token, base_branch, jobs.settings.git_filter,
                               head_sha, base_sha, own)  # fmt: skip
        if chain is None:
            problem = f"the group's head does not build on its base {base_sha[:12]}"
        else:
            found, problem = entries(base_sha, chain, tips)
            if not problem:
                judged = [_judge(jobs, where, url, token, repository, installation_id, base_sha,
                                 e, int(event["repository_id"])) for e in found]  # fmt: skip
    except LedgerUnavailable:
        raise  # the queue tries again: nothing is wrong with the group
    except FatalError as exc:
        problem = f"could not be analysed: {exc}"
    if problem or not judged:
        body = outputs.not_analysed(head_sha, problem or "no pull request in the group", "")
        verdict, fingerprint = "needs-approval", ""
    elif len(judged) == 1 and judged[0].matches:
        (one,) = judged
        body = outputs.check_run(one.evaluation, head_sha, one.fingerprint, "")
        verdict, fingerprint = str(one.evaluation.verdict), one.fingerprint
    elif len(judged) == 1:
        (one,) = judged
        body = outputs.not_analysed(head_sha, _mismatch(one), "")
        verdict, fingerprint = "needs-approval", ""
    else:
        body = outputs.merge_group(head_sha, [_row(j) for j in judged])
        verdict = outputs.GROUP_VERDICTS[body["conclusion"]]
        fingerprint = ",".join(j.content for j in judged)
    body.pop("details_url", None)
    run_id = publish.upsert_check_run(
        jobs.github, jobs.conn, installation_id, repository, "merge_group", body
    )
    last = judged[-1].entry.number if judged else (own[0] if own else 0)
    jobs.conn.execute(
        SAVE_DECISION,
        (repository, head_sha, "merge_group", last, base_sha, fingerprint, verdict,
         body["conclusion"], run_id, None, None),
    )  # fmt: skip
    jobs.observe(event.get("received_at"))
    log.info(
        "merge group decided",
        extra={**fields, "verdict": verdict, "outcome": problem or f"{len(judged)} pull requests"},
    )
    return Outcome("decided", head_sha, verdict, run_id)


def _fetched(
    where: Any,
    url: str,
    token: str | None,
    base_branch: str,
    partial: str,
    head_sha: str,
    base_sha: str,
    own: tuple[int, str] | None,
) -> tuple[dict[str, tuple[int, str]], list[str] | None]:
    """The group's queue tips (commit -> (number, head)) and its first-parent commits after the
    base (None: the head does not build on it), fetched only when the mirror cannot tell.

    It can when a queue branch already there points at the group's head and every commit of
    the group is at one: GitHub names each queue branch after its pull request and head and
    never moves it, so a branch fetched once says which pull request that commit is, and a
    commit present is what it is (GitHub queues several groups at once; the first one's fetch
    brings the others' branches). Otherwise (a pull request merged as several commits, a
    group not seen yet) the group's commits and the queue branches are fetched, stale
    branches pruned."""
    if base_branch:
        known = _queue_tips(where, base_branch)
        if head_sha in known:
            chain = mirror.first_parent_chain(where, base_sha, head_sha, limit=MAX_ENTRIES * 50)
            if chain and all(commit in known for commit in chain):
                # Blobs an interrupted fetch left missing are still fetched (none: no fetch).
                prefix = f"{QUEUE_PREFIX}/{base_branch}"
                mirror.complete(where, [head_sha, base_sha, f"--glob={prefix}/*"],
                                partial=partial, token=token)  # fmt: skip
                return known, chain
    mirror.fetch(where, url, [head_sha, base_sha], token=token, partial=partial)
    tips: dict[str, tuple[int, str]] = {}
    if base_branch:
        prefix = f"{QUEUE_PREFIX}/{base_branch}"
        refspec = f"+{prefix}/*:{prefix}/*"
        mirror.fetch(where, url, [refspec], token=token, prune=True, partial=partial)
        tips = _queue_tips(where, base_branch)
    if own is not None:
        tips.setdefault(head_sha, own)
    return tips, mirror.first_parent_chain(where, base_sha, head_sha, limit=MAX_ENTRIES * 50)


def _queue_tips(where: Any, base_branch: str) -> dict[str, tuple[int, str]]:
    """The queue branches of ``base_branch`` in the mirror: commit -> (number, head)."""
    tips: dict[str, tuple[int, str]] = {}
    for commit, ref in mirror.refs(where, f"{QUEUE_PREFIX}/{base_branch}"):
        named = events.queue_entry(ref)
        if named is not None:
            tips[commit] = named
    return tips


def _judge(
    jobs: Jobs,
    where: Any,
    url: str,
    token: str | None,
    repository: str,
    installation_id: int,
    base_sha: str,
    entry: Entry,
    repository_id: int,
) -> Judged:
    ledger = jobs.ledger(repository_id)
    state = jobs.settings.state_dir / "state"
    pr = jobs.github.call("GET", f"/repos/{repository}/pulls/{entry.number}", installation_id)
    partial = jobs.settings.git_filter
    if not mirror.has_commit(where, entry.pr_head):
        mirror.fetch(where, url, [entry.pr_head], token=token, partial=partial)
    # What the pull request's own change reads (from its merge base with the group's base).
    mirror.complete_trees(where, [base_sha, entry.pr_head], partial=partial, token=token)
    shown = judge(
        where,
        base=base_sha,
        head=entry.pr_head,
        ledger=ledger,
        state=state,
        pull_request=parse_pull_request(pr),
    )
    part = open_head(where, base=entry.start, head=entry.tip, ledger=ledger, state=state)
    return Judged(entry, shown.evaluation, shown.fingerprint, part.change.fingerprint)


def _mismatch(one: Judged) -> str:
    return (
        f"the group's merged content ({one.content[:19]}) is not what pull request "
        f"#{one.entry.number} showed ({one.fingerprint[:19]}): other changes were merged "
        "with it or its base moved; review it again"
    )


def _row(one: Judged) -> outputs.GroupRow:
    return outputs.GroupRow(
        number=one.entry.number,
        head=one.entry.pr_head,
        evaluation=one.evaluation,
        problem="" if one.matches else _mismatch(one),
    )
