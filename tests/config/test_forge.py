"""``forge:`` in policy.yaml: the one GitHub a review may be confirmed with, validated at load
with errors that name the key."""

from __future__ import annotations

import pytest

from countersign.config.forge import DEFAULT_API, GITHUB_ISSUER, Forge, Oidc, read_forge
from countersign.errors import ConfigError


def test_no_forge_pins_nothing():
    assert read_forge(None, "policy.yaml") == Forge()
    assert Forge().repository == ""


def test_the_api_defaults_to_github_and_the_issuer_to_actions():
    forge = read_forge({"repository": "acme/shop", "oidc": {}}, "policy.yaml")
    assert forge == Forge(DEFAULT_API, "acme/shop", Oidc(GITHUB_ISSUER, "countersign", ""))
    assert forge.oidc is not None
    assert forge.oidc.jwks_url == f"{GITHUB_ISSUER}/.well-known/jwks"


def test_http_is_accepted_only_to_loopback():
    forge = read_forge({"api": "http://127.0.0.1:8080/", "repository": "a/b"}, "policy.yaml")
    assert forge.api == "http://127.0.0.1:8080"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"api": "http://github.internal", "repository": "a/b"},
            (
                "policy.yaml: forge.api: expected an https:// URL (http only to loopback), got "
                "'http://github.internal'"
            ),
        ),
        (
            {"repository": "a/b", "oidc": {"issuer": "ftp://x"}},
            (
                "policy.yaml: forge.oidc.issuer: expected an https:// URL (http only to "
                "loopback), got 'ftp://x'"
            ),
        ),
        (
            {"api": "https://x"},
            "policy.yaml: forge.repository: expected a non-empty string, got nothing",
        ),
        ({"repository": "shop"}, "policy.yaml: forge.repository: expected owner/name, got 'shop'"),
        (
            {"repository": "a/b", "host": "x"},
            "policy.yaml: forge.host: unknown field 'host' (expected one of: api, oidc, repository)",
        ),
    ],
)
def test_a_bad_forge_names_the_key(raw, message):
    with pytest.raises(ConfigError) as caught:
        read_forge(raw, "policy.yaml")
    assert str(caught.value) == message
