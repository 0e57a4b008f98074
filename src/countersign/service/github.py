"""GitHub's REST API as the App: a JWT (RS256) for the App, cached installation tokens for
everything else, and patience with GitHub's limits.

Requests and responses go through gidgethub's sans-I/O layer (headers, error types, rate-limit
parsing) over httpx. A 5xx, a rate limit (primary: ``X-RateLimit-Remaining: 0``; secondary: a
403 or 429 with ``Retry-After``) or a broken connection is retried with backoff, waiting what
GitHub asks for, up to ``max_wait`` in total; then ``GitHubUnavailable`` fails the job, and the
queue retries it later.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from gidgethub import BadRequest, GitHubBroken, HTTPException, RateLimitExceeded, sansio
from gidgethub.apps import get_jwt

from countersign.service import fence

log = logging.getLogger("countersign.service.github")

USER_AGENT = "countersign-service"
TOKEN_MARGIN_S = 300  # renew an installation token five minutes before it expires


class GitHubUnavailable(Exception):  # noqa: N818 - named for what the caller sees
    """GitHub kept failing or limiting us for longer than this attempt may wait."""


class GitHubRefused(Exception):  # noqa: N818
    """GitHub refused the request itself (4xx): retrying the same request will not help."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"GitHub answered {status}: {message}")
        self.status = status


@dataclass
class _Token:
    value: str
    expires: float


class GitHub:
    def __init__(
        self,
        api_url: str,
        app_id: str,
        private_key: str,
        *,
        transport: httpx.BaseTransport | None = None,
        max_wait: float = 60.0,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        on_error: Callable[[str], None] = lambda _kind: None,
    ) -> None:
        self.app_id = app_id
        self._key = private_key
        self._http = httpx.Client(base_url=api_url, transport=transport, timeout=30.0)
        self._tokens: dict[int, _Token] = {}
        self.max_wait = max_wait
        self.backoff = backoff
        self._sleep = sleep
        self._on_error = on_error

    def close(self) -> None:
        self._http.close()

    def app_jwt(self) -> str:
        return get_jwt(app_id=self.app_id, private_key=self._key)

    def token(self, installation: int) -> str:
        cached = self._tokens.get(installation)
        if cached is not None and cached.expires - TOKEN_MARGIN_S > time.time():
            return cached.value
        data = self._send(
            "POST",
            f"/app/installations/{installation}/access_tokens",
            {"authorization": f"Bearer {self.app_jwt()}"},
            body=None,
            params=None,
        )
        expires = _epoch(str(data.get("expires_at", ""))) or time.time() + 3600
        self._tokens[installation] = _Token(str(data["token"]), expires)
        return str(data["token"])

    def call(
        self,
        method: str,
        path: str,
        installation: int,
        *,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        if method != "GET":
            fence.before_write()  # a run that lost its pull request's lock writes nothing
        auth = {"authorization": f"token {self.token(installation)}"}
        return self._send(method, path, auth, body=body, params=params)

    def _send(
        self,
        method: str,
        path: str,
        auth: dict[str, str],
        *,
        body: Mapping[str, Any] | None,
        params: Mapping[str, Any] | None,
    ) -> Any:
        headers = sansio.create_headers(USER_AGENT) | auth
        headers["x-github-api-version"] = "2022-11-28"
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._http.request(
                    method, path, headers=headers, json=body, params=params
                )
                data, _, _ = sansio.decipher_response(
                    response.status_code, response.headers, response.content
                )
            except (httpx.TransportError, GitHubBroken, RateLimitExceeded, BadRequest) as exc:
                wait = self._retry_after(exc, attempt)
                if wait is None:
                    status = getattr(exc, "status_code", 0)
                    raise GitHubRefused(int(status), str(exc)) from None
                if waited + wait > self.max_wait:
                    raise GitHubUnavailable(
                        f"{method} {path}: {_describe(exc)} after {attempt} attempts"
                    ) from None
                log.warning(
                    "GitHub %s, retrying in %.1fs", _describe(exc), wait, extra={"attempt": attempt}
                )
                self._sleep(wait)
                waited += wait
                continue
            return data

    def _retry_after(self, exc: Exception, attempt: int) -> float | None:
        """Seconds to wait before trying again, None when the request itself was refused."""
        backoff = self.backoff * (1 << (attempt - 1))
        if isinstance(exc, httpx.TransportError):
            self._on_error("transport")
            return backoff
        if isinstance(exc, GitHubBroken):
            self._on_error("5xx")
            return backoff
        assert isinstance(exc, HTTPException)  # noqa: S101 - the except clause lists them
        headers = exc.headers or {}
        retry_after = headers.get("retry-after")
        if retry_after is not None and retry_after.strip().isdigit():
            self._on_error("rate-limit")
            return max(float(retry_after), backoff)
        if isinstance(exc, RateLimitExceeded):
            self._on_error("rate-limit")
            reset = exc.rate_limit.reset_datetime.timestamp() if exc.rate_limit else 0.0
            return max(reset - time.time(), backoff)
        if int(exc.status_code) == 429:
            self._on_error("rate-limit")
            return backoff
        self._on_error("4xx")
        return None


def _describe(exc: Exception) -> str:
    if isinstance(exc, HTTPException):
        return f"answered {int(exc.status_code)}"
    return f"unreachable ({type(exc).__name__})"


def _epoch(text: str) -> float | None:
    from datetime import datetime

    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return None
