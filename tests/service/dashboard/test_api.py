"""The JSON API behind the pages: described in OpenAPI route for route, one error shape for
every failure, and the reviewer's two actions, which a worker carries out with the library's own
approval rules: approving from the dashboard turns the check run green, like a review."""

from __future__ import annotations

import httpx
import jsonschema
import pytest
from dashboard_world import csrf_of, dashboard, decided_pull_request, sign_in
from github_service import rows
from service_world import REPOSITORY, World, work

from countersign.service.dashboard import api, openapi

pytestmark = pytest.mark.postgres


def conclusion(world: World, head: str) -> str:
    (run,) = world.github.runs_for(REPOSITORY, head)
    return str(run["conclusion"])


def test_the_description_lists_every_route_and_nothing_else():
    described = {
        (method.upper(), path)
        for path, methods in openapi.SPEC["paths"].items()
        for method in methods
    }
    served = {(m, p.replace(":int}", "}")) for m, p, _ in api.ROUTES}
    assert described == served
    jsonschema.Draft202012Validator.check_schema(openapi.ERROR)


def test_every_error_has_the_one_shape(world: World):
    with dashboard(world) as web, httpx.Client(base_url=web) as client:
        decided_pull_request(world, web)
        failures = [client.get("/api/v1/queue")]  # 401
        sign_in(client, world, "alice-gh")
        token = {"X-CSRF-Token": csrf_of(client)}
        failures += [
            client.get("/api/v1/decisions", params={"verdict": "maybe"}),  # 400
            client.get("/api/v1/decisions", params={"autor": "x"}),  # 400
            client.get("/api/v1/decision"),  # 400
            client.get("/api/v1/decision", params={"repository": "a/b", "head": "f" * 40}),  # 404
            client.get("/api/v1/nothing-here"),  # 404
            client.get("/api/v1/actions/999"),  # 404
            client.post("/api/v1/requests/999/approve", headers=token),  # 404
            client.post("/api/v1/requests/1/send-back", headers=token),  # 400: no comment
            client.post("/api/v1/requests/1/approve"),  # 403: no CSRF token
            client.delete("/api/v1/queue", headers=token),  # 404 (no such route and method)
            client.post("/api/v1/ledger/verify", headers=token, data={"repository": "x/y"}),
        ]
    schema = openapi.SPEC["components"]["schemas"]["Error"]
    for answer in failures:
        assert answer.status_code >= 400, answer.request.url
        jsonschema.validate(answer.json(), schema)
    assert sorted({a.status_code for a in failures}) == [400, 401, 403, 404]


def test_approving_from_the_dashboard_is_a_forge_proven_sign_off(world: World):
    with dashboard(world) as web, httpx.Client(base_url=web) as client:
        head = decided_pull_request(world, web)
        assert conclusion(world, head) == "action_required"
        sign_in(client, world, "alice-gh")
        (request,) = client.get("/api/v1/queue").json()["requests"]
        assert (request["head_sha"], request["rule"]) == (head, "ai-assisted-below-senior")
        token = {"X-CSRF-Token": csrf_of(client)}
        made = client.post(f"/api/v1/requests/{request['id']}/approve", headers=token)
        assert made.status_code == 202, made.text
        work(world)
        action = client.get(f"/api/v1/actions/{made.json()['action']['id']}").json()["action"]
        assert (action["status"], action["result"]) == ("done", "recorded alice's approval (forge)")
        assert conclusion(world, head) == "success"
        assert client.get("/api/v1/queue").json()["requests"] == []
        ledger = client.get("/api/v1/ledger").json()["ledgers"][0]
        assert ledger["signers"][0]["person"] == "alice"


def test_the_author_cannot_approve_their_own_change_from_the_dashboard(world: World):
    with dashboard(world) as web, httpx.Client(base_url=web) as client:
        head = decided_pull_request(world, web)
        sign_in(client, world, "bob-gh")
        assert client.get("/api/v1/queue").json()["requests"] == []
        (request_id,) = rows(world.database, "SELECT id FROM countersign_requests")[0]
        token = {"X-CSRF-Token": csrf_of(client)}
        answer = client.post(f"/api/v1/requests/{request_id}/approve", headers=token)
        assert answer.status_code == 403
        assert "you may not sign this request" in answer.json()["error"]
        work(world)
    assert conclusion(world, head) == "action_required"


def test_an_approval_of_content_that_changed_records_nothing(world: World):
    """The page showed one fingerprint; the worker finds another under that head."""
    with dashboard(world) as web, httpx.Client(base_url=web) as client:
        head = decided_pull_request(world, web)
        sign_in(client, world, "alice-gh")
        (request,) = client.get("/api/v1/queue").json()["requests"]
        rows(
            world.database,
            "UPDATE countersign_requests SET fingerprint = 'cs2:0000000000000000' RETURNING id",
        )
        token = {"X-CSRF-Token": csrf_of(client)}
        made = client.post(f"/api/v1/requests/{request['id']}/approve", headers=token).json()
        work(world)
        action = client.get(f"/api/v1/actions/{made['action']['id']}").json()["action"]
    assert action["status"] == "refused"
    assert "the content changed since the page showed it" in action["result"]
    assert conclusion(world, head) == "action_required"


def test_send_back_comments_on_the_pull_request(world: World):
    with dashboard(world) as web, httpx.Client(base_url=web) as client:
        decided_pull_request(world, web)
        sign_in(client, world, "carol-gh")
        (request,) = client.get("/api/v1/queue").json()["requests"]
        token = {"X-CSRF-Token": csrf_of(client)}
        made = client.post(
            f"/api/v1/requests/{request['id']}/send-back",
            headers=token,
            json={"comment": "Please add a test for the greeting."},
        )
        assert made.status_code == 202
        work(world)
    bodies = [c["body"] for c in world.github.comments_on(REPOSITORY, 3)]
    assert any("**Sent back** by @carol-gh" in b and "> Please add a test" in b for b in bodies)
