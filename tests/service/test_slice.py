"""The vertical slice: a signed webhook is recorded and queued, a worker evaluates the pull
request head from its mirror with the library, and the check run and the one comment appear
on (the fake) GitHub, whose API description every request satisfies."""

from __future__ import annotations

import pytest
from github_service import rows
from loopback import serving
from service_world import REPOSITORY, World, deliver, work

from countersign.service.web import create_app

pytestmark = pytest.mark.postgres


def test_an_ai_assisted_pull_request_by_a_junior_gets_an_action_required_check_run(world: World):
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    pr = world.open_pull_request(2, "fix")
    with serving(create_app(world.settings())) as web:
        assert (
            deliver(web, "pull_request", world.event("pull_request.opened", 2), "d-1").status_code
            == 202
        )
    work(world)

    (run,) = world.github.runs_for(REPOSITORY, pr["head"]["sha"])
    assert run["name"] == "countersign"
    assert run["conclusion"] == "action_required"
    assert "senior" in run["output"]["summary"]
    (comment,) = world.github.comments_on(REPOSITORY, 2)
    assert "needs-approval" in comment["body"]
    assert rows(world.database, "SELECT verdict, check_run_id FROM countersign_decisions") == [
        ("needs-approval", run["id"])
    ]


def test_a_second_decision_for_the_same_pull_request_edits_the_comment_and_adds_no_run(
    world: World,
):
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    pr = world.open_pull_request(2, "fix")
    with serving(create_app(world.settings())) as web:
        deliver(web, "pull_request", world.event("pull_request.opened", 2), "d-1")
        work(world)
        # A label the agent directory counts: an input changed, so a second decision is made
        # (an event that changes no input is answered in place: test_unchanged_inputs.py).
        world.pulls[2]["labels"] = [{"name": "ai-assisted"}]
        payload = world.event("pull_request.opened", 2, action="labeled")
        payload["sender"]["id"] = 77
        deliver(web, "pull_request", payload, "d-2")
        work(world)
    runs = world.github.runs_for(REPOSITORY, pr["head"]["sha"])
    assert len(runs) == 1
    assert runs[0]["updates"] == 1
    (comment,) = world.github.comments_on(REPOSITORY, 2)
    assert comment["edits"] == 1


def test_hazards_are_annotated_at_their_lines(world: World):
    world.commit_on_branch(
        "drop", {"db/migrations/002_drop.sql": "-- tidy up\nDROP TABLE users;\n"}, "Drop users"
    )
    pr = world.open_pull_request(9, "drop")
    with serving(create_app(world.settings())) as web:
        deliver(web, "pull_request", world.event("pull_request.opened", 9), "d-1")
    work(world)
    (run,) = world.github.runs_for(REPOSITORY, pr["head"]["sha"])
    notes = run["output"]["annotations"]
    assert {"path": "db/migrations/002_drop.sql", "start_line": 2} in [
        {"path": a["path"], "start_line": a["start_line"]} for a in notes
    ]
    assert run["conclusion"] in ("action_required", "failure")
