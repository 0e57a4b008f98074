"""Read one pull request review back from GitHub's REST API, with the job's token: what GitHub
itself says about a review, as opposed to what an event file claims. Standard library only
(``urllib``); the API root is the one the policy pins (``forge.api``), never the environment's."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from countersign.errors import InputError

TIMEOUT_SECONDS = 20
MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class ApiReview:
    """A review as the API returns it (``GET /repos/{owner}/{repo}/pulls/{n}/reviews/{id}``)."""

    id: int
    login: str
    state: str  # upper case in the API: APPROVED, COMMENTED, CHANGES_REQUESTED, DISMISSED
    commit: str


Fetch = Callable[[str, str], Any]  # (url, token) -> decoded JSON


Get = Callable[[str, dict[str, str]], Any]  # (url, headers) -> decoded JSON


def fetch_json(url: str, token: str) -> Any:
    return get_json(
        url,
        {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        },
    )


def get_json(url: str, headers: dict[str, str]) -> Any:
    """GET ``url`` and decode its JSON answer, bounded in time and size; ``InputError`` saying
    what failed otherwise."""
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        raise InputError(f"{url!r} is not an http(s) URL")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, headers={**headers, "User-Agent": "countersign"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            data = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise InputError(f"GitHub answered {exc.code} for {url}: {exc.reason}") from None
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise InputError(f"cannot reach GitHub at {url}: {exc}") from None
    if len(data) > MAX_BYTES:
        raise InputError(f"GitHub's answer for {url} is larger than {MAX_BYTES} bytes")
    try:
        return json.loads(data)
    except ValueError:
        raise InputError(f"GitHub's answer for {url} is not JSON") from None


def review_url(api: str, repository: str, number: int, review_id: int) -> str:
    owner, _, name = repository.partition("/")
    parts = (urllib.parse.quote(owner, safe=""), urllib.parse.quote(name, safe=""))
    return f"{api.rstrip('/')}/repos/{parts[0]}/{parts[1]}/pulls/{number}/reviews/{review_id}"


def fetch_review(
    api: str, token: str, repository: str, number: int, review_id: int, fetch: Fetch = fetch_json
) -> ApiReview:
    data = fetch(review_url(api, repository, number, review_id), token)
    user = data.get("user") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(user, dict):
        raise InputError(f"GitHub's answer for review {review_id} is not a review")
    return ApiReview(
        id=data["id"] if isinstance(data.get("id"), int) else 0,
        login=str(user.get("login") or ""),
        state=str(data.get("state") or ""),
        commit=str(data.get("commit_id") or ""),
    )


def permission_url(api: str, repository: str, login: str) -> str:
    owner, _, name = repository.partition("/")
    parts = (urllib.parse.quote(owner, safe=""), urllib.parse.quote(name, safe=""))
    user = urllib.parse.quote(login, safe="")
    return f"{api.rstrip('/')}/repos/{parts[0]}/{parts[1]}/collaborators/{user}/permission"


def fetch_permission(
    api: str, token: str, repository: str, login: str, fetch: Fetch = fetch_json
) -> str:
    """What GitHub says ``login`` may do in ``repository`` (``GET /repos/{owner}/{repo}/
    collaborators/{username}/permission``): ``admin``, ``write``, ``read`` or ``none``."""
    scheme = urllib.parse.urlsplit(api).scheme
    if scheme not in ("https", "http"):
        raise InputError(f"GITHUB_API_URL {api!r} is not an http(s) URL")
    return permission_of(fetch(permission_url(api, repository, login), token), login)


def permission_of(data: Any, login: str) -> str:
    """The ``permission`` of GitHub's answer for ``login``, refused when it is no answer for
    them (the service asks through its own client)."""
    user = data.get("user") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("permission"), str):
        raise InputError(f"GitHub's answer for {login}'s permission is not a permission")
    if isinstance(user, dict) and str(user.get("login") or login).lower() != login.lower():
        raise InputError(f"GitHub answered {login}'s permission for {user.get('login')!r}")
    return str(data["permission"])


def repo_url(api: str, repository: str) -> str:
    owner, _, name = repository.partition("/")
    parts = (urllib.parse.quote(owner, safe=""), urllib.parse.quote(name, safe=""))
    return f"{api.rstrip('/')}/repos/{parts[0]}/{parts[1]}"


@dataclass(frozen=True)
class ApiPull:
    """A pull request as the API returns it (``GET /repos/{owner}/{repo}/pulls/{n}``)."""

    number: int
    author: str
    head: str


def fetch_pull(
    api: str, token: str, repository: str, number: int, fetch: Fetch = fetch_json
) -> ApiPull:
    data = fetch(f"{repo_url(api, repository)}/pulls/{number}", token)
    user = data.get("user") if isinstance(data, dict) else None
    head = data.get("head") if isinstance(data, dict) else None
    if not isinstance(user, dict) or not isinstance(head, dict):
        raise InputError(f"GitHub's answer for pull request #{number} is not a pull request")
    return ApiPull(number, str(user.get("login") or ""), str(head.get("sha") or ""))


def fetch_collaborators(
    api: str, token: str, repository: str, fetch: Fetch = fetch_json
) -> tuple[str, ...]:
    """Every collaborator's login (``affiliation=all``: outside collaborators, organisation
    members and teams with access too), up to one page of 100: more than one is all a solo
    adoption needs to know."""
    data = fetch(f"{repo_url(api, repository)}/collaborators?affiliation=all&per_page=100", token)
    if not isinstance(data, list):
        raise InputError(f"GitHub's answer for {repository}'s collaborators is not a list")
    return tuple(str(c.get("login") or "") for c in data if isinstance(c, dict))
