"""The merge queue: a ``merge_group`` passes only when its merged content is exactly what its
pull request showed and that pull request is satisfied."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from countersign.errors import FatalError
from countersign.intake.pull_request import parse_pull_request
from countersign.service import events, mirror, outputs, publish
from countersign.service.decisions import SAVE_DECISION, Outcome
from countersign.service.evaluation import judge

if TYPE_CHECKING:
    from countersign.service.worker import Jobs

log = logging.getLogger("countersign.service.merge_queue")


def decide(
    jobs: Jobs,
    repository: str,
    installation_id: int,
    head_sha: str,
    base_sha: str,
    head_ref: str = "",
    **event: Any,
) -> Outcome:
    """A merge group passes only when its merged content is exactly what its pull request
    showed (the same fingerprint) and that pull request is satisfied; anything else (a
    group of several pull requests, a base that moved under a change, a group we cannot
    tie to its pull request) asks for review. Never a blanket success: judged on its own,
    the queue's commit would lose the provenance of the commits it squashes."""
    fields = {"repository": repository, "head": head_sha}
    where = mirror.mirror_path(jobs.settings.state_dir, installation_id, repository)
    url = mirror.remote_url(jobs.settings.git_url, repository)
    token = jobs.github.token(installation_id) if url.startswith("http") else None
    ledger = jobs.ledger(int(event["repository_id"]))
    state = jobs.settings.state_dir / "state"
    entry = events.queue_entry(head_ref)
    problem = ""
    judged = None
    try:
        mirror.fetch(where, url, [head_sha, base_sha], token=token)
        group = judge(where, base=base_sha, head=head_sha, ledger=ledger, state=state)
        if entry is None:
            problem = f"cannot tell which pull request the group {head_ref!r} merges"
        else:
            number, pr_head = entry
            pr = jobs.github.call("GET", f"/repos/{repository}/pulls/{number}", installation_id)
            if not mirror.has_commit(where, pr_head):
                mirror.fetch(where, url, [pr_head], token=token)
            judged = judge(
                where,
                base=base_sha,
                head=pr_head,
                ledger=ledger,
                state=state,
                pull_request=parse_pull_request(pr),
            )
            if judged.fingerprint != group.fingerprint:
                problem = (
                    f"the group's merged content ({group.fingerprint[:19]}) is not what "
                    f"pull request #{number} showed ({judged.fingerprint[:19]}): other "
                    "changes were merged with it or its base moved; review it again"
                )
    except FatalError as exc:
        problem = f"could not be analysed: {exc}"
    if problem or judged is None:
        body = outputs.not_analysed(head_sha, problem, "")
        verdict, fingerprint = "needs-approval", ""
    else:
        body = outputs.check_run(judged.evaluation, head_sha, judged.fingerprint, "")
        verdict, fingerprint = str(judged.evaluation.verdict), judged.fingerprint
    body.pop("details_url", None)
    run_id = publish.upsert_check_run(
        jobs.github, jobs.conn, installation_id, repository, "merge_group", body
    )
    jobs.conn.execute(
        SAVE_DECISION,
        (
            repository,
            head_sha,
            "merge_group",
            entry[0] if entry else 0,
            base_sha,
            fingerprint,
            verdict,
            body["conclusion"],
            run_id,
        ),
    )
    jobs.observe(event.get("received_at"))
    log.info("merge group decided", extra={**fields, "verdict": verdict, "outcome": problem})
    return Outcome("decided", head_sha, verdict, run_id)
