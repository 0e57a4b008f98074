"""The JSON API behind the pages: described in OpenAPI route for route, one error shape for
every failure, and the reviewer's two actions, which a worker carries out with the library's own
approval rules: approving from the dashboard turns the check run green, like a review."""

from __future__ import annotations

import httpx
import jsonschema
import pytest
from dashboard_world import csrf_of, dashboard, decided_pull_request, sign_in
from github_service import rows
from service_world import REPOSITORY, World, deliver, work

from countersign.service.dashboard import actions, api, openapi

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
            client.get("/api/v1/decision", params={"id": "x"}),  # 400
            client.get("/api/v1/decisions", params={"before": "2026-01-01"}),  # 400
            client.get("/api/v1/queue", headers={"Authorization": "Bearer cst_no"}),  # 401
            client.post(
                "/api/v1/requests/1/approve", headers=token | {"Authorization": "Bearer x"}
            ),
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


# The first write of an action's end fails (a database error at that statement): the job
# fails after doing its work, and the queue runs it again.
FAIL_THE_FIRST_FINISH = """
CREATE SEQUENCE cs_finishes;
CREATE FUNCTION cs_fail_finish() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF nextval('cs_finishes') = 1 THEN RAISE EXCEPTION 'the database failed'; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER cs_fail_finish BEFORE UPDATE ON countersign_dashboard_actions
FOR EACH ROW EXECUTE FUNCTION cs_fail_finish();
"""


def run_failing_the_first_finish(world: World) -> None:
    import psycopg

    with psycopg.connect(world.database, autocommit=True) as conn:
        conn.execute(FAIL_THE_FIRST_FINISH)
    work(world)
    assert rows(world.database, "SELECT status FROM countersign_dashboard_actions") == [("queued",)]
    rows(
        world.database,
        "UPDATE procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo' RETURNING id",
    )
    work(world)


def ledger_kinds(world: World) -> list[str]:
    from service_world import REPOSITORY_ID

    from countersign.service.ledgers import ledger_schema

    table = f"{ledger_schema(world.database, REPOSITORY_ID)}.countersign_entries"
    return [k for (k,) in rows(world.database, f"SELECT kind FROM {table} ORDER BY seq")]  # noqa: S608


def test_a_send_back_retried_comments_and_records_once(world: World):
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
        run_failing_the_first_finish(world)
        action = client.get(f"/api/v1/actions/{made.json()['action']['id']}").json()["action"]
    assert action["status"] == "done"
    sent = [c for c in world.github.comments_on(REPOSITORY, 3) if "**Sent back**" in c["body"]]
    assert len(sent) == 1
    assert ledger_kinds(world).count("sent-back") == 1


def test_a_dashboard_approval_retried_is_recorded_once(world: World):
    with dashboard(world) as web, httpx.Client(base_url=web) as client:
        head = decided_pull_request(world, web)
        sign_in(client, world, "alice-gh")
        (request,) = client.get("/api/v1/queue").json()["requests"]
        token = {"X-CSRF-Token": csrf_of(client)}
        made = client.post(f"/api/v1/requests/{request['id']}/approve", headers=token)
        run_failing_the_first_finish(world)
        action = client.get(f"/api/v1/actions/{made.json()['action']['id']}").json()["action"]
    assert (action["status"], action["result"]) == ("done", "recorded alice's approval (forge)")
    assert ledger_kinds(world).count("approval") == 1
    assert conclusion(world, head) == "success"


def test_every_evaluation_is_listed_with_its_verdict_and_full_reasons(world: World):
    """A review makes the worker evaluate the same head again: both evaluations are listed,
    newest first, each with the report check --format markdown gives, and the filters apply."""
    with dashboard(world) as web, httpx.Client(base_url=web) as client:
        head = decided_pull_request(world, web)
        deliver(web, "pull_request_review", world.review(3, "alice-gh", head), "e-review")
        work(world)
        sign_in(client, world, "carol-gh")
        listed = client.get("/api/v1/decisions").json()["decisions"]
        assert [(d["head_sha"], d["verdict"]) for d in listed] == [
            (head, "pass"),
            (head, "needs-approval"),
        ]
        reports = [
            client.get("/api/v1/decision", params={"id": d["id"]}).json()["decision"]["report"]
            for d in listed
        ]
        assert "countersign: **pass**" in reports[0]
        assert "countersign: **needs-approval**" in reports[1]
        assert "ai-assisted-below-senior" in reports[1]
        latest = client.get("/api/v1/decision", params={"repository": REPOSITORY, "head": head})
        assert latest.json()["decision"]["id"] == listed[0]["id"]

        def only(**query: str) -> list[str]:
            found = client.get("/api/v1/decisions", params=query).json()["decisions"]
            return [d["verdict"] for d in found]

        assert only(verdict="needs-approval") == ["needs-approval"]
        assert only(rule="ai-assisted-below-senior") == ["pass", "needs-approval"]
        assert only(provenance="human") == []
        assert only(provenance="ai", repository=REPOSITORY) == ["pass", "needs-approval"]
        assert only(repository="someone/else") == []
        assert only(service="no-such-service") == []
        first = client.get("/api/v1/decisions", params={"limit": 1}).json()
        assert first["next_before"] == listed[0]["id"]
        rest = client.get("/api/v1/decisions", params={"limit": 1, "before": first["next_before"]})
        assert [d["id"] for d in rest.json()["decisions"]] == [listed[1]["id"]]
        page = client.get("/decisions", params={"verdict": "needs-approval"})
        assert "1 evaluation, newest first" in page.text
        detail = client.get("/decision", params={"id": listed[1]["id"]})
        assert "countersign: **needs-approval**" in detail.text


def test_an_evaluation_of_a_repository_you_cannot_see_is_not_found(world: World):
    with dashboard(world) as web, httpx.Client(base_url=web) as client:
        decided_pull_request(world, web)
        (evaluation,) = rows(world.database, "SELECT id FROM countersign_evaluations")[0]
        rows(
            world.database,
            "UPDATE countersign_evaluations SET repository = 'other/secret' RETURNING id",
        )
        sign_in(client, world, "alice-gh")
        answer = client.get("/api/v1/decision", params={"id": evaluation})
        assert answer.status_code == 404
        assert client.get("/api/v1/decisions").json()["decisions"] == []


def test_the_friction_budget_gives_each_reviewer_open_requests_and_their_median_wait(
    world: World,
):
    with dashboard(world) as web, httpx.Client(base_url=web) as client:
        decided_pull_request(world, web)
        # Two more requests of the same change, asked 3 and 10 hours ago; the first 1 hour ago.
        rows(
            world.database,
            """INSERT INTO countersign_requests (repository, number, head_sha, fingerprint,
                   requirement, rule, min_level, level_rank, teams, count, reason, makers,
                   approvers, asked_at)
               SELECT repository, number, head_sha, fingerprint, requirement || '-' || h, rule,
                   min_level, level_rank, teams, count, reason, makers, approvers,
                   now() - h * interval '1 hour'
               FROM countersign_requests, unnest(ARRAY[3, 10]) AS h RETURNING id""",
        )
        rows(
            world.database,
            "UPDATE countersign_requests SET asked_at = now() - interval '1 hour'"
            " WHERE requirement NOT LIKE '%%-%%' RETURNING id",
        )
        sign_in(client, world, "alice-gh")
        friction = client.get("/api/v1/friction").json()
    people = {p["person"]: p for p in friction["by_person"]}
    alice = people["alice"]
    assert (alice["can_sign"], alice["median_wait_hours"], alice["oldest_wait_hours"]) == (
        3,
        3.0,
        10.0,
    )
    # bob made the change: nothing waits for him; carol (staff) could sign all three.
    assert (people["bob"]["can_sign"], people["bob"]["median_wait_hours"]) == (0, None)
    assert people["carol"]["median_wait_hours"] == 3.0
    (senior,) = friction["by_level"]
    assert (senior["level"], senior["open"], senior["median_wait_hours"]) == ("senior", 3, 3.0)


def test_a_proxy_identity_cannot_approve_from_the_dashboard(world: World):
    """The proxy names a person; GitHub proved nothing. Approving is refused before anything is
    queued; sending back (a comment, no sign-off) still works."""
    with (
        dashboard(world, proxies=("127.0.0.1/32",)) as web,
        httpx.Client(base_url=web, headers={"X-Forwarded-User": "alice-gh"}) as client,
    ):
        head = decided_pull_request(world, web)
        (request,) = client.get("/api/v1/queue").json()["requests"]
        page = client.get("/")
        assert "Approve cs2:" not in page.text
        assert "approving is only for a GitHub sign-in" in page.text
        token = {"X-CSRF-Token": csrf_of(client)}
        refused = client.post(f"/api/v1/requests/{request['id']}/approve", headers=token)
        assert refused.status_code == 403
        assert refused.json()["error"] == actions.UNPROVEN
        form = client.post(
            f"/requests/{request['id']}/approve", data={"csrf": token["X-CSRF-Token"]}
        )
        assert form.status_code == 403
        assert rows(world.database, "SELECT id FROM countersign_dashboard_actions") == []
        back = client.post(
            f"/api/v1/requests/{request['id']}/send-back", headers=token, json={"comment": "No."}
        )
        assert back.status_code == 202
        work(world)
    assert conclusion(world, head) == "action_required"


def test_a_queued_approval_that_is_not_forge_proven_is_refused_by_the_worker(world: World):
    """Defence in depth: an approval row that did not come from a GitHub sign-in (written before
    this rule, or by anything else) is not counted by the worker either."""
    with dashboard(world) as web, httpx.Client(base_url=web) as client:
        head = decided_pull_request(world, web)
        sign_in(client, world, "alice-gh")
        (request,) = client.get("/api/v1/queue").json()["requests"]
        token = {"X-CSRF-Token": csrf_of(client)}
        made = client.post(f"/api/v1/requests/{request['id']}/approve", headers=token).json()
        rows(
            world.database,
            "UPDATE countersign_dashboard_actions SET identity = 'proxy' RETURNING id",
        )
        work(world)
        action = client.get(f"/api/v1/actions/{made['action']['id']}").json()["action"]
    assert (action["status"], action["result"]) == ("refused", actions.UNPROVEN)
    assert conclusion(world, head) == "action_required"


def test_a_head_that_could_not_be_evaluated_is_listed_with_why(world: World):
    """A broken policy on the base: the check run asks for review, and the evaluation is in
    the list (verdict not-analysed, the reason as its report), not missing from it."""
    with dashboard(world) as web, httpx.Client(base_url=web) as client:
        decided_pull_request(world, web, 3)  # the roster is known from this one
        world.git("checkout", "-q", "master")
        (world.work / ".countersign" / "policy.yaml").write_text("rules: 3\n")
        world.git("add", "-A")
        world.git("commit", "-q", "-m", "Break the policy")
        world.git("push", "-q", str(world.remote), "master")
        head = decided_pull_request(world, web, 4)
        assert conclusion(world, head) == "action_required"
        sign_in(client, world, "alice-gh")
        listed = client.get("/api/v1/decisions").json()["decisions"][0]
        assert (listed["head_sha"], listed["verdict"]) == (head, "not-analysed")
        only = client.get("/api/v1/decisions", params={"verdict": "not-analysed"}).json()
        assert [d["id"] for d in only["decisions"]] == [listed["id"]]
        human = client.get("/api/v1/decisions", params={"provenance": "human"}).json()
        assert listed["id"] not in [d["id"] for d in human["decisions"]]
        found = client.get("/api/v1/decision", params={"id": listed["id"]}).json()["decision"]
        assert "countersign could not evaluate this head" in found["report"]
        assert "policy.yaml" in found["report"]
        page = client.get("/decisions", params={"verdict": "not-analysed"}).text
        assert "not-analysed" in page
        assert "none ran" in page
