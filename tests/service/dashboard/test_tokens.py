"""Personal API tokens: a signed-in roster person makes one on /tokens (shown once, kept as a
digest), a script reads the JSON API with it as that person, and nothing else: it cannot act,
cannot be mixed with someone's cookie, stops at revocation, expiry or removal from the roster,
and cannot be made by another token or without the session's CSRF token."""

from __future__ import annotations

import hashlib
import re

import httpx
import pytest
from dashboard_world import csrf_of, dashboard, decided_pull_request, sign_in
from github_service import rows
from service_world import World

from countersign.service.dashboard import tokens

pytestmark = pytest.mark.postgres


def make_token(client: httpx.Client, name: str = "weekly report") -> str:
    made = client.post("/tokens", data={"csrf": csrf_of(client), "name": name, "days": "30"})
    assert made.status_code == 200, made.text
    assert made.headers["cache-control"] == "no-store"
    found = re.search(r'value="(cst_[^"]+)"', made.text)
    assert found, made.text
    return found.group(1)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_reads_the_api_as_its_person_and_is_kept_only_as_a_digest(world: World):
    with dashboard(world) as web, httpx.Client(base_url=web) as browser:
        decided_pull_request(world, web)
        sign_in(browser, world, "alice-gh")
        token = make_token(browser)
        with httpx.Client(base_url=web, headers=bearer(token)) as script:
            me = script.get("/api/v1/me").json()
            assert (me["login"], me["via"]) == ("alice-gh", "token")
            (request,) = script.get("/api/v1/queue").json()["requests"]
            assert request["rule"] == "ai-assisted-below-senior"
            assert script.get("/api/v1/decisions").json()["decisions"]
            assert script.get("/api/v1/friction").status_code == 200
            assert script.get("/").status_code == 303  # pages take no token
        listed = browser.get("/tokens").text
        assert "weekly report" in listed
        assert token not in listed  # shown once
    ((digest, shown, used),) = rows(
        world.database, "SELECT digest, shown, last_used_at FROM countersign_api_tokens"
    )
    assert digest == hashlib.sha256(token.encode()).hexdigest()
    assert token[len(tokens.PREFIX) + 6 :] not in shown
    assert used is not None


def test_a_token_cannot_act_even_with_a_session_and_its_csrf_token(world: World):
    with dashboard(world) as web, httpx.Client(base_url=web) as browser:
        decided_pull_request(world, web)
        sign_in(browser, world, "alice-gh")
        token = make_token(browser)
        (request,) = browser.get("/api/v1/queue").json()["requests"]
        csrf = {"X-CSRF-Token": csrf_of(browser)}
        for path, body in (
            (f"/api/v1/requests/{request['id']}/approve", {}),
            (f"/api/v1/requests/{request['id']}/send-back", {"comment": "no"}),
            ("/api/v1/ledger/verify", {"repository": request["repository"]}),
            (f"/requests/{request['id']}/approve", {}),
            ("/tokens", {"name": "a token minted by a token"}),
        ):
            with httpx.Client(base_url=web, headers=bearer(token)) as script:
                alone = script.post(path, json=body)
                assert (alone.status_code, alone.json()["error"]) == (403, tokens.READ_ONLY), path
            # In a browser that has the session and its CSRF token, the header still refuses.
            mixed = browser.post(path, json=body, headers=csrf | bearer(token))
            assert (mixed.status_code, mixed.json()["error"]) == (403, tokens.READ_ONLY), path
        assert rows(world.database, "SELECT id FROM countersign_dashboard_actions") == []
        assert len(rows(world.database, "SELECT id FROM countersign_api_tokens")) == 1


def test_a_bad_revoked_or_expired_token_reads_nothing_and_no_cookie_rescues_it(world: World):
    with dashboard(world) as web, httpx.Client(base_url=web) as browser:
        decided_pull_request(world, web)
        sign_in(browser, world, "alice-gh")
        token = make_token(browser)
        expired = make_token(browser, "old one")
        rows(
            world.database,
            "UPDATE countersign_api_tokens SET expires_at = now() - interval '1 second'"
            " WHERE name = 'old one' RETURNING id",
        )
        (live,) = [t for t in rows(world.database, "SELECT id, name FROM countersign_api_tokens")
                   if t[1] == "weekly report"]  # fmt: skip
        revoked = browser.post(f"/tokens/{live[0]}/revoke", data={"csrf": csrf_of(browser)})
        assert revoked.status_code == 303
        for presented in (
            bearer(token),  # revoked
            bearer(expired),
            bearer(tokens.PREFIX + "guessed"),
            bearer("ghp_not_ours"),  # a header that is not one of ours is refused, not ignored
            {"Authorization": "Basic YWxpY2U6eA=="},
        ):
            answer = browser.get("/api/v1/queue", headers=presented)  # the session is there too
            assert answer.status_code == 401, presented
            assert answer.json() == {"ok": False, "error": tokens.UNKNOWN}
        assert "revoked" in browser.get("/tokens").text
        assert browser.get("/api/v1/queue").status_code == 200  # the session alone still reads


def test_a_token_of_someone_taken_off_the_rosters_reads_nothing(world: World):
    with dashboard(world) as web, httpx.Client(base_url=web) as browser:
        decided_pull_request(world, web)
        sign_in(browser, world, "carol-gh")
        token = make_token(browser)
        rows(world.database, "DELETE FROM countersign_people WHERE person = 'carol' RETURNING 1")
        answer = httpx.get(f"{web}/api/v1/decisions", headers=bearer(token))
    assert answer.status_code == 403
    assert answer.json() == {"ok": False, "error": "you are on no roster of this installation"}


def test_only_your_own_tokens_are_listed_or_revoked_and_making_one_needs_csrf(world: World):
    with dashboard(world) as web, httpx.Client(base_url=web) as alice:
        decided_pull_request(world, web)
        sign_in(alice, world, "alice-gh")
        token = make_token(alice)
        ((alices,),) = rows(world.database, "SELECT id FROM countersign_api_tokens")
        with httpx.Client(base_url=web) as carol:
            sign_in(carol, world, "carol-gh")
            assert "weekly report" not in carol.get("/tokens").text
            theirs = carol.post(f"/tokens/{alices}/revoke", data={"csrf": csrf_of(carol)})
            assert theirs.status_code == 404
            forged = carol.post("/tokens", data={"name": "x"})  # no CSRF token
            assert forged.status_code == 403
            unnamed = carol.post("/tokens", data={"csrf": csrf_of(carol), "name": " "})
            assert unnamed.status_code == 400
            too_long = carol.post(
                "/tokens", data={"csrf": csrf_of(carol), "name": "x", "days": "366"}
            )
            assert too_long.status_code == 400
        assert httpx.get(f"{web}/api/v1/me", headers=bearer(token)).status_code == 200
    assert len(rows(world.database, "SELECT id FROM countersign_api_tokens")) == 1
