"""GitHub reviews as sign-offs: an approving review by a roster person is their forge-proven
approval of the content at the reviewed commit (never of a later head); a dismissal withdraws
it. Recorded once, however often the job runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from countersign import Identity, approve, check_change, signoffs_for, withdraw
from countersign.errors import InputError, UsageError
from countersign.facts.adoption import Adoption
from countersign.intake.github_reviews import permission_of
from countersign.service.github import GitHubRefused
from countersign.signoff.adoption import unpinned_writer
from countersign.signoff.ledger import WITHDRAWN

if TYPE_CHECKING:
    from countersign.service.worker import Jobs

FORGE = "forge"  # a review delivered by GitHub over a verified webhook


def sign_off(
    jobs: Jobs,
    pr: dict[str, Any],
    repository: str,
    installation: int,
    action: str,
    review_id: int,
    state: str,
    commit_id: str,
    login: str,
    url: str,
) -> str:
    if action == "submitted" and state != "approved":
        return f"a {state or 'plain'} review signs nothing"
    if not commit_id:
        return "the review names no commit"
    try:
        where = jobs.fetch(repository, installation, pr, commit_id)
    except InputError:
        return f"commit {commit_id[:12]} is not in the repository: nothing recorded"
    ws = jobs.open_pull(where, pr, commit_id)
    result = check_change(ws)
    adoption = result.facts.adoption  # the roster it brings says who is who, GitHub who admins
    roster = adoption.roster if adoption else ws.context.config.roster
    person = roster.find_github(login)
    if person is None:
        return f"{login} is not in the roster at the base"
    # the login is checked against the roster again whenever the entry is read
    evidence = {
        "login": login,
        "repository": repository,
        "review": review_id,
        "via": "webhook",
        "api": jobs.settings.api_url,
    }
    permission = ""
    if adoption is not None and action != "dismissed":
        why = _unpinned(adoption, repository, jobs.settings.api_url)
        why = why or unpinned_writer(adoption, ws.ledger.key.key_id)
        if why:
            return f"not counted: {why}"
        try:
            answer = jobs.github.call(
                "GET", f"/repos/{repository}/collaborators/{login}/permission", installation
            )
            permission = permission_of(answer, login)
        except (GitHubRefused, InputError) as exc:
            return f"not counted: GitHub gave no permission for {login}: {exc}"
    who = Identity(person.id, FORGE, authenticated=True, permission=permission, evidence=evidence)
    note = f"GitHub review {review_id} {url}".strip()
    entries = ws.ledger.entries()
    if action == "dismissed":
        if _of_review(entries, WITHDRAWN, person.id, repository, review_id):
            return "dismissal already recorded"
        withdraw(ws.ledger, ws.change, person, who, f"dismissed: {note}")
        return f"withdrew {person.id}'s approval"
    if _of_review(entries, WITHDRAWN, person.id, repository, review_id):
        # Out of order (a redelivery, a retry): recorded after its own withdrawal, the approval
        # would count again.
        return f"not counted: review {review_id} was dismissed"
    if _already(entries, ws.change.fingerprint, person.id, note):
        return "already recorded"
    signoffs = signoffs_for(ws.ledger, ws.change.fingerprint)
    try:
        approve(
            ws.ledger,
            ws.change,
            roster,
            who,
            ws.policy,
            signoffs=signoffs,
            requirements=result.decision.requirements,
            note=note,
            makers=tuple(i.email for i in result.facts.identities),
        )
    except UsageError as exc:
        return f"not counted: {exc}"
    return f"recorded {person.id}'s approval of {ws.change.fingerprint[:19]}"


def _unpinned(adoption: Adoption, repository: str, api: str) -> str:
    """Why this service's review cannot sign off the adoption: it pins nothing, or another
    GitHub or repository than the one the webhook came from (``signoff.adoption``)."""
    forge = adoption.forge
    if adoption.unpinned:
        return adoption.unpinned
    if forge.repository.lower() != repository.lower():
        return f"the adoption pins forge.repository {forge.repository}, not {repository}"
    if forge.api.rstrip("/").lower() != api.rstrip("/").lower():
        return f"the adoption pins forge.api {forge.api}, but this service asks {api}"
    return ""


def _of_review(
    entries: list[dict[str, Any]], kind: str, person: str, repository: str, review_id: int
) -> bool:
    """Whether ``person`` has an entry of ``kind`` recorded from GitHub review ``review_id``
    (the forge's evidence names it)."""
    for e in entries:
        identity = e.get("identity")
        forge = identity.get("forge") if isinstance(identity, dict) else None
        if (
            e.get("kind") == kind
            and e.get("approver") == person
            and isinstance(forge, dict)
            and forge.get("review") == review_id
            and str(forge.get("repository", "")).lower() == repository.lower()
        ):
            return True
    return False


def _already(entries: list[dict[str, Any]], fingerprint: str, person: str, note: str) -> bool:
    """A retried job must not record the same review twice."""
    return any(
        e.get("kind") == "approval"
        and e.get("fingerprint") == fingerprint
        and e.get("approver") == person
        and e.get("note") == note
        for e in entries
    )
