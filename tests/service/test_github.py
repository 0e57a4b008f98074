"""The App's GitHub client against the fake GitHub on loopback: a JWT the fake verifies with
the App's public key, installation tokens cached, refusals not retried."""

from __future__ import annotations

import pytest
from fake_github import FakeGitHub
from loopback import serving
from service_world import APP_ID, REPOSITORY, app_keys

from countersign.service.github import GitHub, GitHubRefused, GitHubUnavailable


@pytest.fixture
def github(tmp_path):
    key, public = app_keys(tmp_path)
    fake = FakeGitHub(app_id=APP_ID, public_key=public)
    with serving(fake.app()) as url:
        waits: list[float] = []
        client = GitHub(
            url, str(APP_ID), key.read_text(), backoff=0.01, max_wait=2, sleep=waits.append
        )
        yield fake, client, waits
        client.close()
    assert fake.violations == []


def test_an_installation_token_is_asked_for_once_and_reused(github):
    fake, client, _ = github
    for _ in range(3):
        client.call("GET", f"/repos/{REPOSITORY}/issues/1/comments", 7)
    tokens = [r for r in fake.requests if r[1].endswith("/access_tokens")]
    assert len(tokens) == 1
    assert set(fake.tokens.values()) == {7}


def test_a_refusal_is_not_retried(github):
    _, client, waits = github
    with pytest.raises(GitHubRefused) as refused:
        client.call("GET", f"/repos/{REPOSITORY}/pulls/404", 7)
    assert refused.value.status == 404
    assert waits == []


def test_retry_after_is_honoured_and_a_github_that_stays_down_gives_up(github):
    fake, client, waits = github
    fake.fail("GET", r"/pulls$", 429, **{"Retry-After": "1"})
    assert client.call("GET", f"/repos/{REPOSITORY}/pulls", 7) == []
    assert waits == [1.0]
    fake.fail("GET", r"/pulls$", *([502] * 30))
    with pytest.raises(GitHubUnavailable):
        client.call("GET", f"/repos/{REPOSITORY}/pulls", 7)


def test_a_jwt_signed_by_another_key_is_refused_by_github(github, tmp_path):
    fake, client, _ = github
    (tmp_path / "other").mkdir()
    other, _ = app_keys(tmp_path / "other")
    forged = GitHub(
        str(client._http.base_url).rstrip("/"), str(APP_ID), other.read_text(), max_wait=0
    )
    with pytest.raises(GitHubRefused) as refused:
        forged.token(7)
    forged.close()
    assert refused.value.status == 401
    assert fake.violations == [
        f"/app/installations/{{installation_id}}/access_tokens: not a valid JWT for app {APP_ID}"
    ]
    fake.violations.clear()  # the refusal was the point
