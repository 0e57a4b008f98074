"""Merge groups of several pull requests: each pull request in the group is evaluated, and the
group passes only when every one is satisfied and its part of the group is the content it
showed; never a blanket success. Groups are built as GitHub's merge queue builds them: one
commit per pull request on the base, a ``gh-readonly-queue/<base>/pr-<n>-<head>`` branch at
each."""

from __future__ import annotations

from typing import Any

import pytest
from github_service import INSTALLATION, example, rows
from loopback import serving
from service_world import REPOSITORY, REPOSITORY_ID, World, deliver, work

from countersign.service.merge_queue import Entry, entries
from countersign.service.web import create_app

pytestmark = pytest.mark.postgres

A, B, C, D = ("a" * 40, "b" * 40, "c" * 40, "d" * 40)


def test_each_queue_branch_on_the_first_parent_line_is_one_pull_requests_part():
    found, problem = entries(A, [B, C], {B: (3, "3" * 40), C: (4, "4" * 40)})
    assert problem == ""
    assert found == [Entry(3, "3" * 40, A, B), Entry(4, "4" * 40, B, C)]


def test_a_pull_request_rebased_into_several_commits_is_one_part():
    found, problem = entries(A, [B, C, D], {C: (3, "3" * 40), D: (4, "4" * 40)})
    assert (problem, [(e.start, e.tip) for e in found]) == ("", [(A, C), (C, D)])


def test_commits_after_the_last_queue_branch_belong_to_nobody():
    _, problem = entries(A, [B, C], {B: (3, "3" * 40)})
    assert problem == f"the group's commits after {B[:12]} belong to no pull request in the queue"
    assert entries(A, [B], {})[1].startswith("cannot tell which pull requests")
    assert entries(A, [], {})[1] == "the group adds nothing to its base"


def test_one_pull_request_with_two_parts_in_a_group_is_not_passed():
    _, problem = entries(A, [B, C], {B: (3, "3" * 40), C: (3, "3" * 40)})
    assert problem == "pull request #3 has two parts in the group"


# --- with a repository, a worker and the fake GitHub -------------------------------------------
def pull_request(world: World, number: int, branch: str, files: dict[str, str]) -> str:
    world.git("checkout", "-q", "master")
    world.commit_on_branch(branch, files, f"Change {branch}")
    return str(world.open_pull_request(number, branch)["head"]["sha"])


def queue(world: World, heads: dict[int, str], extra: dict[str, str] | None = None) -> str:
    """The queue's commits for ``heads`` (number -> head) in order, each on the one before,
    with their queue branches; ``extra``: files the last commit adds that no pull request has."""
    tip = world.git("rev-parse", "master")
    merged = tip
    for number, head in heads.items():
        tree = world.git("merge-tree", "--write-tree", merged, head).splitlines()[0]
        if extra and number == list(heads)[-1]:
            world.git("checkout", "-q", "--detach", head)
            world.git("read-tree", tree)
            for rel, text in extra.items():
                (world.work / rel).write_text(text)
                world.git("add", rel)
            tree = world.git("write-tree")
            world.git("checkout", "-q", "-f", "master")
        tip = world.git("commit-tree", tree, "-p", tip, "-m", f"Merge pull request #{number}")
        merged = tip
        ref = f"refs/heads/gh-readonly-queue/master/pr-{number}-{head}"
        world.git("push", "-q", str(world.remote), f"{tip}:{ref}")
    return tip


def group_event(world: World, group: str, last: int, head: str) -> dict[str, Any]:
    payload = example("merge_group.checks_requested")
    payload["repository"].update(full_name=REPOSITORY, id=REPOSITORY_ID)
    payload["merge_group"].update(
        head_sha=group,
        base_sha=world.git("rev-parse", "master"),
        base_ref="refs/heads/master",
        head_ref=f"refs/heads/gh-readonly-queue/master/pr-{last}-{head}",
    )
    return payload


def run_on(world: World, head: str) -> dict[str, Any]:
    (run,) = world.github.runs_for(REPOSITORY, head)
    return run


def approve(world: World, web: str, number: int, head: str) -> None:
    deliver(web, "pull_request_review", world.review(number, "alice-gh", head, review_id=number),
            f"r-{number}")  # fmt: skip


def test_a_group_of_two_satisfied_pull_requests_passes(world: World):
    three = pull_request(world, 3, "left", {"left.py": "print('left')\n"})
    four = pull_request(world, 4, "right", {"right.py": "print('right')\n"})
    group = queue(world, {3: three, 4: four})
    with serving(create_app(world.settings())) as web:
        approve(world, web, 3, three)
        approve(world, web, 4, four)
        deliver(web, "merge_group", group_event(world, group, 4, four), "g-1")
        work(world)
    run = run_on(world, group)
    assert run["conclusion"] == "success"
    assert run["output"]["title"] == "Merge group of 2 pull requests: all satisfied"
    assert "| #3 |" in run["output"]["summary"]
    assert "| #4 |" in run["output"]["summary"]
    assert rows(
        world.database,
        "SELECT number, verdict FROM countersign_decisions WHERE kind = 'merge_group'",
    ) == [(4, "pass")]


def test_one_unapproved_pull_request_keeps_the_whole_group_from_passing(world: World):
    three = pull_request(world, 3, "left", {"left.py": "print('left')\n"})
    four = pull_request(world, 4, "right", {"right.py": "print('right')\n"})
    group = queue(world, {3: three, 4: four})
    with serving(create_app(world.settings())) as web:
        approve(world, web, 4, four)  # #3, ahead in the queue, is approved by nobody
        deliver(web, "merge_group", group_event(world, group, 4, four), "g-1")
        work(world)
    run = run_on(world, group)
    assert run["conclusion"] == "action_required"
    assert run["output"]["title"] == "Merge group: 1 of 2 pull requests not satisfied"
    assert "### #3" in run["output"]["summary"]
    assert "### #4" not in run["output"]["summary"]


def test_a_pull_request_whose_part_of_the_group_is_not_what_it_showed_is_not_passed(
    world: World,
):
    three = pull_request(world, 3, "left", {"left.py": "print('left')\n"})
    four = pull_request(world, 4, "right", {"right.py": "print('right')\n"})
    group = queue(world, {3: three, 4: four}, extra={"sneaky.py": "import os; os.system('x')\n"})
    with serving(create_app(world.settings())) as web:
        approve(world, web, 3, three)
        approve(world, web, 4, four)
        deliver(web, "merge_group", group_event(world, group, 4, four), "g-1")
        work(world)
    run = run_on(world, group)
    assert run["conclusion"] == "action_required"
    summary = run["output"]["summary"]
    assert "| #4 | `" in summary
    assert "changed in the group" in summary
    assert "pull request #4 showed" in summary


def test_commits_in_the_group_after_its_last_pull_request_are_not_passed(world: World):
    three = pull_request(world, 3, "left", {"left.py": "print('left')\n"})
    group = queue(world, {3: three})
    world.git("checkout", "-q", "master")
    tree = world.git("rev-parse", f"{group}^{{tree}}")
    after = world.git("commit-tree", tree, "-p", group, "-m", "something else")
    payload = group_event(world, after, 3, three)
    payload["merge_group"]["head_ref"] = "refs/heads/gh-readonly-queue/master/unnamed"
    with serving(create_app(world.settings())) as web:
        approve(world, web, 3, three)
        world.git("push", "-q", str(world.remote), f"{after}:refs/heads/elsewhere")
        deliver(web, "merge_group", payload, "g-1")
        work(world)
    run = run_on(world, after)
    assert run["conclusion"] == "action_required"
    assert "belong to no pull request in the queue" in run["output"]["summary"]


def test_a_group_whose_queue_branches_came_with_an_earlier_group_is_decided_without_a_fetch(
    world: World,
):
    """GitHub queues several groups at once (#3 alone, then #3 and #4), each at a queue branch
    of its own: the first group's fetch brings both branches, so the second is decided from the
    mirror, here with the remote gone."""
    three = pull_request(world, 3, "left", {"left.py": "print('left')\n"})
    four = pull_request(world, 4, "right", {"right.py": "print('right')\n"})
    both = queue(world, {3: three, 4: four})
    alone = world.git("rev-parse", f"{both}^")
    # One installation sends them all, as on GitHub (the vendored examples' ids differ).
    first, second = group_event(world, alone, 3, three), group_event(world, both, 4, four)
    first["installation"] = second["installation"] = dict(INSTALLATION)
    with serving(create_app(world.settings())) as web:
        approve(world, web, 3, three)
        approve(world, web, 4, four)
        deliver(web, "merge_group", first, "g-1")
        work(world)
        world.remote.rename(world.remote.with_name("gone.git"))  # any fetch now fails
        deliver(web, "merge_group", second, "g-2")
        work(world)
    assert run_on(world, alone)["conclusion"] == "success"
    run = run_on(world, both)
    assert run["conclusion"] == "success", run["output"]
    assert run["output"]["title"] == "Merge group of 2 pull requests: all satisfied"
