"""Signing in with GitHub: the OAuth web flow of the App. A random ``state`` kept in the session
binds GitHub's answer to the browser that asked; the code is exchanged for a user token once,
the token reads ``GET /user`` once and is dropped: only the login GitHub named is kept."""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import httpx
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from countersign.service.dashboard import pages
from countersign.service.dashboard.auth import VISIBLE, Viewer, start_session

if TYPE_CHECKING:
    from countersign.service.dashboard.app import Context

log = logging.getLogger("countersign.service.dashboard")
CALLBACK = "/login/github/callback"
TIMEOUT = 10.0


async def login_page(ctx: Context, request: Request) -> Response:
    if await ctx.viewer(request) is not None:
        return RedirectResponse(_next(request), 303)
    return pages.render(
        request,
        "login.html",
        oauth=ctx.dashboard.oauth,
        proxy=bool(ctx.dashboard.trusted_proxies),
        next=_next(request),
    )


async def start(ctx: Context, request: Request) -> Response:
    if not ctx.dashboard.oauth:
        return pages.refused(request, "Sign-in with GitHub is not configured here.", 404)
    state = secrets.token_urlsafe(24)
    request.session["oauth_state"] = state
    request.session["oauth_next"] = _next(request)
    query = urlencode(
        {
            "client_id": ctx.dashboard.oauth_client_id,
            "redirect_uri": ctx.dashboard.public_url + CALLBACK,
            "state": state,
            "allow_signup": "false",
        }
    )
    return RedirectResponse(f"{ctx.dashboard.github_url}/login/oauth/authorize?{query}", 302)


async def callback(ctx: Context, request: Request) -> Response:
    expected = str(request.session.pop("oauth_state", ""))
    target = str(request.session.pop("oauth_next", "/"))
    state = request.query_params.get("state", "")
    code = request.query_params.get("code", "")
    if not expected or not hmac.compare_digest(state.encode(), expected.encode()):
        return pages.refused(
            request, "This sign-in link expired or was not yours: sign in again.", 400
        )
    if not code:
        why = request.query_params.get("error_description") or "GitHub sent no code"
        return pages.refused(request, f"GitHub did not sign you in: {why}.", 401)
    try:
        login = await _github_login(ctx, code)
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        log.warning("GitHub sign-in failed: %s", type(exc).__name__)
        return pages.refused(request, "GitHub did not confirm who you are: sign in again.", 401)
    async with ctx.pool.connection() as conn:
        known = await (await conn.execute(VISIBLE, {"who": login})).fetchone()
    if known is None:
        log.info("sign-in refused: not on any roster", extra={"login": login})
        return pages.refused(request, f"{login} is on no roster of this installation.", 403)
    start_session(request.session, login)
    log.info("signed in", extra={"login": login})
    return RedirectResponse(target, 303)


async def logout(request: Request, _: Viewer) -> Response:
    request.session.clear()
    return RedirectResponse("/login", 303)


async def _github_login(ctx: Context, code: str) -> str:
    d = ctx.dashboard
    async with httpx.AsyncClient(timeout=TIMEOUT) as client:
        answer = await client.post(
            f"{d.github_url}/login/oauth/access_token",
            data={
                "client_id": d.oauth_client_id,
                "client_secret": d.oauth_client_secret,
                "code": code,
                "redirect_uri": d.public_url + CALLBACK,
            },
            headers={"Accept": "application/json"},
        )
        answer.raise_for_status()
        token = answer.json().get("access_token")
        if not isinstance(token, str) or not token:
            raise ValueError(str(answer.json().get("error", "no access token")))
        user = await client.get(
            f"{ctx.settings.api_url}/user",
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
            },
        )
        user.raise_for_status()
        login = user.json()["login"]
    if not isinstance(login, str) or not login:
        raise ValueError("no login")
    return login


def _next(request: Request) -> str:
    """Only a path on this site: never an open redirect."""
    wanted = request.query_params.get("next", "/")
    safe = wanted.startswith("/") and not wanted.startswith("//") and "\\" not in wanted
    return wanted if safe else "/"
