"""GitHub's OAuth web flow as the fake GitHub serves it. These two endpoints live on github.com,
not the REST API, so GitHub's OpenAPI description has no entry for them: their parameters are
written here from GitHub's documentation ("Generating a user access token for a GitHub App",
web application flow), and the fake refuses anything else, as it refuses a request the OpenAPI
description would. ``GET /user`` (the sign-in's last step) is in the vendored slice."""

from __future__ import annotations

from typing import Any

import jsonschema

AUTHORIZE = {
    "type": "object",
    "required": ["client_id"],
    "additionalProperties": False,
    "properties": {
        "client_id": {"type": "string", "minLength": 1},
        "redirect_uri": {"type": "string", "format": "uri"},
        "login": {"type": "string"},
        "state": {"type": "string"},
        "allow_signup": {"enum": ["true", "false"]},
        "prompt": {"enum": ["select_account"]},
        "code_challenge": {"type": "string"},
        "code_challenge_method": {"enum": ["S256"]},
        "scope": {"type": "string"},
    },
}
ACCESS_TOKEN = {
    "type": "object",
    "required": ["client_id", "client_secret", "code"],
    "additionalProperties": False,
    "properties": {
        "client_id": {"type": "string", "minLength": 1},
        "client_secret": {"type": "string", "minLength": 1},
        "code": {"type": "string", "minLength": 1},
        "redirect_uri": {"type": "string"},
        "repository_id": {"type": "string"},
        "code_verifier": {"type": "string"},
    },
}


def problem(schema: dict[str, Any], params: dict[str, str]) -> str | None:
    try:
        jsonschema.validate(params, schema)
    except jsonschema.ValidationError as exc:
        return exc.message
    return None
