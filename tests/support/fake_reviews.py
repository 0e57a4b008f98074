"""A fake GitHub REST API on loopback (stdlib ``http.server`` in a thread) that answers the
endpoints ``approve --from-review`` asks in GitHub Actions, ``GET /repos/{owner}/{repo}/pulls/
{number}/reviews/{id}`` and (for an adoption change) ``GET /repos/{owner}/{repo}/collaborators/
{username}/permission``, and for a solo sign-off ``GET /repos/{owner}/{repo}/pulls/{number}`` and
``GET /repos/{owner}/{repo}/collaborators``, from what it holds, and only with the right bearer
token."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ROUTE = re.compile(r"^/repos/([^/]+)/([^/]+)/pulls/(\d+)/reviews/(\d+)$")
PERMISSION = re.compile(r"^/repos/([^/]+)/([^/]+)/collaborators/([^/]+)/permission$")
PULL = re.compile(r"^/repos/([^/]+)/([^/]+)/pulls/(\d+)$")
COLLABORATORS = re.compile(r"^/repos/([^/]+)/([^/]+)/collaborators(?:\?.*)?$")


@dataclass
class FakeReviews:
    token: str
    reviews: dict[tuple[str, int, int], dict[str, Any]] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)
    url: str = ""
    # (repository, login) -> "admin", "write", "read": what GitHub says each collaborator may do
    permissions: dict[tuple[str, str], str] = field(default_factory=dict)

    # (repository, number) -> (author login, head sha)
    pulls: dict[tuple[str, int], tuple[str, str]] = field(default_factory=dict)

    def open_pull(self, repository: str, number: int, author: str, head: str) -> None:
        self.pulls[(repository.lower(), number)] = (author, head)

    def answer(self, path: str) -> dict[str, Any] | list[dict[str, Any]] | None:
        """The pull request or the collaborators ``path`` asks for, None for another path."""
        if match := PULL.match(path):
            found = self.pulls.get((f"{match[1]}/{match[2]}".lower(), int(match[3])))
            if found is None:
                return None
            return {"number": int(match[3]), "user": {"login": found[0]}, "head": {"sha": found[1]}}
        if match := COLLABORATORS.match(path):
            repository = f"{match[1]}/{match[2]}".lower()
            return [
                {"login": login, "role_name": role}
                for (repo, login), role in sorted(self.permissions.items())
                if repo == repository and role != "none"
            ]
        return None

    def add(self, repository: str, number: int, review: dict[str, Any]) -> None:
        self.reviews[(repository.lower(), number, int(review["id"]))] = review

    def grant(self, repository: str, login: str, permission: str) -> None:
        self.permissions[(repository.lower(), login.lower())] = permission

    def permission(self, path: str) -> dict[str, Any] | None:
        match = PERMISSION.match(path)
        if match is None:
            return None
        login = match[3]
        allowed = self.permissions.get((f"{match[1]}/{match[2]}".lower(), login.lower()), "none")
        legacy = {"maintain": "write", "triage": "read"}.get(allowed, allowed)
        return {"permission": legacy, "role_name": allowed, "user": {"login": login}}


def _handler(api: FakeReviews) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            api.asked.append(self.path)
            if self.headers.get("Authorization") != f"Bearer {api.token}":
                self._send(401, {"message": "Bad credentials"})
                return
            granted = api.permission(self.path)
            if granted is not None:
                self._send(200, granted)
                return
            other = api.answer(self.path)
            if other is not None:
                self._send(200, other)
                return
            match = ROUTE.match(self.path)
            key = (
                (f"{match[1]}/{match[2]}".lower(), int(match[3]), int(match[4])) if match else None
            )
            if key is None or key not in api.reviews:
                self._send(404, {"message": "Not Found"})
                return
            self._send(200, api.reviews[key])

        def _send(self, code: int, body: dict[str, Any] | list[dict[str, Any]]) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: Any) -> None:
            pass

    return Handler


@contextmanager
def fake_reviews(token: str = "ghs_test-token") -> Iterator[FakeReviews]:  # noqa: S107 - a fake
    api = FakeReviews(token)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(api))
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
