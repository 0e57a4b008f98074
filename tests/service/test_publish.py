"""Labels (``COUNTERSIGN_LABELS``): a pull request carries the label of its check run's
conclusion, ours only (``publish.LABELS``), kept right by every evaluation and by events answered
in place, so the ``labeled`` event our own write causes changes nothing, and a label of ours
that someone adds or takes away by hand is put right. Off by default."""

from __future__ import annotations

import asyncio

import pytest
from loopback import serving
from service_world import FAST, REPOSITORY, World, deliver

from countersign.service.publish import LABELS
from countersign.service.queue import create_queue, run_worker
from countersign.service.settings import Settings
from countersign.service.web import create_app
from countersign.service.worker import open_jobs

pytestmark = pytest.mark.postgres


def work_with(world: World, settings: Settings) -> None:
    jobs = open_jobs(settings, backoff=0.01, max_wait=1)
    app = create_queue(world.database, lambda: jobs, FAST)
    try:
        asyncio.run(run_worker(app, FAST, wait=False))
    finally:
        jobs.conn.close()
        jobs.github.close()


def labels(world: World) -> list[str]:
    return sorted(label["name"] for label in world.pulls[2].get("labels") or ())


def event(world: World, web: str, settings: Settings, action: str, delivery: str) -> None:
    payload = world.event("pull_request.synchronize", 2, action=action)
    deliver(web, "pull_request", payload, delivery)
    work_with(world, settings)


def opened(world: World, web: str, settings: Settings) -> str:
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    head = world.open_pull_request(2, "fix")["head"]["sha"]
    world.pulls[2]["labels"] = [{"name": "bug"}]
    deliver(web, "pull_request", world.event("pull_request.opened", 2), "l-open")
    work_with(world, settings)
    return str(head)


def test_a_pull_request_carries_its_decision_as_a_label(world: World):
    settings = world.settings(labels=True)
    with serving(create_app(settings)) as web:
        head = opened(world, web, settings)
        assert labels(world) == ["bug", LABELS["action_required"]]
        deliver(web, "pull_request_review", world.review(2, "alice-gh", head), "l-review")
        work_with(world, settings)
    # The approval moved it: ours replaced, someone else's label left alone.
    assert labels(world) == ["bug", LABELS["success"]]
    (run,) = world.github.runs_for(REPOSITORY, head)
    assert run["conclusion"] == "success"


def test_the_event_our_own_label_causes_writes_nothing(world: World):
    settings = world.settings(labels=True)
    with serving(create_app(settings)) as web:
        opened(world, web, settings)
        writes = world.github.label_writes
        event(world, web, settings, "labeled", "l-ours")
    assert world.github.label_writes == writes
    assert labels(world) == ["bug", LABELS["action_required"]]


def test_a_label_of_ours_set_by_hand_is_put_right(world: World):
    """Someone labels an unapproved pull request "approved" and takes the true label off: the
    event is answered in place (a label is no input), and the labels are put right."""
    settings = world.settings(labels=True)
    with serving(create_app(settings)) as web:
        opened(world, web, settings)
        world.pulls[2]["labels"] = [{"name": "bug"}, {"name": LABELS["success"]}]
        event(world, web, settings, "labeled", "l-forged")
    assert labels(world) == ["bug", LABELS["action_required"]]


def test_labels_are_off_by_default(world: World):
    settings = world.settings()
    with serving(create_app(settings)) as web:
        opened(world, web, settings)
    assert world.github.label_writes == 0
    assert labels(world) == ["bug"]


def test_the_setting():
    from countersign.errors import UsageError
    from countersign.service.settings import flag

    assert flag({"COUNTERSIGN_LABELS": "on"}, "COUNTERSIGN_LABELS") is True
    assert flag({}, "COUNTERSIGN_LABELS") is False
    with pytest.raises(UsageError):
        flag({"COUNTERSIGN_LABELS": "maybe"}, "COUNTERSIGN_LABELS")
