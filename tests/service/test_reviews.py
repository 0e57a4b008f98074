"""Reviews are sign-offs: an approving review by a roster person counts for the content of the
commit reviewed, and only that; a push after it is not covered; a dismissal withdraws it; a
review by someone outside the roster, by the author, or of a commit GitHub never showed,
counts for nothing."""

from __future__ import annotations

import pytest
from github_service import rows
from loopback import serving
from service_world import REPOSITORY, REPOSITORY_ID, World, deliver, work

from countersign.service.web import create_app

pytestmark = pytest.mark.postgres


def conclusion(world: World, head: str) -> str:
    (run,) = world.github.runs_for(REPOSITORY, head)
    return str(run["conclusion"])


def test_review_push_rereview_and_dismissal(world: World):
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    first = world.open_pull_request(3, "fix")["head"]["sha"]
    with serving(create_app(world.settings())) as web:
        deliver(web, "pull_request", world.event("pull_request.opened", 3), "d-open")
        work(world)
        assert conclusion(world, first) == "action_required"

        deliver(web, "pull_request_review", world.review(3, "alice-gh", first), "d-review-1")
        work(world)
        assert conclusion(world, first) == "success"

        second = world.commit_on_branch("fix", {"app.py": "print('hello')\n"}, "Say hello")
        world.push(3, "fix")
        deliver(web, "pull_request", world.event("pull_request.synchronize", 3), "d-push")
        work(world)
        assert conclusion(world, second) == "action_required"  # the review saw `first` only

        deliver(
            web,
            "pull_request_review",
            world.review(3, "alice-gh", second, review_id=2),
            "d-review-2",
        )
        work(world)
        assert conclusion(world, second) == "success"

        dismissal = world.review(
            3, "alice-gh", second, state="dismissed", action="dismissed", review_id=2
        )
        deliver(web, "pull_request_review", dismissal, "d-dismiss")
        work(world)
        assert conclusion(world, second) == "action_required"
    (comment,) = world.github.comments_on(REPOSITORY, 3)
    assert comment["edits"] >= 4  # one comment, edited in place on every decision


def test_a_review_before_the_push_event_counts_for_the_commit_it_saw(world: World):
    """Out of order: the review of the new head arrives before its synchronize event."""
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    world.open_pull_request(4, "fix")
    second = world.commit_on_branch("fix", {"app.py": "print('hello')\n"}, "Say hello")
    world.push(4, "fix")
    with serving(create_app(world.settings())) as web:
        deliver(web, "pull_request_review", world.review(4, "alice-gh", second), "d-review")
        deliver(web, "pull_request", world.event("pull_request.synchronize", 4), "d-push")
        work(world)
    assert conclusion(world, second) == "success"


@pytest.mark.parametrize(
    ("login", "why"),
    [("mallory-gh", "not in the roster"), ("bob-gh", "the author")],
)
def test_reviews_by_strangers_or_by_the_author_count_for_nothing(world: World, login, why):
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    head = world.open_pull_request(5, "fix")["head"]["sha"]
    with serving(create_app(world.settings())) as web:
        deliver(web, "pull_request_review", world.review(5, login, head), "d-review")
        work(world)
    assert conclusion(world, head) == "action_required", why
    approvals = rows(
        world.database,
        "SELECT count(*) FROM pg_tables WHERE tablename = 'countersign_entries'",
    )
    assert approvals  # the ledger exists; what matters is the verdict above


def test_a_review_of_a_commit_that_is_not_in_the_repository_records_nothing(world: World):
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    head = world.open_pull_request(6, "fix")["head"]["sha"]
    with serving(create_app(world.settings())) as web:
        deliver(web, "pull_request_review", world.review(6, "alice-gh", "f" * 40), "d-review")
        work(world)
        deliver(web, "pull_request", world.event("pull_request.opened", 6), "d-open")
        work(world)
    assert conclusion(world, head) == "action_required"


def withdrawals(world: World) -> int:
    from countersign.service.ledgers import ledger_schema
    from countersign.signoff.ledger import WITHDRAWN

    table = f"{ledger_schema(world.database, REPOSITORY_ID)}.countersign_entries"
    query = f"SELECT count(*) FROM {table} WHERE kind = %s"  # noqa: S608 - our own schema
    ((count,),) = rows(world.database, query, (WITHDRAWN,))
    return int(count)


def test_a_dismissal_retried_is_recorded_once(world: World):
    """The dismissal is recorded, then GitHub stays down for the evaluation that follows, so
    the job is retried: the retry finds the withdrawal and does not append it again."""
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    head = world.open_pull_request(3, "fix")["head"]["sha"]
    with serving(create_app(world.settings())) as web:
        deliver(web, "pull_request_review", world.review(3, "alice-gh", head), "d-review")
        work(world)
        assert conclusion(world, head) == "success"
        world.github.fail("GET", r"/check-runs$", *([503] * 30))
        dismissal = world.review(3, "alice-gh", head, state="dismissed", action="dismissed")
        deliver(web, "pull_request_review", dismissal, "d-dismiss")
        work(world)
        assert withdrawals(world) == 1
        world.github.faults.clear()
        rows(
            world.database,
            "UPDATE procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo' RETURNING id",
        )
        work(world)
    assert withdrawals(world) == 1
    assert conclusion(world, head) == "action_required"


def test_an_approval_arriving_after_its_own_dismissal_does_not_count(world: World):
    """Out of order (a redelivery, a retried job): review 7 is dismissed, then its approval
    arrives. Recorded after the withdrawal it would count again; it is refused instead."""
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    head = world.open_pull_request(3, "fix")["head"]["sha"]
    dismissal = world.review(
        3, "alice-gh", head, state="dismissed", action="dismissed", review_id=7
    )
    with serving(create_app(world.settings())) as web:
        deliver(web, "pull_request_review", dismissal, "d-dismiss")
        deliver(web, "pull_request_review", world.review(3, "alice-gh", head, review_id=7), "d-7")
        work(world)
    assert conclusion(world, head) == "action_required"
