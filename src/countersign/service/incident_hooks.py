"""Incident webhooks from the tools teams page with, one ``Hook`` per tool in ``HOOKS``: how a
delivery proves who sent it, which delivery it is (recorded once) and when its event happened
(a stale replay is refused). The payloads are read by the same incident sources as
``countersign incident import`` (``facts.incidents.sources``).

- PagerDuty v3: ``X-PagerDuty-Signature``, one or more ``v1=`` HMAC-SHA256 hex digests of the
  body (several during a secret rotation; any one matching a configured secret is enough).
- Opsgenie: its outgoing webhook signs nothing, so it carries a configured secret, as a custom
  header ``X-Countersign-Token`` or as the password of HTTP basic auth.
- generic: ``X-Countersign-Signature: v1=`` HMAC-SHA256 of ``<timestamp>.<body>`` with
  ``X-Countersign-Timestamp`` (Unix seconds), refused outside ``GENERIC_WINDOW_S`` of now.

Every comparison is constant-time (``hmac.compare_digest``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from countersign.errors import InputError
from countersign.facts.incidents import iso
from countersign.facts.incidents.sources import SOURCES

GENERIC_WINDOW_S = 300
MAX_SIGNATURES = 8  # a header listing more is refused: each costs an HMAC per secret
TOKEN_HEADER = "x-countersign-token"  # noqa: S105 - a header's name
SIGNATURE_HEADER = "x-countersign-signature"
TIMESTAMP_HEADER = "x-countersign-timestamp"


@dataclass(frozen=True)
class Received:
    """One request as the hook sees it: lower-cased headers, the raw body, the clock."""

    headers: Mapping[str, str]
    body: bytes
    now: datetime


@dataclass(frozen=True)
class Hook:
    """``authenticate`` returns "" when the request is the sender's, else why not (a 401);
    ``accepts`` says whether the JSON has the tool's shape at all; ``occurred`` when the event
    happened (None: the payload does not say); ``window_s`` how far from now that may be
    (None: the service's ``max_delivery_age_s``)."""

    name: str
    label: str
    source: str  # the incident source in facts.incidents.sources
    setting: str  # the environment variable that holds its secrets
    authenticate: Callable[[tuple[bytes, ...], Received], str]
    accepts: Callable[[Any], bool]
    delivery_id: Callable[[Any, Received], str]
    occurred: Callable[[Any, Received], datetime | None]
    window_s: int | None = None


def _digest(secret: bytes, message: bytes) -> str:
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _v1_values(header: str | None) -> list[str] | None:
    """The ``v1=`` values of a comma-separated signature header; None when malformed."""
    if not header:
        return None
    parts = [p.strip() for p in header.split(",") if p.strip()]
    if not parts or len(parts) > MAX_SIGNATURES:
        return None
    return [p.removeprefix("v1=") for p in parts if p.startswith("v1=")]


def _any_matches(secrets: tuple[bytes, ...], message: bytes, given: list[str]) -> bool:
    matched = False
    for secret in secrets:
        expected = _digest(secret, message).encode()
        for value in given:
            # no early exit: the time taken does not say which secret or value matched
            matched |= hmac.compare_digest(expected, value.encode())
    return matched


def _pagerduty_authenticate(secrets: tuple[bytes, ...], got: Received) -> str:
    given = _v1_values(got.headers.get("x-pagerduty-signature"))
    if not given or not _any_matches(secrets, got.body, given):
        return "invalid or missing X-PagerDuty-Signature"
    return ""


def _token_authenticate(secrets: tuple[bytes, ...], got: Received) -> str:
    offered = got.headers.get(TOKEN_HEADER, "").encode()
    auth = got.headers.get("authorization", "")
    if not offered and auth[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(auth[6:].strip(), validate=True)
        except (binascii.Error, ValueError):
            decoded = b""
        offered = decoded.partition(b":")[2]
    matched = False
    for secret in secrets:
        matched |= bool(offered) and hmac.compare_digest(secret, offered)
    return "" if matched else "invalid or missing X-Countersign-Token (or basic auth password)"


def _generic_authenticate(secrets: tuple[bytes, ...], got: Received) -> str:
    stamp = got.headers.get(TIMESTAMP_HEADER, "").strip()
    if not stamp.isdigit() or len(stamp) > 11:
        return "invalid or missing X-Countersign-Timestamp (Unix seconds)"
    given = _v1_values(got.headers.get(SIGNATURE_HEADER))
    if not given or not _any_matches(secrets, stamp.encode() + b"." + got.body, given):
        return "invalid or missing X-Countersign-Signature"
    return ""


def _body_id(prefix: str, got: Received) -> str:
    return f"{prefix}:{hashlib.sha256(got.body).hexdigest()}"


def _pagerduty_id(payload: Any, got: Received) -> str:
    event_id = payload.get("event", {}).get("id") if isinstance(payload, dict) else None
    if isinstance(event_id, str) and event_id.strip():
        return f"pagerduty:{event_id.strip()[:200]}"
    return _body_id("pagerduty", got)


def _generic_id(payload: Any, got: Received) -> str:
    stamp = got.headers.get(TIMESTAMP_HEADER, "")
    signed = stamp.encode() + b"." + got.body
    return f"generic:{hashlib.sha256(signed).hexdigest()}"


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(iso(value, "time"))
    except (InputError, ValueError, OverflowError, OSError):
        return None


def _pagerduty_occurred(payload: Any, _: Received) -> datetime | None:
    event = payload.get("event") if isinstance(payload, dict) else None
    return _moment(event.get("occurred_at")) if isinstance(event, dict) else None


def _opsgenie_occurred(payload: Any, _: Received) -> datetime | None:
    alert = payload.get("alert") if isinstance(payload, dict) else None
    if not isinstance(alert, dict):
        return None
    return _moment(alert.get("updatedAt") or alert.get("createdAt"))


def _generic_occurred(_: Any, got: Received) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(got.headers[TIMESTAMP_HEADER]), UTC)
    except (KeyError, ValueError, OverflowError, OSError):
        return datetime.min.replace(tzinfo=UTC)  # unreadable: as stale as can be


def _pagerduty_accepts(payload: Any) -> bool:
    # any v3 event (a pagey.ping, a service.updated) is PagerDuty's: it just holds no incident
    return isinstance(payload, dict) and isinstance(payload.get("event"), dict)


def _opsgenie_accepts(payload: Any) -> bool:
    return isinstance(payload, dict) and SOURCES["opsgenie"].matches(payload)


HOOKS: dict[str, Hook] = {
    "pagerduty": Hook(
        name="pagerduty",
        label="a PagerDuty v3 webhook",
        source="pagerduty",
        setting="COUNTERSIGN_PAGERDUTY_SECRETS",
        authenticate=_pagerduty_authenticate,
        accepts=_pagerduty_accepts,
        delivery_id=_pagerduty_id,
        occurred=_pagerduty_occurred,
    ),
    "opsgenie": Hook(
        name="opsgenie",
        label="an Opsgenie outgoing webhook",
        source="opsgenie",
        setting="COUNTERSIGN_OPSGENIE_TOKENS",
        authenticate=_token_authenticate,
        accepts=_opsgenie_accepts,
        delivery_id=lambda _, got: _body_id("opsgenie", got),
        occurred=_opsgenie_occurred,
    ),
    "generic": Hook(
        name="generic",
        label="the generic incident shape",
        source="generic",
        setting="COUNTERSIGN_INCIDENT_SECRETS",
        authenticate=_generic_authenticate,
        accepts=SOURCES["generic"].matches,
        delivery_id=_generic_id,
        occurred=_generic_occurred,
        window_s=GENERIC_WINDOW_S,
    ),
}


def sign_generic(secret: bytes, body: bytes, timestamp: int) -> dict[str, str]:
    """The headers a sender puts on a generic delivery (documented in docs/service.md)."""
    return {
        "X-Countersign-Timestamp": str(timestamp),
        "X-Countersign-Signature": "v1=" + _digest(secret, f"{timestamp}.".encode() + body),
    }


def sign_pagerduty(secrets: tuple[bytes, ...], body: bytes) -> str:
    """``X-PagerDuty-Signature`` as PagerDuty sends it, one ``v1=`` per signing secret."""
    return ",".join("v1=" + _digest(s, body) for s in secrets)
