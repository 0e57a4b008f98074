"""Personal API tokens, so a team can script the views the pages show. A person signed in to
the dashboard (a session, never another token) makes one; it is shown once and kept only as its
SHA-256 digest (a random 256-bit secret needs no slow hash). A token reads ``GET /api/v1/...``
as that person and nothing more: every request carrying one that would change something is
refused, and who it reads as is asked of the rosters on each request, so a person taken off
the rosters reads nothing with the tokens they made. Revoked or expired tokens are unknown."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

PREFIX = "cst_"
MAX_NAME = 100
DAYS = 90
MAX_DAYS = 365
READ_ONLY = (
    "an API token only reads (GET /api/v1/...): approve, send back and verify from a "
    "signed-in session"
)
UNKNOWN = "unknown, expired or revoked API token: make a new one on /tokens"

CREATE = """
INSERT INTO countersign_api_tokens (login, via, name, digest, shown, expires_at)
VALUES (%(login)s, %(via)s, %(name)s, %(digest)s, %(shown)s,
        now() + make_interval(days => %(days)s))
RETURNING id
"""
MINE = """
SELECT id, name, shown, created_at, expires_at, last_used_at, revoked_at,
       revoked_at IS NULL AND expires_at > now() AS active
FROM countersign_api_tokens WHERE lower(login) = lower(%(login)s)
ORDER BY id DESC
"""
REVOKE = """
UPDATE countersign_api_tokens SET revoked_at = now()
WHERE id = %(id)s AND lower(login) = lower(%(login)s) AND revoked_at IS NULL
RETURNING id
"""
OWNER = """
UPDATE countersign_api_tokens SET last_used_at = now()
WHERE digest = %(digest)s AND revoked_at IS NULL AND expires_at > now()
RETURNING login
"""


class TokenError(ValueError):
    """A token request the form cannot take: a 400 with this message."""


def presented(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """The bearer token of an ``Authorization`` header, '' when the header is there but is not
    one of ours (refused, never ignored), None when there is none."""
    for name, value in headers:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").strip().partition(" ")
            token = token.strip()
            if scheme.lower() == "bearer" and token.startswith(PREFIX):
                return token
            return ""
    return None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def wanted(fields: dict[str, str]) -> tuple[str, int]:
    """(name, days) from the form, checked."""
    name = fields.get("name", "").strip()
    if not name:
        raise TokenError("name the token: what script or team uses it")
    if len(name) > MAX_NAME:
        raise TokenError(f"the name is longer than {MAX_NAME} characters")
    days_text = fields.get("days", "").strip() or str(DAYS)
    if not days_text.isdigit() or not 1 <= int(days_text) <= MAX_DAYS:
        raise TokenError(f"days must be a whole number from 1 to {MAX_DAYS}")
    return name, int(days_text)


async def create(conn: Any, login: str, via: str, name: str, days: int) -> tuple[int, str]:
    """(id, token): the token is in this answer and nowhere else."""
    token = PREFIX + secrets.token_urlsafe(32)
    cur = await conn.execute(
        CREATE,
        {
            "login": login,
            "via": via,
            "name": name,
            "digest": digest(token),
            "shown": token[: len(PREFIX) + 6] + "…",
            "days": days,
        },
    )
    row = await cur.fetchone()
    return int(row[0]), token


async def mine(conn: Any, login: str) -> list[dict[str, Any]]:
    from countersign.service.dashboard.views import rows

    return await rows(conn, MINE, {"login": login})


async def revoke(conn: Any, login: str, token_id: int) -> bool:
    cur = await conn.execute(REVOKE, {"id": token_id, "login": login})
    return await cur.fetchone() is not None


async def owner(conn: Any, token: str) -> str | None:
    """The login a live token reads as (and it is marked used), or None."""
    cur = await conn.execute(OWNER, {"digest": digest(token)})
    row = await cur.fetchone()
    return str(row[0]) if row else None
