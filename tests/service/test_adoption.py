"""The service signs off an adoption as the Action does: the roster the change brings says who
the reviewer is, GitHub (asked through the App) says whether they administer the repository,
and the adoption's own pins (its forge, its ledger keys) must name this GitHub, this repository
and the service's ledger key."""

from __future__ import annotations

import pytest
from loopback import serving
from service_world import PEOPLE, REPOSITORY, World, deliver, work

from countersign.service.web import create_app
from countersign.signoff.keys import load_or_create

pytestmark = pytest.mark.postgres


def conclusion(world: World, head: str) -> str:
    (run,) = world.github.runs_for(REPOSITORY, head)
    return str(run["conclusion"])


def adoption(world: World, *, repository: str = REPOSITORY) -> str:
    """master loses its roster (a repository that never adopted); bob's branch adopts, pinning
    this GitHub and the service's ledger key."""
    world.git("rm", "-q", "-r", ".countersign")
    world.git("commit", "-q", "-m", "No countersign yet")
    world.git("push", "-q", str(world.remote), "master")
    service_key = load_or_create(world.root / "service-state" / "state")
    return world.commit_on_branch(
        "countersign-adopt",
        {
            ".countersign/people.yaml": PEOPLE,
            ".countersign/policy.yaml": (
                f"forge:\n  repository: {repository}\n  api: {world.api_url}\n"
            ),
            ".countersign/ledger-keys": f"{service_key.public_text}  the service\n",
        },
        "Adopt countersign",
        ai=False,
    )


def review_adoption(world: World, login: str, **adopting: str) -> str:
    adoption(world, **adopting)
    head = world.open_pull_request(7, "countersign-adopt")["head"]["sha"]
    with serving(create_app(world.settings())) as web:
        deliver(web, "pull_request", world.event("pull_request.opened", 7), "d-open")
        work(world)
        assert conclusion(world, head) == "action_required"
        deliver(web, "pull_request_review", world.review(7, login, head), "d-review")
        work(world)
    return head


def test_an_administrators_review_through_the_app_signs_off_the_adoption(world: World):
    world.github.collaborators[(REPOSITORY, "alice-gh")] = "admin"
    head = review_adoption(world, "alice-gh")
    assert conclusion(world, head) == "success"
    asked = [p for m, p, _ in world.github.requests if m == "GET"]
    assert f"/repos/{REPOSITORY}/collaborators/alice-gh/permission" in asked


def test_a_reviewer_github_does_not_call_an_administrator_does_not_count(world: World):
    world.github.collaborators[(REPOSITORY, "carol-gh")] = "maintain"
    head = review_adoption(world, "carol-gh")
    assert conclusion(world, head) == "action_required"


def test_an_adoption_pinning_another_repository_is_not_signed_off_by_the_service(world: World):
    world.github.collaborators[(REPOSITORY, "alice-gh")] = "admin"
    head = review_adoption(world, "alice-gh", repository="bob/fork")
    assert conclusion(world, head) == "action_required"
    asked = [p for m, p, _ in world.github.requests if m == "GET"]
    assert not any(p.endswith("/permission") for p in asked)
