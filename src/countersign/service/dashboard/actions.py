"""What a person does from the dashboard, carried out by a worker: the web process records the
action and queues it; the worker opens the change at the exact head the person saw, and

- *approve*: records their approval of that fingerprint for that requirement, with the same
  rules as a GitHub review (``approve``: roster at the base, not a maker, level and team), as a
  ``forge`` identity: only a person signed in with GitHub (GitHub proved the login) approves
  here; a proxy's identity header is asserted, not proven, and is refused (``UNPROVEN``); then
  evaluates the pull request again (the check run follows);
- *send back*: writes their comment on the pull request and records it in the ledger.

If the content under that head is not the content they saw (another fingerprint), nothing is
recorded. Each action runs once: a retried job finds it done, and a job run again after doing
its work but not writing its end finds that work (the comment by its marker, the entries by
their note, which names the action) and does it no second time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from countersign import Identity, approve, check_change, signoffs_for
from countersign.errors import InputError, UsageError
from countersign.service import publish
from countersign.service.reviews import FORGE

if TYPE_CHECKING:
    from countersign.service.worker import Jobs

APPROVE = "approve"
SEND_BACK = "send-back"
ACTIONS = (APPROVE, SEND_BACK)
SENT_BACK_MARKER = "<!-- countersign:sent-back {} -->"  # the action id, to find it again
PROXY = "proxy"  # an identity header from a trusted proxy: asserted, not proven by the forge
UNPROVEN = (
    "approving here needs an identity GitHub proved: you came through the sign-in proxy, "
    "which names you but proves nothing to the forge. Sign in with GitHub to approve here, "
    "or approve in the pull request's review; you can still send it back"
)

LOAD = """
SELECT a.id, a.repository, a.number, a.head_sha, a.fingerprint, a.login, a.identity, a.action,
       a.comment, a.status, r.requirement, i.installation_id
FROM countersign_dashboard_actions a
JOIN countersign_requests r ON r.id = a.request_id
LEFT JOIN countersign_installations i ON i.repository = a.repository
WHERE a.id = %s
"""
FINISH = """
UPDATE countersign_dashboard_actions SET status = %s, result = %s, done_at = now()
WHERE id = %s AND status = 'queued'
"""
RECORD = """
INSERT INTO countersign_dashboard_actions
    (request_id, repository, number, head_sha, fingerprint, login, identity, action, comment)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id
"""


def perform(jobs: Jobs, action_id: int) -> str:
    row = jobs.conn.execute(LOAD, (action_id,)).fetchone()
    if row is None:
        return "no such action"
    (_, repository, number, head, fingerprint, login, identity, action, comment, status,
     requirement, installation) = row  # fmt: skip
    if status != "queued":
        return f"already {status}"
    if installation is None:
        return _finish(jobs, action_id, "refused", "the repository's installation is unknown")
    installation = int(installation)
    pr = jobs.github.call("GET", f"/repos/{repository}/pulls/{number}", installation)
    try:
        where = jobs.fetch(repository, installation, pr, head)
    except InputError:
        return _finish(jobs, action_id, "refused", f"commit {head[:12]} is not in the repository")
    ws = jobs.open_pull(where, pr, head)
    if ws.change.fingerprint != fingerprint:
        return _finish(
            jobs,
            action_id,
            "refused",
            "the content changed since the page showed it (another fingerprint): nothing recorded",
        )
    if action == APPROVE and identity != "github":
        return _finish(jobs, action_id, "refused", UNPROVEN)
    roster = ws.context.config.roster
    person = roster.find_github(login) or roster.find(login)
    if person is None:
        return _finish(jobs, action_id, "refused", f"{login} is not in the roster at the base")
    if identity == "github":
        who = Identity(person.id, FORGE, authenticated=True)
        how = "signed in with GitHub"
    else:
        who = Identity(person.id, PROXY)
        how = "named by the trusted proxy"
    note = f"dashboard: {login} ({how}), action {action_id}"
    # A run that did the work but whose end was not written (a failure at that write, a worker
    # that died) is run again: what it did is found again, and done once.
    entries = ws.ledger.entries()
    if action == SEND_BACK:
        marker = SENT_BACK_MARKER.format(action_id)
        if publish.find_comment(jobs.github, installation, repository, number, marker) is None:
            body = (
                f"**Sent back** by @{login} from the countersign dashboard "
                f"(`{head[:12]}`, fingerprint `{fingerprint[:19]}`):\n\n"
                + "\n".join(f"> {line}" for line in comment.splitlines())
                + f"\n\n{marker}"
            )
            jobs.github.call(
                "POST",
                f"/repos/{repository}/issues/{number}/comments",
                installation,
                body={"body": body},
            )
        if not _noted(entries, "sent-back", person.id, note):
            ws.ledger.append(
                "sent-back",
                {
                    "who": person.id,
                    "identity": who.as_dict(),
                    "fingerprint": fingerprint,
                    "head": head,
                    "comment": comment,
                    "note": note,
                },
            )
        return _finish(jobs, action_id, "done", "sent back with a comment on the pull request")
    if _noted(entries, "approval", person.id, note):
        done = _finish(jobs, action_id, "done", f"recorded {person.id}'s approval ({who.strength})")
        if pr.get("state") == "open":
            jobs.evaluate_pull_request(repository, installation, int(number))
        return done
    result = check_change(ws)
    try:
        approve(
            ws.ledger,
            ws.change,
            roster,
            who,
            ws.policy,
            signoffs=signoffs_for(ws.ledger, fingerprint),
            requirements=result.decision.requirements,
            requirement=requirement,
            note=note,
            makers=tuple(i.email for i in result.facts.identities),
        )
    except UsageError as exc:
        return _finish(jobs, action_id, "refused", f"not counted: {exc}")
    done = _finish(jobs, action_id, "done", f"recorded {person.id}'s approval ({who.strength})")
    if pr.get("state") == "open":
        jobs.evaluate_pull_request(repository, installation, int(number))
    return done


def _noted(entries: list[dict[str, Any]], kind: str, person: str, note: str) -> bool:
    """Whether this action's entry of ``kind`` is recorded (its note names the action)."""
    return any(
        e.get("kind") == kind
        and (e.get("approver") or e.get("who")) == person
        and e.get("note") == note
        for e in entries
    )


def _finish(jobs: Jobs, action_id: int, status: str, result: str) -> str:
    jobs.conn.execute(FINISH, (status, result, action_id))
    return result


def job(action_id: int, repository: str, number: int) -> Any:
    from countersign.service.events import DASHBOARD_ACTION, Job, pr_lock

    return Job(DASHBOARD_ACTION, {"action_id": action_id}, lock=pr_lock(repository, number))
