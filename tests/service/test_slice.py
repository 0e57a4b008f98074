"""The vertical slice: a signed webhook is recorded and queued, a worker evaluates the pull
request head from its mirror with the library, and the check run and the one comment appear
on (the fake) GitHub, whose API description every request satisfies."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from github_service import SECRET, rows
from loopback import serving
from service_world import REPOSITORY, World

from countersign.service.queue import WorkerTiming, create_queue, run_worker
from countersign.service.signature import sign
from countersign.service.web import create_app
from countersign.service.worker import open_jobs

pytestmark = pytest.mark.postgres
FAST = WorkerTiming(heartbeat=1, stalled=3, polling=0.2)


def deliver(url: str, event: str, payload: dict, delivery: str) -> httpx.Response:
    body = json.dumps(payload).encode()
    return httpx.post(
        f"{url}/webhooks/github",
        content=body,
        headers={
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery,
            "X-Hub-Signature-256": sign(SECRET, body),
        },
    )


def work(world: World) -> None:
    """Run one worker until the queue is empty."""
    jobs = open_jobs(world.settings(), backoff=0.01, max_wait=1)
    app = create_queue(world.database, lambda: jobs, FAST)
    try:
        asyncio.run(run_worker(app, FAST, wait=False))
    finally:
        jobs.conn.close()
        jobs.github.close()


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
        payload = world.event("pull_request.opened", 2, action="labeled")
        payload["sender"]["id"] = 77
        deliver(web, "pull_request", payload, "d-2")
        work(world)
    runs = world.github.runs_for(REPOSITORY, pr["head"]["sha"])
    assert len(runs) == 1
    assert runs[0]["updates"] == 1
    (comment,) = world.github.comments_on(REPOSITORY, 2)
    assert comment["edits"] == 1
