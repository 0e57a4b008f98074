"""Forge-proven approvals: a pull request review counts as ``forge`` only when GitHub itself
confirms it over an authenticated channel. In GitHub Actions, ``approve --from-review`` reads
the review back from the API with the job's token (``GITHUB_TOKEN``); the event file is only
the pointer. Anywhere else, or without a token, the file is all there is: ``asserted``, since
anyone can write one."""

from __future__ import annotations

from collections.abc import Mapping

from countersign.config.roster import Person
from countersign.errors import InputError
from countersign.intake.github_reviews import (
    DEFAULT_API,
    Fetch,
    fetch_json,
    fetch_permission,
    fetch_review,
)
from countersign.intake.pull_request import Review
from countersign.signoff.identity import Identity

FORGE = "forge"
FILE = "github-review"  # the first version's source: a review read from a file


def reviewer_identity(
    review: Review,
    person: Person,
    env: Mapping[str, str],
    fetch: Fetch = fetch_json,
    *,
    permission: bool = False,
) -> Identity:
    """``forge`` when the API confirms the review as the file describes it, ``asserted``
    (source ``github-review``) when there is no API to ask; ``InputError`` when GitHub's
    answer contradicts the file (a forged or edited event). ``permission``: also ask GitHub
    what the reviewer may do in the repository (an adoption change counts administrators
    only), recorded with the identity."""
    token = env.get("GITHUB_TOKEN", "")
    if env.get("GITHUB_ACTIONS") != "true" or not token or not review.id:
        return Identity(person.id, FILE)
    repository = env.get("GITHUB_REPOSITORY") or review.repository
    if review.repository and repository.lower() != review.repository.lower():
        raise InputError(
            f"the review event is for {review.repository}, but this job runs in {repository}: "
            "nothing recorded"
        )
    api = env.get("GITHUB_API_URL") or DEFAULT_API
    found = fetch_review(api, token, repository, review.number, review.id, fetch)
    wrong = [
        f"{what} is {theirs!r} on GitHub, {ours!r} in the event"
        for what, theirs, ours in (
            ("the reviewer", found.login.lower(), review.login.lower()),
            ("the state", found.state.lower(), review.state),
            ("the commit", found.commit, review.commit),
        )
        if theirs != ours
    ]
    if wrong:
        raise InputError(
            f"review {review.id} on #{review.number} does not match GitHub's: {'; '.join(wrong)}"
            "; nothing recorded"
        )
    allowed = fetch_permission(api, token, repository, found.login, fetch) if permission else ""
    return Identity(person.id, FORGE, authenticated=True, permission=allowed)
