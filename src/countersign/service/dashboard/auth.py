"""Who is looking: a person signed in with GitHub (the OAuth web flow; the login GitHub names
is kept in a signed session cookie) or named by an identity header that a proxy at a trusted
address set on this very request. Nobody else sees anything, and a person on no roster of an
installation sees nothing of it.

Every state-changing request (any method but GET and HEAD, webhooks aside: they are signed)
must carry the session's CSRF token, in the ``X-CSRF-Token`` header (htmx) or a ``csrf`` form
field; ``CsrfGuard`` refuses the others before any route runs, and refuses any such request
that carries an ``Authorization`` header: API tokens (tokens.py) only read.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from countersign.service.dashboard import tokens
from countersign.service.settings import Dashboard

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_COOKIE = "countersign_session"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
UNGUARDED = ("/webhooks/",)  # signed by GitHub; no cookie is read there
MAX_FORM = 64 * 1024

# The installations a login is on a roster of, and every repository of those installations.
VISIBLE = """
SELECT DISTINCT i2.repository
FROM countersign_people p
JOIN countersign_installations i1 ON i1.repository = p.repository
JOIN countersign_installations i2 ON i2.installation_id = i1.installation_id
WHERE lower(p.github) = lower(%(who)s) OR lower(%(who)s) = ANY(p.emails)
ORDER BY 1
"""
ROLES = """
SELECT repository, person, level, level_rank, teams FROM countersign_people
WHERE lower(github) = lower(%(who)s) OR lower(%(who)s) = ANY(emails)
"""


@dataclass(frozen=True)
class Role:
    """The viewer as one repository's roster (at its base) knows them."""

    repository: str
    person: str
    level: str | None
    rank: int
    teams: tuple[str, ...]


@dataclass(frozen=True)
class Viewer:
    login: str
    via: str  # "github" (OAuth sign-in), "proxy" (a trusted identity header) or "token" (API)
    repositories: tuple[str, ...]  # what they may see
    roles: tuple[Role, ...]  # where they are on the roster: what they may act on
    csrf: str

    def role(self, repository: str) -> Role | None:
        return next((r for r in self.roles if r.repository == repository), None)


def claimed(scope: Scope, dashboard: Dashboard) -> tuple[str, str] | None:
    """(login, how) this request claims, before the rosters are asked."""
    session = scope.get("session") or {}
    client = scope.get("client")
    if dashboard.trusted(client[0] if client else None):
        wanted = dashboard.identity_header.lower().encode()
        for name, value in scope.get("headers", ()):
            if name == wanted and value.strip():
                return value.decode("latin-1").strip(), "proxy"
    if session.get("via") == "github" and session.get("login"):
        return str(session["login"]), "github"
    return None


async def viewer(scope: Scope, dashboard: Dashboard, pool: Any) -> Viewer | None:
    """The viewer of this request, or None (not signed in, or on no roster)."""
    who = claimed(scope, dashboard)
    if who is None:
        return None
    login, via = who
    found = await as_viewer(pool, login, via, csrf="")
    if found is None:
        return None
    session = scope["session"]
    if session.get("login") != login or session.get("via") != via:
        # A new person (or a proxy identity replacing a GitHub one): a new session and token.
        session.clear()
        session.update(login=login, via=via)
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return Viewer(found.login, via, found.repositories, found.roles, csrf=str(session["csrf"]))


async def as_viewer(pool: Any, login: str, via: str, *, csrf: str) -> Viewer | None:
    """``login`` as the rosters know them now, or None when they are on none."""
    async with pool.connection() as conn:
        repositories = [
            r[0] for r in await (await conn.execute(VISIBLE, {"who": login})).fetchall()
        ]
        roles = await (await conn.execute(ROLES, {"who": login})).fetchall()
    if not repositories:
        return None
    return Viewer(
        login=login,
        via=via,
        repositories=tuple(repositories),
        roles=tuple(Role(r[0], r[1], r[2], int(r[3]), tuple(r[4])) for r in roles),
        csrf=csrf,
    )


def start_session(session: dict[str, Any], login: str) -> None:
    """After a GitHub sign-in: nothing of the session before it survives (no fixation)."""
    session.clear()
    session.update(login=login, via="github", csrf=secrets.token_urlsafe(32))


class CsrfGuard:
    """Refuses a state-changing request without the session's token, with the one error shape.
    Inside SessionMiddleware (it reads ``scope['session']``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] in SAFE_METHODS
            or scope["path"].startswith(UNGUARDED)
        ):
            await self.app(scope, receive, send)
            return
        if tokens.presented(scope.get("headers", ())) is not None:
            await _refuse(send, 403, tokens.READ_ONLY)
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_FORM:
                await _refuse(send, 413, "request body too large")
                return
        expected = str((scope.get("session") or {}).get("csrf", ""))
        given = _token(scope, body)
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            await _refuse(send, 403, "missing or wrong CSRF token: reload the page and try again")
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _token(scope: Scope, body: bytes) -> str:
    headers: dict[bytes, bytes] = dict(scope.get("headers", ()))
    header = headers.get(b"x-csrf-token")
    if header:
        return header.decode("latin-1")
    kind = headers.get(b"content-type", b"").decode("latin-1")
    if kind.startswith("application/x-www-form-urlencoded"):
        return str(dict(parse_qsl(body.decode("utf-8", "replace"))).get("csrf", ""))
    return ""


async def _refuse(send: Send, status: int, message: str) -> None:
    body = json.dumps({"ok": False, "error": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(body)),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
