"""Other apps' check runs are the policy's ``checks`` fact: a rule requiring `tests` is met by a
green `tests` run on the head, not by a red one, not by ours, and a finished run decides again."""

from __future__ import annotations

from typing import Any

import pytest
from github_service import example
from loopback import serving
from service_world import REPOSITORY, World, deliver, work

from countersign.service.web import create_app

pytestmark = pytest.mark.postgres

POLICY = """version: 1
rules:
  - id: tests-green
    description: Every change needs its tests green
    when: "true"
    require:
      checks: [tests]
"""
OTHER_APP = {"id": 31337, "slug": "ci", "name": "CI"}


def other_run(world: World, head: str, conclusion: str | None, app: dict[str, Any]) -> None:
    run_id = 900_000 + len(world.github.check_runs)
    world.github.check_runs[run_id] = {
        "id": run_id,
        "name": "tests",
        "head_sha": head,
        "status": "completed" if conclusion else "in_progress",
        "conclusion": conclusion,
        "app": app,
        "_repo": REPOSITORY,
        "updates": 0,
    }


def conclusion(world: World, head: str) -> str:
    runs = [r for r in world.github.runs_for(REPOSITORY, head) if r["name"] == "countersign"]
    (run,) = runs
    return str(run["conclusion"])


def completed(world: World, number: int, head: str) -> dict[str, Any]:
    payload = example("check_run.completed")
    payload["repository"]["full_name"] = REPOSITORY
    payload["check_run"].update(head_sha=head, name="tests")
    payload["check_run"]["pull_requests"][0]["number"] = number
    return payload


@pytest.fixture
def head(world: World) -> str:
    world.git("checkout", "-q", "master")
    (world.work / ".countersign" / "policy.yaml").write_text(POLICY)
    world.git("add", "-A")
    world.git("commit", "-q", "-m", "Require green tests")
    world.git("push", "-q", str(world.remote), "master")
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix", ai=False)
    return str(world.open_pull_request(5, "fix")["head"]["sha"])


def test_a_required_check_is_open_until_another_app_reports_it_green(world: World, head: str):
    with serving(create_app(world.settings())) as web:
        deliver(web, "pull_request", world.event("pull_request.opened", 5), "c-1")
        work(world)
        assert conclusion(world, head) == "action_required"
        other_run(world, head, "success", OTHER_APP)
        deliver(web, "check_run", completed(world, 5, head), "c-2")
        work(world)
        assert conclusion(world, head) == "success"


@pytest.mark.parametrize("state", ["failure", None], ids=["red", "running"])
def test_a_red_or_running_required_check_is_not_green(world: World, head: str, state):
    other_run(world, head, state, OTHER_APP)
    with serving(create_app(world.settings())) as web:
        deliver(web, "pull_request", world.event("pull_request.opened", 5), "c-1")
        work(world)
    assert conclusion(world, head) == "action_required"


def test_a_green_run_does_not_outvote_a_red_one_of_the_same_name(world: World, head: str):
    other_run(world, head, "failure", OTHER_APP)
    other_run(world, head, "success", {"id": 4, "slug": "another", "name": "Another"})
    with serving(create_app(world.settings())) as web:
        deliver(web, "pull_request", world.event("pull_request.opened", 5), "c-1")
        work(world)
    assert conclusion(world, head) == "action_required"
