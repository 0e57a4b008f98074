"""The OIDC token's checks, in process: a key made here, tokens minted here, no server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fake_oidc import FakeIssuer, mint, new_key

from countersign.config.forge import Oidc
from countersign.errors import InputError
from countersign.intake.pull_request import Review
from countersign.signoff.oidc import check_claims, verify_token

ISSUER = "https://token.actions.githubusercontent.com"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
REVIEW = Review("submitted", "approved", "alice-s", "c" * 40, "b" * 40, 2, id=7)


@pytest.fixture
def issuer() -> FakeIssuer:
    issuer = FakeIssuer(new_key(), url=ISSUER)
    issuer.claims = issuer.github_claims(
        iat=int(NOW.timestamp()), nbf=int(NOW.timestamp()), exp=int(NOW.timestamp()) + 300
    )
    return issuer


def verify(issuer: FakeIssuer, **over: object) -> dict:
    token = mint({**issuer.claims, **over}, issuer.key, issuer.kid)
    return verify_token(token, Oidc(ISSUER), issuer.jwks(), NOW)


def test_a_token_of_the_pinned_issuer_verifies(issuer):
    assert verify(issuer)["repository"] == "Codertocat/Hello-World"


def test_a_token_within_the_clock_skew_still_verifies(issuer):
    assert verify(issuer, exp=int(NOW.timestamp()) - 30)


@pytest.mark.parametrize(
    ("over", "says"),
    [
        ({"exp": int(NOW.timestamp()) - 61}, "has expired (at 2026-12-01T11:58:59+00:00)"),
        ({"iat": int(NOW.timestamp()) + 600}, "is not valid yet"),
        ({"exp": "soon"}, "has no exp time"),
        ({"aud": ["sigstore", "other"]}, "was not issued for countersign"),
        ({"iss": "https://evil.example"}, "was issued by https://evil.example, not " + ISSUER),
    ],
)
def test_a_token_out_of_its_time_or_for_someone_else_is_refused(issuer, over, says):
    with pytest.raises(InputError) as caught:
        verify(issuer, **over)
    assert says in str(caught.value)
    assert str(caught.value).startswith("the job's OIDC token ")


def test_a_token_with_an_unknown_key_id_is_refused(issuer):
    token = mint(issuer.claims, issuer.key, "rotated-away")
    with pytest.raises(InputError, match="is signed by key 'rotated-away', which "):
        verify_token(token, Oidc(ISSUER), issuer.jwks(), NOW)


def test_a_token_signed_with_hs256_is_refused(issuer):
    import jwt

    token = jwt.encode(issuer.claims, "a-shared-secret-of-32-bytes-long!", algorithm="HS256")
    with pytest.raises(InputError, match="is signed with 'HS256'; GitHub signs with RS256"):
        verify_token(token, Oidc(ISSUER), issuer.jwks(), NOW)


def test_claims_bind_the_token_to_the_review(issuer):
    claims = {**issuer.claims, "sha": "m" * 40}
    check_claims(claims, "codertocat/hello-world", REVIEW, lambda sha, commit: sha == "m" * 40)
    with pytest.raises(InputError, match="has no sha claim"):
        check_claims(issuer.claims, "Codertocat/Hello-World", REVIEW, lambda *_: True)
    with pytest.raises(InputError, match="is neither the reviewed commit"):
        check_claims(claims, "Codertocat/Hello-World", REVIEW, lambda *_: False)
