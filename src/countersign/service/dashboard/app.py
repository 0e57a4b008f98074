"""The dashboard's routes and middleware, added to the web process by ``web.create_app`` when
a session secret is configured. Everything here needs a viewer except the sign-in pages and
the static files (vendored JavaScript and one stylesheet: no data)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from importlib.resources import files
from pathlib import Path
from typing import Any

from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from countersign.service.dashboard import api, pages, signin, tokens
from countersign.service.dashboard.auth import (
    SAFE_METHODS,
    SESSION_COOKIE,
    CsrfGuard,
    Viewer,
    as_viewer,
    viewer,
)
from countersign.service.settings import Settings

Handler = Callable[[Request, Viewer], Awaitable[Response]]


class Context:
    """What every dashboard handler needs: the settings and the web process's pool."""

    def __init__(self, settings: Settings, state: dict[str, Any]) -> None:
        if settings.dashboard is None:
            raise ValueError("the dashboard is not configured")
        self.settings = settings
        self.dashboard = settings.dashboard
        self.state = state

    @property
    def pool(self) -> Any:
        return self.state["pool"]

    async def viewer(self, request: Request) -> Viewer | None:
        return await viewer(request.scope, self.dashboard, self.pool)


def middleware(settings: Settings) -> list[Middleware]:
    dashboard = settings.dashboard
    if dashboard is None:
        return []
    return [
        Middleware(
            SessionMiddleware,
            secret_key=dashboard.session_secret,
            session_cookie=SESSION_COOKIE,
            max_age=dashboard.session_hours * 3600,
            same_site="lax",
            https_only=dashboard.secure_cookies,
        ),
        Middleware(CsrfGuard),
        Middleware(NoFraming),
    ]


# No other site may put the dashboard in a frame (clickjacking would get a reviewer's click on
# Approve past every CSRF token); no content sniffing; links out do not carry our addresses.
# Not a full CSP: vega compiles its expressions with Function (it needs 'unsafe-eval').
HEADERS = (
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)


class NoFraming:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


def routes(settings: Settings, state: dict[str, Any]) -> list[BaseRoute]:
    if settings.dashboard is None:
        return []
    ctx = Context(settings, state)

    def page(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        return partial(_guarded, ctx, handler, html=True)

    def data(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        return partial(_guarded, ctx, handler, html=False)

    static = Path(str(files("countersign.service.dashboard") / "static"))
    vendor = Path(str(files("countersign") / "vendor"))
    return [
        Route("/login", partial(signin.login_page, ctx)),
        Route("/login/github", partial(signin.start, ctx)),
        Route("/login/github/callback", partial(signin.callback, ctx)),
        Route("/logout", page(signin.logout), methods=["POST"]),
        Mount("/static/vendor", StaticFiles(directory=vendor), name="vendor"),
        Mount("/static", StaticFiles(directory=static), name="static"),
        # pages
        Route("/", page(partial(pages.queue, ctx))),
        Route("/friction", page(partial(pages.friction, ctx))),
        Route("/decisions", page(partial(pages.decisions, ctx))),
        Route("/decision", page(partial(pages.decision, ctx))),
        Route("/break-glass", page(partial(pages.break_glass, ctx))),
        Route("/ledger", page(partial(pages.ledger, ctx))),
        Route("/ledger/verify", page(partial(pages.verify, ctx)), methods=["POST"]),
        Route("/insight", page(partial(pages.insight_page, ctx))),
        Route("/tokens", page(partial(pages.tokens_page, ctx)), methods=["GET", "POST"]),
        Route("/tokens/{id:int}/revoke", page(partial(pages.revoke, ctx)), methods=["POST"]),
        Route("/requests/{id:int}/{action}", page(partial(pages.act, ctx)), methods=["POST"]),
        Route("/actions/{id:int}", page(partial(pages.action, ctx))),
        # the JSON API (api.py; described in openapi.py)
        *[
            Route(path, data(partial(handler, ctx)), methods=[method])
            for method, path, handler in api.ROUTES
        ],
        Route(
            "/api/{rest:path}", data(api.unknown), methods=["GET", "POST", "PUT", "PATCH", "DELETE"]
        ),
    ]


async def _guarded(ctx: Context, handler: Handler, request: Request, *, html: bool) -> Response:
    """Nobody reaches a handler without being a viewer: a page sends them to sign in, the API
    answers 401 in the one error shape; a signed-in login on no roster gets 403. An API call
    with a token is that token's person (no cookie, no proxy header counts), and only reads;
    pages never take a token."""
    if not html and (token := tokens.presented(request.headers.raw)) is not None:
        return await _with_token(ctx, handler, request, token)
    found = await ctx.viewer(request)
    if found is None:
        if html:
            if request.session.get("login") or _claims_proxy(ctx, request):
                return pages.refused(request, "You are signed in, but on no roster here.", 403)
            target = "/login"
            if request.url.path != "/":
                target += f"?next={request.url.path}"
            return RedirectResponse(target, 303)
        if request.session.get("login") or _claims_proxy(ctx, request):
            return api.error(403, "you are on no roster of this installation")
        return api.error(401, "sign in first: /login (or through the trusted proxy)")
    return await handler(request, found)


async def _with_token(ctx: Context, handler: Handler, request: Request, token: str) -> Response:
    if request.method not in SAFE_METHODS:
        return api.error(403, tokens.READ_ONLY)
    login = None
    if token:
        async with ctx.pool.connection() as conn:
            login = await tokens.owner(conn, token)
    if login is None:
        return api.error(401, tokens.UNKNOWN)
    found = await as_viewer(ctx.pool, login, "token", csrf="")
    if found is None:
        return api.error(403, "you are on no roster of this installation")
    return await handler(request, found)


def _claims_proxy(ctx: Context, request: Request) -> bool:
    client = request.client
    return ctx.dashboard.trusted(client.host if client else None) and bool(
        request.headers.get(ctx.dashboard.identity_header, "").strip()
    )


def json_error_handler(request: Request, exc: Exception) -> Response:
    status = int(getattr(exc, "status_code", 500))
    detail = str(getattr(exc, "detail", "") or "error")
    return JSONResponse({"ok": False, "error": detail.lower()}, status_code=status)
