"""The dashboard's JSON API under ``/api/v1``: the views the pages show, and the two actions a
reviewer takes. Described in ``openapi.py`` (served at ``/api/v1/openapi.json``); every error,
here and in the middleware, is ``{"ok": false, "error": "..."}``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from countersign.service.dashboard import actions, insight, openapi, verification, views
from countersign.service.dashboard.auth import Viewer
from countersign.service.intake import DEFER, QUEUE

if TYPE_CHECKING:
    from countersign.service.dashboard.app import Context

MAX_COMMENT = 10_000


class RefusedError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=status)


def ok(data: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse({"ok": True, **data}, status_code=status)


async def unknown(request: Request, _: Viewer) -> Response:
    return error(404, f"no such endpoint: {request.method} {request.url.path}")


# --- reads -------------------------------------------------------------------------------------
async def me(ctx: Context, request: Request, viewer: Viewer) -> Response:
    return ok(await views.me(viewer))


async def queue(ctx: Context, request: Request, viewer: Viewer) -> Response:
    async with ctx.pool.connection() as conn:
        return ok(await views.queue(conn, viewer))


async def friction(ctx: Context, request: Request, viewer: Viewer) -> Response:
    async with ctx.pool.connection() as conn:
        return ok(await views.friction(conn, viewer))


async def decisions(ctx: Context, request: Request, viewer: Viewer) -> Response:
    try:
        filters = views.filters_from(dict(request.query_params))
    except views.BadFilterError as exc:
        return error(400, str(exc))
    async with ctx.pool.connection() as conn:
        return ok(await views.decisions(conn, viewer, filters))


async def decision(ctx: Context, request: Request, viewer: Viewer) -> Response:
    try:
        which = decision_wanted(dict(request.query_params))
    except views.BadFilterError as exc:
        return error(400, str(exc))
    async with ctx.pool.connection() as conn:
        found = await views.decision(conn, viewer, **which)
    if found is None:
        return error(404, "no such evaluation that you may see")
    return ok({"decision": found})


def decision_wanted(query: dict[str, str]) -> dict[str, Any]:
    """``id`` (an evaluation), or ``repository`` and ``head`` (that head's latest)."""
    if query.get("id"):
        if not query["id"].isdigit() or len(query["id"]) > 18:
            raise views.BadFilterError("id must be an evaluation id")
        return {"evaluation": int(query["id"])}
    if query.get("repository") and query.get("head"):
        return {"repository": query["repository"], "head": query["head"]}
    raise views.BadFilterError("give id, or repository and head")


async def break_glass(ctx: Context, request: Request, viewer: Viewer) -> Response:
    async with ctx.pool.connection() as conn:
        return ok(await views.break_glass(conn, viewer, ctx.settings.database_url))


async def ledger(ctx: Context, request: Request, viewer: Viewer) -> Response:
    async with ctx.pool.connection() as conn:
        return ok(await views.ledger(conn, viewer, ctx.settings.database_url))


async def verify(ctx: Context, request: Request, viewer: Viewer) -> Response:
    repository = (await request_fields(request)).get("repository", "")
    try:
        found = await verification.verify(ctx.settings, viewer, repository)
    except verification.UnknownLedgerError as exc:
        return error(404, str(exc))
    return ok({"verification": found})


async def insight_view(ctx: Context, request: Request, viewer: Viewer) -> Response:
    async with ctx.pool.connection() as conn:
        return ok(await insight.view(conn, viewer, ctx.settings.database_url))


async def action(ctx: Context, request: Request, viewer: Viewer) -> Response:
    found = await action_status(ctx, viewer, int(request.path_params["id"]))
    if found is None:
        return error(404, "no such action of yours")
    return ok({"action": found})


async def describe(ctx: Context, request: Request, viewer: Viewer) -> Response:
    return JSONResponse(openapi.SPEC)


# --- actions -----------------------------------------------------------------------------------
async def approve(ctx: Context, request: Request, viewer: Viewer) -> Response:
    return await _act(ctx, request, viewer, actions.APPROVE)


async def send_back(ctx: Context, request: Request, viewer: Viewer) -> Response:
    return await _act(ctx, request, viewer, actions.SEND_BACK)


async def _act(ctx: Context, request: Request, viewer: Viewer, what: str) -> Response:
    fields = await request_fields(request)
    try:
        made = await submit(
            ctx, viewer, int(request.path_params["id"]), what, fields.get("comment", "")
        )
    except RefusedError as exc:
        return error(exc.status, exc.message)
    return ok({"action": made}, 202)


ACTION = """
SELECT id, request_id, repository, number, head_sha, action, status, result, requested_at, done_at
FROM countersign_dashboard_actions WHERE id = %(id)s AND login = %(who)s
"""


async def submit(
    ctx: Context, viewer: Viewer, request_id: int, what: str, comment: str
) -> dict[str, Any]:
    """Record the action and queue it for a worker; ``RefusedError`` when this viewer may not
    take it on this request now (the worker checks it all again against the roster at the base)."""
    comment = comment.strip()
    if what == actions.SEND_BACK and not comment:
        raise RefusedError(400, "say why it goes back: a comment is required")
    if len(comment) > MAX_COMMENT:
        raise RefusedError(400, f"the comment is longer than {MAX_COMMENT} characters")
    if what == actions.APPROVE and viewer.via != "github":
        raise RefusedError(403, actions.UNPROVEN)
    scope = {"id": request_id, "who": viewer.login, "repos": list(viewer.repositories), "limit": 1}
    async with ctx.pool.connection() as conn:
        found = await views.rows(conn, views.REQUEST, scope)
        if not found:
            raise RefusedError(404, f"no request {request_id} that you may see")
        target = found[0]
        if target["closed_at"] is not None:
            raise RefusedError(409, f"request {request_id} is closed: nothing is waiting")
        if not await views.rows(conn, views.ELIGIBLE, scope):
            raise RefusedError(
                403,
                "you may not sign this request: your level or team does not meet it, you made "
                "the change, or you signed it already",
            )
        identity = "github" if viewer.via == "github" else actions.PROXY
        async with conn.transaction():
            cur = await conn.execute(
                actions.RECORD,
                (
                    request_id,
                    target["repository"],
                    target["number"],
                    target["head_sha"],
                    target["fingerprint"],
                    viewer.login,
                    identity,
                    what,
                    comment,
                ),
            )
            row = await cur.fetchone()
            action_id = int(row[0])
            job = actions.job(action_id, target["repository"], int(target["number"]))
            await conn.execute(
                DEFER, (QUEUE, job.task, job.lock, job.queueing_lock, json.dumps(job.args))
            )
    return {"id": action_id, "action": what, "status": "queued", "request_id": request_id}


async def action_status(ctx: Context, viewer: Viewer, action_id: int) -> dict[str, Any] | None:
    async with ctx.pool.connection() as conn:
        found = await views.rows(conn, ACTION, {"id": action_id, "who": viewer.login})
    return found[0] if found else None


async def request_fields(request: Request) -> dict[str, str]:
    body = await request.body()
    kind = request.headers.get("content-type", "")
    if kind.startswith("application/json"):
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return {}
        return {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    return dict(parse_qsl(body.decode("utf-8", "replace")))


ROUTES: tuple[tuple[str, str, Any], ...] = (
    ("GET", "/api/v1/me", me),
    ("GET", "/api/v1/queue", queue),
    ("GET", "/api/v1/friction", friction),
    ("GET", "/api/v1/decisions", decisions),
    ("GET", "/api/v1/decision", decision),
    ("GET", "/api/v1/break-glass", break_glass),
    ("GET", "/api/v1/ledger", ledger),
    ("POST", "/api/v1/ledger/verify", verify),
    ("GET", "/api/v1/insight", insight_view),
    ("GET", "/api/v1/actions/{id:int}", action),
    ("POST", "/api/v1/requests/{id:int}/approve", approve),
    ("POST", "/api/v1/requests/{id:int}/send-back", send_back),
    ("GET", "/api/v1/openapi.json", describe),
)
