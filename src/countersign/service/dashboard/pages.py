"""The dashboard's pages: the views of ``views.py`` rendered by Jinja2 templates (autoescaped),
with htmx for the parts that change in place (approve and send back, the decision filters, the
ledger check). Each page works without JavaScript too: forms post and come back."""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from countersign.service.dashboard import (
    actions,
    api,
    charts,
    insight,
    tokens,
    verification,
    views,
)
from countersign.service.dashboard.auth import Viewer

if TYPE_CHECKING:
    from jinja2 import Environment

    from countersign.service.dashboard.app import Context

NAV = (
    ("/", "My queue"),
    ("/friction", "Friction budget"),
    ("/decisions", "Decisions"),
    ("/break-glass", "Break-glass"),
    ("/ledger", "Ledger"),
    ("/insight", "Insight"),
    ("/tokens", "API tokens"),
)


@functools.cache
def environment() -> Environment:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("countersign.service.dashboard", "templates"),
        autoescape=select_autoescape(("html",)),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["tojson_attr"] = json.dumps
    env.filters["short"] = lambda text, n=12: str(text or "")[:n]
    return env


def render(
    request: Request, template: str, status: int = 200, viewer: Viewer | None = None, **context: Any
) -> HTMLResponse:
    html = (
        environment()
        .get_template(template)
        .render(request=request, viewer=viewer, nav=NAV, path=request.url.path, **context)
    )
    return HTMLResponse(html, status_code=status)


def refused(request: Request, message: str, status: int) -> HTMLResponse:
    return render(request, "error.html", status=status, message=message, code=status)


def fragment(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


async def queue(ctx: Context, request: Request, viewer: Viewer) -> Response:
    async with ctx.pool.connection() as conn:
        data = await views.queue(conn, viewer)
    return render(request, "queue.html", viewer=viewer, **data)


async def friction(ctx: Context, request: Request, viewer: Viewer) -> Response:
    async with ctx.pool.connection() as conn:
        data = await views.friction(conn, viewer)
    return render(request, "friction.html", viewer=viewer, charts=charts.friction(data), **data)


async def decisions(ctx: Context, request: Request, viewer: Viewer) -> Response:
    query = {k: v for k, v in request.query_params.items() if v.strip()}
    try:
        filters = views.filters_from(query)
    except views.BadFilterError as exc:
        return refused(request, str(exc), 400)
    async with ctx.pool.connection() as conn:
        data = await views.decisions(conn, viewer, filters)
    template = "_decision_rows.html" if fragment(request) else "decisions.html"
    return render(request, template, viewer=viewer, query=query, **data)


async def decision(ctx: Context, request: Request, viewer: Viewer) -> Response:
    try:
        which = api.decision_wanted(dict(request.query_params))
    except views.BadFilterError as exc:
        return refused(request, str(exc), 400)
    async with ctx.pool.connection() as conn:
        found = await views.decision(conn, viewer, **which)
    if found is None:
        return refused(request, "No such evaluation that you may see.", 404)
    return render(request, "decision.html", viewer=viewer, d=found)


async def break_glass(ctx: Context, request: Request, viewer: Viewer) -> Response:
    async with ctx.pool.connection() as conn:
        data = await views.break_glass(conn, viewer, ctx.settings.database_url)
    return render(request, "break_glass.html", viewer=viewer, **data)


async def ledger(ctx: Context, request: Request, viewer: Viewer) -> Response:
    async with ctx.pool.connection() as conn:
        data = await views.ledger(conn, viewer, ctx.settings.database_url)
    return render(request, "ledger.html", viewer=viewer, **data)


async def verify(ctx: Context, request: Request, viewer: Viewer) -> Response:
    repository = (await api.request_fields(request)).get("repository", "")
    try:
        result = await verification.verify(ctx.settings, viewer, repository)
    except verification.UnknownLedgerError as exc:
        return refused(request, str(exc), 404)
    if fragment(request):
        return render(request, "_verification.html", viewer=viewer, v=result)
    return render(request, "verification.html", viewer=viewer, v=result)


async def insight_page(ctx: Context, request: Request, viewer: Viewer) -> Response:
    async with ctx.pool.connection() as conn:
        data = await insight.view(conn, viewer)
    return render(request, "insight.html", viewer=viewer, charts=charts.insight(data), **data)


async def act(ctx: Context, request: Request, viewer: Viewer) -> Response:
    what = request.path_params["action"]
    if what not in actions.ACTIONS:
        return refused(request, f"No such action: {what}.", 404)
    fields = await api.request_fields(request)
    try:
        made = await api.submit(
            ctx, viewer, int(request.path_params["id"]), what, fields.get("comment", "")
        )
    except api.RefusedError as exc:
        if fragment(request):
            return render(
                request, "_action.html", viewer=viewer, refused=exc.message, status=exc.status
            )
        return refused(request, exc.message, exc.status)
    if not fragment(request):
        return RedirectResponse(f"/actions/{made['id']}", 303)
    found = await api.action_status(ctx, viewer, int(made["id"]))
    return render(request, "_action.html", viewer=viewer, a=found)


async def action(ctx: Context, request: Request, viewer: Viewer) -> Response:
    found = await api.action_status(ctx, viewer, int(request.path_params["id"]))
    if found is None:
        return refused(request, "No such action of yours.", 404)
    template = "_action.html" if fragment(request) else "action.html"
    return render(request, template, viewer=viewer, a=found)


async def tokens_page(ctx: Context, request: Request, viewer: Viewer) -> Response:
    """Your API tokens; a POST makes one, shown in this answer only."""
    made, problem, status = "", "", 200
    if request.method == "POST":
        try:
            name, days = tokens.wanted(await api.request_fields(request))
        except tokens.TokenError as exc:
            problem, status = str(exc), 400
        else:
            async with ctx.pool.connection() as conn:
                _, made = await tokens.create(conn, viewer.login, viewer.via, name, days)
    async with ctx.pool.connection() as conn:
        mine = await tokens.mine(conn, viewer.login)
    page = render(
        request,
        "tokens.html",
        status=status,
        viewer=viewer,
        tokens=mine,
        made=made,
        problem=problem,
        days=tokens.DAYS,
        max_days=tokens.MAX_DAYS,
    )
    page.headers["Cache-Control"] = "no-store"
    return page


async def revoke(ctx: Context, request: Request, viewer: Viewer) -> Response:
    async with ctx.pool.connection() as conn:
        done = await tokens.revoke(conn, viewer.login, int(request.path_params["id"]))
    if not done:
        return refused(request, "No such live token of yours.", 404)
    return RedirectResponse("/tokens", 303)
