"""GitHub's webhook signature: HMAC-SHA256 of the raw body with the shared secret, compared in
constant time, so a forged or unsigned delivery cannot queue work or be recorded."""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="


def sign(secret: bytes, body: bytes) -> str:
    return PREFIX + hmac.new(secret, body, hashlib.sha256).hexdigest()


def valid(secret: bytes, body: bytes, header: str | None) -> bool:
    """True only for a ``sha256=`` signature of exactly ``body``; the older SHA-1 header is
    not accepted."""
    if not header or not header.startswith(PREFIX) or not secret:
        return False
    return hmac.compare_digest(sign(secret, body).encode(), header.strip().encode())
