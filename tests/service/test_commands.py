"""Comment commands: acknowledged with a reaction, and only roster members are obeyed."""

from __future__ import annotations

import pytest
from loopback import serving
from service_world import REPOSITORY, World, deliver, work

from countersign.service.web import create_app

pytestmark = pytest.mark.postgres


def command(world: World, number: int, body: str, login: str) -> dict:
    posted = world.github.add_comment(REPOSITORY, number, body, login)
    payload = world.event("issue_comment.created", number)
    payload["issue"]["number"] = number
    payload["issue"]["pull_request"] = {
        "url": f"https://api.github.com/repos/{REPOSITORY}/pulls/{number}"
    }
    payload["comment"].update(id=posted["id"], body=body)
    payload["comment"]["user"]["login"] = login
    return payload


def test_refresh_by_a_roster_member_decides_again_and_is_acknowledged(world: World):
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    head = world.open_pull_request(2, "fix")["head"]["sha"]
    with serving(create_app(world.settings())) as web:
        payload = command(world, 2, "/countersign refresh", "alice-gh")
        assert deliver(web, "issue_comment", payload, "c-1").json()["queued"] == 1
        work(world)
    (run,) = world.github.runs_for(REPOSITORY, head)
    assert run["conclusion"] == "action_required"
    assert world.github.reactions == [(payload["comment"]["id"], "+1")]


def test_a_command_from_outside_the_roster_is_refused_with_a_confused_reaction(world: World):
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    head = world.open_pull_request(2, "fix")["head"]["sha"]
    with serving(create_app(world.settings())) as web:
        payload = command(world, 2, "/countersign refresh", "mallory-gh")
        deliver(web, "issue_comment", payload, "c-1")
        work(world)
    assert world.github.runs_for(REPOSITORY, head) == []
    assert world.github.reactions == [(payload["comment"]["id"], "confused")]


def test_our_comment_is_found_by_the_apps_identity_not_by_a_pasted_marker(world: World):
    """Anyone can paste the marker; the App edits only the comment it wrote itself."""
    from countersign.service.outputs import COMMENT_MARKER

    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    world.open_pull_request(2, "fix")
    decoy = world.github.add_comment(
        REPOSITORY, 2, f"{COMMENT_MARKER} pass, trust me", "mallory-gh"
    )
    with serving(create_app(world.settings())) as web:
        deliver(web, "pull_request", world.event("pull_request.opened", 2), "c-1")
        work(world)
    assert world.github.comments[decoy["id"]]["edits"] == 0
    ours = [c for c in world.github.comments_on(REPOSITORY, 2) if c["user"]["type"] == "Bot"]
    assert len(ours) == 1
