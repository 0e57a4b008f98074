"""End to end with real processes: PostgreSQL, ``countersign serve`` and ``countersign serve
worker``, GitHub as the fake on loopback. One pull request walks from opened through review,
push, re-review and the merge queue."""

from __future__ import annotations

import pytest
from github_service import example, rows
from service_processes import wait_until, web_process, worker_process
from service_world import REPOSITORY, REPOSITORY_ID, World, deliver

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def conclusion_of(world: World, head: str) -> str | None:
    runs = world.github.runs_for(REPOSITORY, head)
    assert len(runs) <= 1, "a second check run for one head"
    return runs[0].get("conclusion") if runs else None


def wait_for(world: World, head: str, expected: str, worker) -> None:
    def done() -> bool:
        if worker.popen.poll() is not None:
            raise AssertionError(f"worker exited:\n{worker.output()}")
        return conclusion_of(world, head) == expected

    wait_until(f"check run {expected} on {head[:8]}", done)


def test_one_pull_request_from_opened_to_the_merge_queue(world: World, tmp_path):
    env = world.environment()
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    first = world.open_pull_request(3, "fix")["head"]["sha"]
    with web_process(env, tmp_path) as web, worker_process(env, tmp_path) as worker:
        assert (
            deliver(web, "pull_request", world.event("pull_request.opened", 3), "e-1").status_code
            == 202
        )
        wait_for(world, first, "action_required", worker)

        deliver(web, "pull_request_review", world.review(3, "alice-gh", first), "e-2")
        wait_for(world, first, "success", worker)

        second = world.commit_on_branch("fix", {"app.py": "print('hello')\n"}, "Say hello")
        world.push(3, "fix")
        deliver(web, "pull_request", world.event("pull_request.synchronize", 3), "e-3")
        wait_for(world, second, "action_required", worker)

        deliver(web, "pull_request_review", world.review(3, "carol-gh", second, review_id=7), "e-4")
        wait_for(world, second, "success", worker)

        # The merge queue builds the group on the base: the same content as the reviewed head.
        master = world.git("rev-parse", "master")
        group = world.git("commit-tree", f"{second}^{{tree}}", "-p", master, "-m", "Merge #3")
        ref = f"gh-readonly-queue/master/pr-3-{second}"
        world.git("push", "-q", str(world.remote), f"{group}:refs/heads/{ref}")
        payload = example("merge_group.checks_requested")
        payload["repository"].update(full_name=REPOSITORY, id=REPOSITORY_ID)
        payload["merge_group"].update(head_sha=group, base_sha=master, head_ref=f"refs/heads/{ref}")
        deliver(web, "merge_group", payload, "e-5")
        wait_for(world, group, "success", worker)

    (comment,) = world.github.comments_on(REPOSITORY, 3)
    assert "pass" in comment["body"]
    assert rows(world.database, "SELECT count(*) FROM countersign_deliveries") == [(5,)]
    assert rows(
        world.database,
        "SELECT kind, verdict FROM countersign_decisions ORDER BY decided_at",
    ) == [("pull_request", "pass"), ("pull_request", "pass"), ("merge_group", "pass")]


def test_a_merge_group_with_content_nobody_signed_is_not_passed(world: World, tmp_path):
    """The queue's commit carries more than the approved head, and none of its provenance."""
    env = world.environment()
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    head = world.open_pull_request(8, "fix")["head"]["sha"]
    world.git("checkout", "-q", "fix")
    sneaky = world.commit_on_branch(
        "fix", {"app.py": "print('hi')\nimport os; os.system('x')\n"}, "more"
    )
    master = world.git("rev-parse", "master")
    group = world.git("commit-tree", f"{sneaky}^{{tree}}", "-p", master, "-m", "Merge #8")
    ref = f"gh-readonly-queue/master/pr-8-{head}"
    world.git("push", "-q", str(world.remote), f"{group}:refs/heads/{ref}")
    with web_process(env, tmp_path) as web, worker_process(env, tmp_path) as worker:
        deliver(web, "pull_request_review", world.review(8, "alice-gh", head), "m-1")
        wait_for(world, head, "success", worker)
        payload = example("merge_group.checks_requested")
        payload["repository"].update(full_name=REPOSITORY, id=REPOSITORY_ID)
        payload["merge_group"].update(head_sha=group, base_sha=master, head_ref=f"refs/heads/{ref}")
        deliver(web, "merge_group", payload, "m-2")
        wait_for(world, group, "action_required", worker)
