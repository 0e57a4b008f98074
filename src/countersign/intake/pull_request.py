"""A pull request as a GitHub ``pull_request`` webhook event (or the ``pull_request`` object of one)
describes it, and a review as a ``pull_request_review`` event does: the parts countersign reads,
validated once here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from countersign.errors import InputError

MAX_PAYLOAD_BYTES = 25_000_000


@dataclass(frozen=True)
class PullRequest:
    number: int
    title: str = ""
    body: str = ""
    labels: tuple[str, ...] = ()
    head_ref: str = ""
    author: str = ""
    url: str = ""


@dataclass(frozen=True)
class Review:
    """A submitted pull request review: who, in which state, of which commit, on which base."""

    action: str
    state: str  # "approved", "commented", "changes_requested", "dismissed"
    login: str
    commit: str
    base: str
    number: int
    url: str = ""
    id: int = 0  # the review's id, for checking it back against the API
    repository: str = ""  # owner/name


def read_review(path: str | Path) -> Review:
    data = _read_json(path, "review payload")
    review = _object(data.get("review")) if isinstance(data, dict) else {}
    pr = _object(data.get("pull_request")) if isinstance(data, dict) else {}
    login = _text(_object(review.get("user")).get("login"))
    commit = _text(review.get("commit_id"))
    base = _text(_object(pr.get("base")).get("sha"))
    if not (login and commit and base and isinstance(pr.get("number"), int)):
        raise InputError(
            f"{path}: not a GitHub pull_request_review event (it needs review.user.login, "
            "review.commit_id and pull_request.base.sha); pass the event file of a "
            "pull_request_review workflow run"
        )
    return Review(
        action=_text(data.get("action")),
        state=_text(review.get("state")).lower(),
        login=login,
        commit=commit,
        base=base,
        number=pr["number"],
        url=_text(review.get("html_url")),
        id=review["id"] if isinstance(review.get("id"), int) else 0,
        repository=_text(_object(data.get("repository")).get("full_name")),
    )


def read_authored(path: str | Path) -> Review:
    """A ``pull_request`` event as its author's own sign-off to confirm (a solo repository):
    the author, the head commit and the base, in the shape of a review of it."""
    data = _read_json(path, "pull request payload")
    pr = _object(data.get("pull_request")) if isinstance(data, dict) else {}
    login = _text(_object(pr.get("user")).get("login"))
    commit = _text(_object(pr.get("head")).get("sha"))
    base = _text(_object(pr.get("base")).get("sha"))
    if not (login and commit and base and isinstance(pr.get("number"), int)):
        raise InputError(
            f"{path}: not a GitHub pull_request event (it needs pull_request.user.login, "
            "pull_request.head.sha and pull_request.base.sha); pass the event file of a "
            "pull_request workflow run"
        )
    return Review(
        action=_text(data.get("action")),
        state="approved",
        login=login,
        commit=commit,
        base=base,
        number=pr["number"],
        url=_text(pr.get("html_url")),
        repository=_text(_object(data.get("repository")).get("full_name")),
    )


def read_pull_request(path: str | Path) -> PullRequest:
    return parse_pull_request(_read_json(path, "PR payload"), str(path))


def _read_json(path: str | Path, what: str) -> Any:
    file = Path(path)
    try:
        if file.stat().st_size > MAX_PAYLOAD_BYTES:
            raise InputError(f"{path}: {what} is larger than {MAX_PAYLOAD_BYTES} bytes")
        text = file.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InputError(
            f"{path}: {what} is not JSON ({exc}); pass the event file, e.g. $GITHUB_EVENT_PATH"
        ) from None


def parse_pull_request(data: Any, source: str = "payload") -> PullRequest:
    """Accept a whole event (``{"action", "pull_request": {...}}``) or the PR object itself."""
    pr = data.get("pull_request", data) if isinstance(data, dict) else None
    if not isinstance(pr, dict) or not isinstance(pr.get("number"), int):
        raise InputError(
            f"{source}: not a GitHub pull_request event (no pull_request.number); pass the "
            "event file of a pull_request or pull_request_target workflow run"
        )
    labels = tuple(
        label["name"]
        for label in pr.get("labels") or ()
        if isinstance(label, dict) and isinstance(label.get("name"), str)
    )
    head, user = _object(pr.get("head")), _object(pr.get("user"))
    return PullRequest(
        number=pr["number"],
        title=_text(pr.get("title")),
        body=_text(pr.get("body")),
        labels=labels,
        head_ref=_text(head.get("ref")),
        author=_text(user.get("login")),
        url=_text(pr.get("html_url")),
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
