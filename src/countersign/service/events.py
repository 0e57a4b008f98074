"""What a webhook delivery asks the workers to do: a pure function from the event's name and
payload to the jobs to queue, so the web process does no GitHub or git work of its own.

Jobs for one pull request share a ``lock`` (they run one at a time, in order of arrival), and
evaluations of one head share a ``queueing_lock`` (a burst of events for that head queues one
evaluation). Reviews and commands are never coalesced: each carries facts an evaluation lacks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from countersign.errors import InputError
from countersign.facts.incidents import Incident
from countersign.facts.incidents.sources import github_issue

EVALUATE = "evaluate_pull_request"
REVIEW = "record_review"
COMMAND = "run_command"
DASHBOARD_ACTION = "dashboard_action"  # an approval or a send-back given on the dashboard
MERGE_GROUP = "evaluate_merge_group"
INSTALLATION = "sync_installation"
RECONCILE_REPOSITORY = "reconcile_repository"
INCIDENTS = "record_incidents"

PULL_REQUEST_ACTIONS = frozenset(
    {
        "opened",
        "synchronize",
        "reopened",
        "edited",
        "ready_for_review",
        "labeled",
        "unlabeled",
        "closed",
    }
)
COMMAND_PREFIX = "/countersign"
CHECK_NAME = "countersign"  # our check run (outputs.CHECK_NAME)
# An issue with an incident label: what may have changed about the incident it records.
ISSUE_ACTIONS = frozenset({"opened", "edited", "labeled", "unlabeled", "closed", "reopened"})


@dataclass(frozen=True)
class Job:
    task: str
    args: dict[str, Any]
    lock: str | None = None
    queueing_lock: str | None = None


@dataclass(frozen=True)
class Routed:
    """The jobs a delivery asks for, or why it asks for none (logged, and counted)."""

    jobs: tuple[Job, ...] = ()
    ignored: str = ""
    labels: dict[str, str] = field(default_factory=dict)


def pr_lock(repository: str, number: int) -> str:
    return f"pr:{repository}#{number}"


def evaluation(
    repository: str,
    installation: int,
    number: int,
    head: str,
    received: str = "",
    *,
    fresh: bool = False,
) -> Job:
    """``fresh``: evaluate even if nothing the evaluation reads changed (a re-run asked for);
    such a job is coalesced only with others like it."""
    args: dict[str, Any] = {
        "repository": repository,
        "installation_id": installation,
        "number": number,
        "head_sha": head,
        "received_at": received,
    }
    if fresh:
        args["fresh"] = True
    return Job(
        EVALUATE,
        args,
        lock=pr_lock(repository, number),
        queueing_lock=f"eval:{repository}#{number}@{head}" + ("!fresh" if fresh else ""),
    )


def incidents_job(
    repository: str,
    repository_id: int,
    source: str,
    incidents: Sequence[Incident],
    by: str,
    received: str = "",
) -> Job:
    """Record ``incidents`` in the repository's ledger; one repository's at a time, never
    coalesced (each delivery may carry news the others lack)."""
    return Job(
        INCIDENTS,
        {
            "repository": repository,
            "repository_id": repository_id,
            "source": source,
            "incidents": [i.as_dict() for i in incidents],
            "by": by,
            "received_at": received,
        },
        lock=f"incidents:{repository}",
    )


def route(event: str, payload: Mapping[str, Any], received: str = "") -> Routed:
    repository = str(dig(payload, "repository", "full_name") or "")
    installation = dig(payload, "installation", "id")
    if event == "ping":
        return Routed(ignored="ping")
    if event in ("installation", "installation_repositories"):
        if not isinstance(installation, int):
            return Routed(ignored="no installation id")
        return Routed((Job(INSTALLATION, {"installation_id": installation}),))
    if not repository or not isinstance(installation, int):
        return Routed(ignored="not from an installation of this App")
    handler = _HANDLERS.get(event)
    if handler is None:
        return Routed(ignored=f"event {event} is not handled")
    return handler(payload, repository, installation, received)


def _pull_request(p: Mapping[str, Any], repo: str, inst: int, received: str) -> Routed:
    action = str(p.get("action", ""))
    if action not in PULL_REQUEST_ACTIONS:
        return Routed(ignored=f"pull_request {action} changes nothing countersign reads")
    number, head = p.get("number"), dig(p, "pull_request", "head", "sha")
    if not isinstance(number, int) or not isinstance(head, str):
        return Routed(ignored="pull_request without number or head")
    return Routed((evaluation(repo, inst, number, head, received),))


def _review(p: Mapping[str, Any], repo: str, inst: int, received: str) -> Routed:
    action = str(p.get("action", ""))
    number = dig(p, "pull_request", "number")
    review = p.get("review")
    if action not in ("submitted", "dismissed") or not isinstance(number, int):
        return Routed(ignored=f"pull_request_review {action} is not a sign-off")
    if not isinstance(review, Mapping) or not isinstance(review.get("id"), int):
        return Routed(ignored="pull_request_review without a review")
    args = {
        "repository": repo,
        "installation_id": inst,
        "number": number,
        "action": action,
        "review_id": review["id"],
        "state": str(review.get("state", "")).lower(),
        "commit_id": str(review.get("commit_id") or ""),
        "login": str(dig(review, "user", "login") or ""),
        "url": str(review.get("html_url") or ""),
        "base_sha": str(dig(p, "pull_request", "base", "sha") or ""),
        "received_at": received,
    }
    return Routed((Job(REVIEW, args, lock=pr_lock(repo, number)),))


def _comment(p: Mapping[str, Any], repo: str, inst: int, received: str) -> Routed:
    if p.get("action") != "created":
        return Routed(ignored="only new comments carry commands")
    body = str(dig(p, "comment", "body") or "").strip()
    number = dig(p, "issue", "number")
    if not body.startswith(COMMAND_PREFIX) or not isinstance(number, int):
        return Routed(ignored="not a /countersign command")
    if not dig(p, "issue", "pull_request"):
        return Routed(ignored="a command on an issue, not a pull request")
    args = {
        "repository": repo,
        "installation_id": inst,
        "number": number,
        "comment_id": dig(p, "comment", "id"),
        "login": str(dig(p, "comment", "user", "login") or ""),
        "body": body,
        "received_at": received,
    }
    return Routed((Job(COMMAND, args, lock=pr_lock(repo, number)),))


def _check(p: Mapping[str, Any], repo: str, inst: int, received: str) -> Routed:
    run = p.get("check_run")
    if p.get("action") == "completed" and isinstance(run, Mapping):
        return _other_check(run, repo, inst, received)
    if p.get("action") != "rerequested":
        return Routed(ignored="only a re-run request or another app's result asks for a decision")
    suite = p.get("check_suite") or dig(p, "check_run", "check_suite") or {}
    prs = suite.get("pull_requests") if isinstance(suite, Mapping) else None
    head = suite.get("head_sha") if isinstance(suite, Mapping) else None
    jobs = tuple(
        evaluation(
            repo, inst, pr["number"], str(head or dig(pr, "head", "sha")), received, fresh=True
        )
        for pr in prs or ()
        if isinstance(pr, Mapping) and isinstance(pr.get("number"), int)
    )
    if not jobs:
        return Routed((Job(RECONCILE_REPOSITORY, {"repository": repo, "installation_id": inst}),))
    return Routed(jobs)


def _other_check(run: Mapping[str, Any], repo: str, inst: int, received: str) -> Routed:
    """Another app's check finished: a policy may require it (``checks``), so each pull
    request of its head is evaluated again. Our own check run finishing asks for nothing."""
    if run.get("name") == CHECK_NAME:
        return Routed(ignored="our own check run")
    head = run.get("head_sha")
    jobs = tuple(
        evaluation(repo, inst, pr["number"], str(head), received)
        for pr in run.get("pull_requests") or ()
        if isinstance(pr, Mapping) and isinstance(pr.get("number"), int) and isinstance(head, str)
    )
    return Routed(jobs) if jobs else Routed(ignored="a check run on no open pull request")


def _merge_group(p: Mapping[str, Any], repo: str, inst: int, received: str) -> Routed:
    if p.get("action") != "checks_requested":
        return Routed(ignored=f"merge_group {p.get('action')} needs no decision")
    group = p.get("merge_group")
    if not isinstance(group, Mapping) or not isinstance(group.get("head_sha"), str):
        return Routed(ignored="merge_group without a head")
    args = {
        "repository": repo,
        "installation_id": inst,
        "repository_id": dig(p, "repository", "id"),
        "head_sha": group["head_sha"],
        "head_ref": str(group.get("head_ref", "")),
        "base_sha": str(group.get("base_sha", "")),
        "base_ref": str(group.get("base_ref", "")),
        "received_at": received,
    }
    return Routed(
        (
            Job(
                MERGE_GROUP,
                args,
                lock=f"mg:{repo}@{group['head_sha']}",
                queueing_lock=f"mg:{repo}@{group['head_sha']}",
            ),
        )
    )


def _issue(p: Mapping[str, Any], repo: str, inst: int, received: str) -> Routed:
    action = str(p.get("action", ""))
    repository_id = dig(p, "repository", "id")
    if action not in ISSUE_ACTIONS or not isinstance(repository_id, int):
        return Routed(ignored=f"issues {action} changes no incident")
    try:
        found = github_issue.parse(dict(p))
    except InputError as exc:
        return Routed(ignored=f"issue not read as an incident: {exc}")
    if not found:
        return Routed(ignored="an issue without an incident label")
    by = f"github:{dig(p, 'sender', 'login') or 'unknown'}"
    return Routed((incidents_job(repo, repository_id, "github", found, by, received),))


def _push(p: Mapping[str, Any], repo: str, inst: int, received: str) -> Routed:
    default = dig(p, "repository", "default_branch")
    if p.get("ref") != f"refs/heads/{default}":
        return Routed(ignored="a push to a branch other than the default")
    # The configuration, roster and policy of every open pull request may have changed.
    # Its ledger's checkpoint is published from the default branch's pins.
    args = {
        "repository": repo,
        "installation_id": inst,
        "default_branch": str(default),
        "repository_id": dig(p, "repository", "id"),
    }
    return Routed(
        (Job(RECONCILE_REPOSITORY, args, queueing_lock=f"reconcile:{repo}"),),
    )


_HANDLERS = {
    "pull_request": _pull_request,
    "pull_request_review": _review,
    "issue_comment": _comment,
    "check_run": _check,
    "check_suite": _check,
    "merge_group": _merge_group,
    "push": _push,
    "issues": _issue,
}


QUEUE_REF = re.compile(r"^(?:refs/heads/)?gh-readonly-queue/.+/pr-(\d+)-([0-9a-f]{40})$")


def queue_entry(head_ref: str) -> tuple[int, str] | None:
    """The pull request number and head of a merge queue branch
    (``gh-readonly-queue/<base>/pr-<number>-<head sha>``)."""
    match = QUEUE_REF.match(head_ref)
    return (int(match.group(1)), match.group(2)) if match else None


def event_time(event: str, payload: Mapping[str, Any]) -> datetime | None:
    """When the event happened, from the payload's own timestamps, to refuse stale replays of
    a signed body; None when the event carries no such time (a push's commit times are the
    author's, not the push's)."""
    paths: dict[str, tuple[tuple[str, ...], ...]] = {
        "pull_request": (("pull_request", "updated_at"),),
        "issue_comment": (("comment", "updated_at"), ("comment", "created_at")),
        "issues": (("issue", "updated_at"),),
    }
    if event == "pull_request_review" and payload.get("action") == "submitted":
        # A dismissal carries the review's original submission time: it may be old and valid.
        paths["pull_request_review"] = (("review", "submitted_at"),)
    for path in paths.get(event, ()):
        value = dig(payload, *path)
        if isinstance(value, str):
            try:
                when = datetime.fromisoformat(value)
            except ValueError:
                continue
            return when if when.tzinfo else when.replace(tzinfo=UTC)
    return None


def dig(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data
