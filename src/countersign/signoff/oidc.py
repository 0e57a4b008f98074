"""A GitHub Actions OIDC token as proof of which job asks: signed (RS256) by a key of the issuer
the policy pins, for countersign's audience, unexpired, and issued to the
``pull_request_review`` job that the reviewer started on this repository, pull request and
commit. PyJWT checks the signature; every claim is compared here, so each refusal says which.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import jwt

from countersign.config.forge import Oidc
from countersign.errors import InputError
from countersign.intake.pull_request import Review

LEEWAY_SECONDS = 60  # clock skew between the runner and GitHub
EVENT = "pull_request_review"
BOUND = ("repository", "event_name", "ref", "sha", "actor")  # what ties the token to a review
TIMES = ("exp", "iat")


def problem(what: str) -> InputError:
    return InputError(f"the job's OIDC token {what}: nothing recorded")


def verify_token(token: str, oidc: Oidc, jwks: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The token's claims once its signature, issuer, audience and times hold."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise problem(f"is not a JWT ({exc})") from None
    if header.get("alg") != "RS256":
        raise problem(f"is signed with {header.get('alg')!r}; GitHub signs with RS256")
    try:
        keys = jwt.PyJWKSet.from_dict(dict(jwks)).keys
    except jwt.PyJWTError as exc:
        raise InputError(f"the OIDC key set at {oidc.jwks_url} has no usable key: {exc}") from None
    kid = header.get("kid")
    key = next((k for k in keys if k.key_id == kid), None)
    if key is None:
        raise problem(f"is signed by key {kid!r}, which {oidc.jwks_url} does not list")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            options={
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "verify_aud": False,
                "verify_iss": False,
            },
        )
    except jwt.InvalidSignatureError:
        raise problem(f"signature does not verify with key {kid!r} of {oidc.jwks_url}") from None
    except jwt.PyJWTError as exc:
        raise problem(f"is not a valid JWT ({exc})") from None
    _issued(claims, oidc, now)
    return claims


def _issued(claims: Mapping[str, Any], oidc: Oidc, now: datetime) -> None:
    if claims.get("iss") != oidc.issuer:
        raise problem(f"was issued by {claims.get('iss')}, not {oidc.issuer}")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if oidc.audience not in audiences:
        raise problem(f"was not issued for {oidc.audience} (audience {audience})")
    stamps = {name: claims.get(name) for name in TIMES}
    wrong = [n for n, v in stamps.items() if not isinstance(v, int) or isinstance(v, bool)]
    if wrong:
        raise problem(f"has no {wrong[0]} time")
    at = now.timestamp()
    if at >= int(stamps["exp"] or 0) + LEEWAY_SECONDS:
        expired = datetime.fromtimestamp(int(stamps["exp"] or 0), UTC).isoformat()
        raise problem(f"has expired (at {expired})")
    if int(stamps["iat"] or 0) > at + LEEWAY_SECONDS or _nbf(claims) > at + LEEWAY_SECONDS:
        raise problem("is not valid yet (iat or nbf in the future)")


def _nbf(claims: Mapping[str, Any]) -> int:
    nbf = claims.get("nbf")
    return nbf if isinstance(nbf, int) and not isinstance(nbf, bool) else 0


def check_claims(
    claims: Mapping[str, Any],
    repository: str,
    review: Review,
    covers: Callable[[str, str], bool],
    workflow: str = "",
    event: str = EVENT,
) -> None:
    """The token was issued to the job GitHub started for this review. ``covers(sha, commit)``:
    the job's commit is the reviewed one, or the pull request's merge commit with it as a
    parent (``refs/pull/N/merge``, which GitHub gives pull request events)."""
    missing = [name for name in BOUND if not isinstance(claims.get(name), str)]
    if missing:
        raise problem(f"has no {missing[0]} claim")
    if claims["repository"].lower() != repository.lower():
        raise problem(f"is for repository {claims['repository']}, not {repository}")
    if claims["event_name"] != event:
        raise problem(f"is for a {claims['event_name']} event, not {event}")
    if claims["ref"] != f"refs/pull/{review.number}/merge":
        raise problem(f"is for {claims['ref']}, not pull request #{review.number}")
    if claims["actor"].lower() != review.login.lower():
        raise problem(
            f"was issued to a job {claims['actor']} started, not {review.login}, who wrote "
            f"the {'review' if event == EVENT else 'pull request'}"
        )
    if workflow and claims.get("job_workflow_ref") != workflow:
        raise problem(
            f"was issued to a job of workflow {claims.get('job_workflow_ref')}, not {workflow}"
        )
    if not covers(claims["sha"], review.commit):
        raise problem(
            f"was issued for commit {claims['sha'][:12]}, which is neither the reviewed commit "
            f"{review.commit[:12]} nor a merge of it"
        )
