"""Who gets in: a person on a roster, signed in with GitHub through the real OAuth web flow
(the fake GitHub checks every parameter), or named by a trusted proxy. Everyone else, and every
trick around the flow, gets nothing: no page, no data, no session."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from dashboard_world import csrf_of, dashboard, decided_pull_request, sign_in
from service_world import World

from countersign.service.dashboard.auth import SESSION_COOKIE

pytestmark = pytest.mark.postgres

PAGES = ("/", "/friction", "/decisions", "/break-glass", "/ledger", "/insight", "/decision")
API = (
    "/api/v1/me",
    "/api/v1/queue",
    "/api/v1/friction",
    "/api/v1/decisions",
    "/api/v1/decision",
    "/api/v1/break-glass",
    "/api/v1/ledger",
    "/api/v1/insight",
    "/api/v1/actions/1",
    "/api/v1/openapi.json",
)


def test_a_roster_person_signs_in_with_github_and_sees_the_queue(world: World):
    with dashboard(world) as web, httpx.Client(base_url=web) as client:
        decided_pull_request(world, web)
        landed = sign_in(client, world, "alice-gh")
        assert (landed.status_code, landed.headers["location"]) == (303, "/")
        page = client.get("/")
        assert page.status_code == 200
        assert "alice-gh" in page.text
        assert "Codertocat/Hello-World#3" in page.text
        assert client.get("/api/v1/me").json()["roles"][0]["person"] == "alice"
    # The flow as GitHub saw it: no client secret in the browser's requests, a state, our callback.
    (authorize,) = [r for r in world.github.requests if r[1] == "/login/oauth/authorize"]
    assert authorize[2]["state"]
    assert authorize[2]["redirect_uri"].endswith("/login/github/callback")
    assert "client_secret" not in authorize[2]


def test_nothing_is_shown_to_someone_not_signed_in(world: World):
    with dashboard(world) as web, httpx.Client(base_url=web) as client:
        decided_pull_request(world, web)
        for path in PAGES:
            answer = client.get(path)
            assert answer.status_code == 303, path
            assert answer.headers["location"].startswith("/login"), path
        for path in API:
            answer = client.get(path)
            assert (answer.status_code, answer.json()["ok"]) == (401, False), path
        assert client.get("/login").status_code == 200  # the one page without data


def test_someone_on_no_roster_gets_no_session(world: World):
    with dashboard(world) as web, httpx.Client(base_url=web) as client:
        decided_pull_request(world, web)
        refused = sign_in(client, world, "mallory-gh")
        assert refused.status_code == 403
        assert "mallory-gh is on no roster" in refused.text
        assert client.get("/").status_code == 303
        assert client.get("/api/v1/queue").status_code == 401


def test_a_callback_with_another_browsers_state_or_a_used_code_signs_nobody_in(world: World):
    with dashboard(world) as web, httpx.Client(base_url=web) as victim:
        decided_pull_request(world, web)
        # The attacker starts a flow, gets GitHub's answer for their own login, and has the
        # victim's browser open that callback (login CSRF): the victim's session has no state.
        with httpx.Client(base_url=web) as attacker:
            world.github.signed_in = "carol-gh"
            back = httpx.get(attacker.get("/login/github").headers["location"])
        answer = victim.get(back.headers["location"])
        assert answer.status_code == 400
        assert victim.get("/").status_code == 303
        # A code works once, even in the right browser.
        with httpx.Client(base_url=web) as client:
            world.github.signed_in = "alice-gh"
            back = httpx.get(client.get("/login/github").headers["location"])
            assert client.get(back.headers["location"]).status_code == 303
            used = parse_qs(urlsplit(back.headers["location"]).query)["code"][0]
            client.cookies.clear()
            again = client.get("/login/github")  # a new flow: a new state for a fresh session
            state = parse_qs(urlsplit(again.headers["location"]).query)["state"][0]
            replay = client.get("/login/github/callback", params={"code": used, "state": state})
            assert replay.status_code == 401
            assert client.get("/").status_code == 303


def test_a_forged_or_edited_session_cookie_is_ignored(world: World):
    with dashboard(world) as web, httpx.Client(base_url=web) as client:
        decided_pull_request(world, web)
        sign_in(client, world, "bob-gh")
        cookie = client.cookies.get(SESSION_COOKIE)
        assert cookie
        payload, _, rest = cookie.partition(".")
        import base64
        import json

        data = json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))
        data["login"] = "alice-gh"
        forged = base64.b64encode(json.dumps(data).encode()).decode().rstrip("=") + "." + rest
        client.cookies.clear()
        client.cookies.set(SESSION_COOKIE, forged)
        assert client.get("/").status_code == 303


def test_the_identity_header_counts_only_from_a_trusted_proxy(world: World):
    with dashboard(world, proxies=("127.0.0.2/32",)) as web, httpx.Client(base_url=web) as client:
        decided_pull_request(world, web)
        # This test connects from 127.0.0.1, which is not the proxy: the header is anyone's.
        answer = client.get("/", headers={"X-Forwarded-User": "alice-gh"})
        assert answer.status_code == 303
        assert client.get("/api/v1/me", headers={"X-Forwarded-User": "alice-gh"}).status_code == 401
    with dashboard(world, proxies=("127.0.0.1/32",)) as web, httpx.Client(base_url=web) as client:
        me = client.get("/api/v1/me", headers={"X-Forwarded-User": "carol@example.com"})
        assert me.status_code == 200
        assert (me.json()["login"], me.json()["via"]) == ("carol@example.com", "proxy")


def test_every_post_needs_the_sessions_csrf_token(world: World):
    with dashboard(world) as web, httpx.Client(base_url=web) as client:
        decided_pull_request(world, web)
        sign_in(client, world, "alice-gh")
        token = csrf_of(client)
        for path in (
            "/logout",
            "/requests/1/approve",
            "/api/v1/requests/1/approve",
            "/ledger/verify",
            "/tokens",
            "/tokens/1/revoke",
        ):
            for headers, data in (({}, {}), ({"X-CSRF-Token": "wrong"}, {}), ({}, {"csrf": "x"})):
                answer = client.post(path, headers=headers, data=data)
                assert answer.status_code == 403, path
                assert answer.json() == {
                    "ok": False,
                    "error": "missing or wrong CSRF token: reload the page and try again",
                }
        assert client.get("/").status_code == 200  # still signed in: nothing was done
        assert client.post("/logout", data={"csrf": token}).status_code == 303
        assert client.get("/").status_code == 303


def test_the_next_page_after_sign_in_stays_on_this_site(world: World):
    with dashboard(world) as web, httpx.Client(base_url=web) as client:
        decided_pull_request(world, web)
        world.github.signed_in = "alice-gh"
        for wanted in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
            client.cookies.clear()
            back = httpx.get(
                client.get("/login/github", params={"next": wanted}).headers["location"]
            )
            assert client.get(back.headers["location"]).headers["location"] == "/"


def test_no_other_site_may_frame_the_dashboard(world: World):
    """Clickjacking: a page elsewhere that frames the queue could get a reviewer's click on
    Approve with the right CSRF token in it. Every answer forbids framing."""
    with dashboard(world) as web, httpx.Client(base_url=web) as client:
        decided_pull_request(world, web)
        answers = [client.get("/login"), client.get("/api/v1/queue")]
        sign_in(client, world, "alice-gh")
        answers += [client.get("/"), client.get("/tokens"), client.get("/static/style.css")]
    for answer in answers:
        assert answer.headers["x-frame-options"] == "DENY", answer.url
        assert answer.headers["content-security-policy"] == "frame-ancestors 'none'"
        assert answer.headers["x-content-type-options"] == "nosniff"
