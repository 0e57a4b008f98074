"""The OpenAPI 3.1 description of the dashboard's JSON API (``GET /api/v1/openapi.json``).
tests/service/dashboard/test_api.py checks that it lists exactly the routes of ``api.ROUTES``
and that every error answer matches ``Error``."""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "required": ["ok", "error"],
    "additionalProperties": False,
    "properties": {
        "ok": {"const": False},
        "error": {"type": "string", "minLength": 1, "description": "what went wrong, in words"},
    },
}
OK = {"type": "object", "required": ["ok"], "properties": {"ok": {"const": True}}}


def _op(summary: str, *, params: list[dict[str, Any]] | None = None, body: bool = False,
        created: bool = False) -> dict[str, Any]:  # fmt: skip
    errors = {
        str(code): {"$ref": "#/components/responses/Error", "description": text}
        for code, text in (
            (400, "bad input"),
            (401, "not signed in, or an unknown, expired or revoked API token"),
            (403, "not allowed (no roster, no CSRF token, not eligible, a token that would act)"),
            (404, "not found, or not yours to see"),
        )
    }
    out: dict[str, Any] = {
        "summary": summary,
        "parameters": params or [],
        "responses": {
            "202" if created else "200": {
                "description": "the view" if not created else "queued for a worker",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ok"}}},
            },
            **errors,
        },
    }
    if body:
        out["parameters"].append(
            {
                "name": "X-CSRF-Token",
                "in": "header",
                "required": True,
                "schema": {"type": "string"},
                "description": "the session's token (GET /api/v1/me), or a `csrf` form field",
            }
        )
        out["requestBody"] = {
            "required": False,
            "content": {
                "application/json": {
                    "schema": {"type": "object", "properties": {"comment": {"type": "string"}}}
                },
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {"comment": {"type": "string"}, "csrf": {"type": "string"}},
                    }
                },
            },
        }
    return out


def _query(name: str, text: str, enum: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if enum:
        schema["enum"] = list(enum)
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": text}


ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "countersign dashboard API",
        "version": "1",
        "description": "The views behind the dashboard's pages, for scripts. Authenticate with "
        "a personal API token (`Authorization: Bearer cst_...`; a signed-in person makes and "
        "revokes theirs on the /tokens page; it is shown once and kept only as a SHA-256 digest, "
        "and expires after 1 to 365 days), or as the pages do: the session cookie of a GitHub "
        "sign-in, or the identity header set by a trusted proxy. A token reads as its person, "
        "seeing what the rosters let them see at each request (off every roster: 403), and only "
        "reads: any request with a token that is not a GET is refused (403), and a request with "
        "one is never also read as a cookie's or a proxy's. An unknown, expired or revoked token "
        "is 401. Approving needs a GitHub sign-in (a forge-proven identity): a proxy's identity "
        "or a token is refused (403). Every error is {ok: false, error}.",
    },
    "security": [{"token": []}, {"session": []}],
    "paths": {
        "/api/v1/me": {"get": _op("who you are, where you may act, and your CSRF token")},
        "/api/v1/queue": {"get": _op("requests waiting for your sign-off, oldest first")},
        "/api/v1/friction": {
            "get": _op("open requests and waits per level and person, asks per rule, fast lane")
        },
        "/api/v1/decisions": {
            "get": _op(
                "every evaluation, newest first, filtered (next_before pages on)",
                params=[
                    _query("repository", "owner/name"),
                    _query("service", "a service the change touches"),
                    _query("rule", "a rule that asked for something"),
                    _query("provenance", "AI-assisted or not", ("ai", "human")),
                    _query(
                        "verdict",
                        "the verdict (not-analysed: the head could not be evaluated)",
                        ("pass", "needs-approval", "blocked", "not-analysed"),
                    ),
                    _query("before", "an evaluation id: the page after (next_before)"),
                    _query("limit", "1 to 500 (50)"),
                ],
            )
        },
        "/api/v1/decision": {
            "get": _op(
                "one evaluation with its full reasons (the Markdown report of check)",
                params=[
                    _query("id", "an evaluation id (from decisions)"),
                    _query("repository", "owner/name, with head: that head's latest"),
                    _query("head", "the head commit"),
                ],
            )
        },
        "/api/v1/break-glass": {"get": _op("break-glass uses, follow-ups and what is overdue")},
        "/api/v1/ledger": {"get": _op("each ledger: entries, keys, checkpoint, who signed what")},
        "/api/v1/ledger/verify": {
            "post": _op("verify one repository's ledger in full now (field: repository)", body=True)
        },
        "/api/v1/insight": {
            "get": _op("the insight report when there is one, and decisions by provenance")
        },
        "/api/v1/actions/{id}": {"get": _op("one of your dashboard actions", params=[ID])},
        "/api/v1/requests/{id}/approve": {
            "post": _op(
                "approve the request's exact fingerprint", params=[ID], body=True, created=True
            )
        },
        "/api/v1/requests/{id}/send-back": {
            "post": _op(
                "send it back with a comment (required)", params=[ID], body=True, created=True
            )
        },
        "/api/v1/openapi.json": {"get": _op("this description")},
    },
    "components": {
        "securitySchemes": {
            "token": {
                "type": "http",
                "scheme": "bearer",
                "description": "a personal API token (cst_...): read-only, GET only",
            },
            "session": {
                "type": "apiKey",
                "in": "cookie",
                "name": "countersign_session",
                "description": "the dashboard's signed session cookie (POSTs need X-CSRF-Token)",
            },
        },
        "schemas": {"Error": ERROR, "Ok": OK},
        "responses": {
            "Error": {
                "description": "the one error shape",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        },
    },
}
