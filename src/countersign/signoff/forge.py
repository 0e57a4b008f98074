"""Forge-proven approvals: a pull request review counts as ``forge`` only when GitHub itself
confirms it, at the GitHub the policy at the base pins (``forge:`` in policy.yaml), never one
the environment names: ``GITHUB_API_URL``, ``GITHUB_ACTIONS`` and ``GITHUB_REPOSITORY`` are
whatever the person running the command sets. The event file is only the pointer.

1. Without a pinned ``forge.repository``, or without a token to ask with, the review is
   ``asserted`` (anyone can write an event file), with the reason.
2. A review on another repository than the pinned one is refused (``InputError``).
3. The review is read back from ``forge.api``; a reviewer, state or commit that differs from
   the event is refused.
4. When the policy pins an OIDC issuer (``forge.oidc``), the job's token must verify against
   that issuer's keys and name this repository, pull request, commit, event and reviewer;
   without a token the review is ``asserted``, a token for anything else is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from countersign.config.forge import Forge, Oidc
from countersign.config.roster import Person
from countersign.errors import InputError
from countersign.intake.github_reviews import (
    Fetch,
    Get,
    fetch_collaborators,
    fetch_json,
    fetch_permission,
    fetch_pull,
    fetch_review,
    get_json,
)
from countersign.intake.pull_request import Review
from countersign.signoff.identity import Identity

FORGE = "forge"
ADMIN = "admin"
EVENT = "pull_request_review"  # the event whose job records a review
SOLO_EVENT = "pull_request"  # the event whose job records a solo sign-off
FILE = "github-review"  # the first version's source: a review read from a file


@dataclass(frozen=True)
class Confirmation:
    """Who reviewed, as strongly as GitHub proved it; ``unproven`` says why not ``forge``."""

    identity: Identity
    unproven: str = ""
    checked: str = ""  # what confirmed it, for the output


@dataclass(frozen=True)
class Channels:
    """The edges ``reviewer_identity`` talks through, replaced in tests."""

    fetch: Fetch = fetch_json
    get: Get = get_json
    covers: Callable[[str, str], bool] = lambda sha, commit: sha == commit


def reviewer_identity(
    review: Review,
    person: Person,
    forge: Forge,
    env: Mapping[str, str],
    now: datetime,
    channels: Channels | None = None,
    branch: str = "main",
    *,
    permission: bool = False,
) -> Confirmation:
    """``forge``: as pinned on ``branch``, the protected default branch ("" when the clone
    has none). ``permission``: also ask GitHub what the reviewer may do in the repository (an
    adoption change counts administrators only), recorded with the identity."""
    ways = channels or Channels()
    if not branch:
        return _asserted(
            person,
            "this clone has no default branch (origin/HEAD, main, master, trunk) to read "
            "policy.yaml's forge from",
        )
    if not forge.repository:
        return _asserted(
            person,
            f"policy.yaml on {branch} pins no forge.repository, so no GitHub can confirm a review",
        )
    if review.repository and review.repository.lower() != forge.repository.lower():
        raise InputError(
            f"the review is on {review.repository}, but policy.yaml on {branch} pins "
            f"forge.repository {forge.repository}: nothing recorded"
        )
    token = env.get("GITHUB_TOKEN", "")
    if not token:
        return _asserted(person, "no GITHUB_TOKEN to read the review back from GitHub with")
    if not review.id:
        return _asserted(person, "the event names no review id to read back")
    found = fetch_review(forge.api, token, forge.repository, review.number, review.id, ways.fetch)
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
    allowed = (
        fetch_permission(forge.api, token, forge.repository, found.login, ways.fetch)
        if permission
        else ""
    )
    evidence: dict[str, Any] = {
        "login": found.login,  # checked against the roster again whenever it is read
        "api": forge.api,
        "repository": forge.repository,
        "pull_request": review.number,
        "review": review.id,
    }
    checked = f"confirmed with GitHub's API at {forge.api}"
    if allowed:
        checked += f", repository permission {allowed}"
    if forge.oidc is not None:
        job = _job(review, forge, env, now, ways)
        if job is None:
            return _asserted(
                person,
                "policy.yaml asks for the job's OIDC token (forge.oidc) and this job has none: "
                "give the job `permissions: id-token: write`",
            )
        evidence["oidc"] = job
        checked += " and the job's OIDC token"
    return Confirmation(
        Identity(person.id, FORGE, authenticated=True, permission=allowed, evidence=evidence),
        "",
        checked,
    )


def _job(
    review: Review,
    forge: Forge,
    env: Mapping[str, str],
    now: datetime,
    ways: Channels,
    event: str = EVENT,
) -> dict[str, Any] | None:
    """The verified claims of the job's OIDC token that say which run recorded the approval;
    None when the job has no token. PyJWT is loaded only here."""
    from countersign.intake.github_oidc import fetch_jwks, request_id_token
    from countersign.signoff.oidc import check_claims, verify_token

    oidc = forge.oidc
    assert oidc is not None  # noqa: S101 - the caller checked
    token = request_id_token(env, oidc.audience, ways.get)
    if token is None:
        return None
    claims = verify_token(token, oidc, fetch_jwks(oidc.jwks_url, ways.get), now)
    check_claims(claims, forge.repository, review, ways.covers, oidc.workflow, event)
    return {
        "issuer": oidc.issuer,
        "run_id": str(claims.get("run_id", "")),
        "workflow_ref": str(claims.get("workflow_ref", "")),
        "job_workflow_ref": str(claims.get("job_workflow_ref", "")),
        "sha": str(claims["sha"]),
    }


def _asserted(person: Person, why: str) -> Confirmation:
    return Confirmation(Identity(person.id, FILE), why, f"the event file alone: {why}")


def solo_identity(
    pull: Review,
    person: Person,
    forge: Forge,
    env: Mapping[str, str],
    now: datetime,
    channels: Channels | None = None,
    branch: str = "main",
) -> Confirmation:
    """A solo sign-off: the author of pull request ``pull`` (``login``, at ``commit``) is, as
    GitHub says now, the repository's only collaborator and an administrator of it, and the
    job's OIDC token was issued to the ``pull_request`` job they started. ``forge`` as for a
    review; its OIDC issuer is always asked (GitHub's unless it pins another)."""
    ways = channels or Channels()
    if not forge.repository:
        return _asserted(
            person,
            f"policy.yaml on {branch} pins no forge.repository, so no GitHub can confirm it",
        )
    if pull.repository and pull.repository.lower() != forge.repository.lower():
        raise InputError(
            f"the pull request is on {pull.repository}, but {branch} pins forge.repository "
            f"{forge.repository}: nothing recorded"
        )
    token = env.get("GITHUB_TOKEN", "")
    if not token:
        return _asserted(person, "no GITHUB_TOKEN to ask GitHub with")
    found = fetch_pull(forge.api, token, forge.repository, pull.number, ways.fetch)
    if found.author.lower() != pull.login.lower() or found.head != pull.commit:
        raise InputError(
            f"pull request #{pull.number} is by {found.author} at {found.head[:12]} on GitHub, "
            f"by {pull.login} at {pull.commit[:12]} in the event: nothing recorded"
        )
    everyone = fetch_collaborators(forge.api, token, forge.repository, ways.fetch)
    if [c.lower() for c in everyone] != [found.author.lower()]:
        raise InputError(
            f"{forge.repository} has {len(everyone)} collaborators on GitHub "
            f"({', '.join(everyone[:5]) or 'none'}), not {found.author} alone: a solo sign-off "
            "needs the author to be the only one; add the others to people.yaml and have "
            "one of them review"
        )
    allowed = fetch_permission(forge.api, token, forge.repository, found.author, ways.fetch)
    if allowed != ADMIN:
        raise InputError(
            f"{found.author} is {allowed}, not admin, of {forge.repository} on GitHub: nothing "
            "recorded"
        )
    job = _job(pull, replace(forge, oidc=forge.oidc or Oidc()), env, now, ways, SOLO_EVENT)
    if job is None:
        return _asserted(
            person,
            "a solo sign-off needs the job's OIDC token: give the job "
            "`permissions: id-token: write`",
        )
    evidence: dict[str, Any] = {
        "login": found.author,
        "api": forge.api,
        "repository": forge.repository,
        "pull_request": pull.number,
        "solo": {"collaborators": list(everyone)},
        "oidc": job,
    }
    return Confirmation(
        Identity(person.id, FORGE, authenticated=True, permission=allowed, evidence=evidence),
        "",
        f"GitHub at {forge.api} confirms {found.author} is the only collaborator and an "
        "administrator of the repository; the job's OIDC token verified",
    )
