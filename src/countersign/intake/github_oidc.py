"""A GitHub Actions job's OIDC token, asked of the runner (``ACTIONS_ID_TOKEN_REQUEST_URL`` with
``ACTIONS_ID_TOKEN_REQUEST_TOKEN``, as ``actions/core`` does), and the issuer's key set. Where
the token comes from proves nothing: only its signature, checked against the key set of the
issuer the policy pins (``signoff.oidc``), does."""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from typing import Any

from countersign.errors import InputError
from countersign.intake.github_reviews import Get, get_json

REQUEST_URL = "ACTIONS_ID_TOKEN_REQUEST_URL"
REQUEST_TOKEN = "ACTIONS_ID_TOKEN_REQUEST_TOKEN"  # noqa: S105 - the variable's name


def request_id_token(env: Mapping[str, str], audience: str, get: Get = get_json) -> str | None:
    """The job's token for ``audience``; None when this is no job allowed one."""
    url, token = env.get(REQUEST_URL, ""), env.get(REQUEST_TOKEN, "")
    if not url or not token:
        return None
    joiner = "&" if urllib.parse.urlsplit(url).query else "?"
    data = get(
        f"{url}{joiner}audience={urllib.parse.quote(audience, safe='')}",
        {"Authorization": f"bearer {token}", "Accept": "application/json"},
    )
    value = data.get("value") if isinstance(data, dict) else None
    if not isinstance(value, str) or not value:
        raise InputError("the runner's answer to the OIDC token request holds no token")
    return value


def fetch_jwks(url: str, get: Get = get_json) -> dict[str, Any]:
    data = get(url, {"Accept": "application/json"})
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise InputError(f"the OIDC issuer's key set at {url} is not a JWKS")
    return data
