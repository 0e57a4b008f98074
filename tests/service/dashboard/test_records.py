"""What a worker leaves for the dashboard: the decision's facts and reasons, one open request per
approval still asked for, closed when signed, superseded by a push, and the roster at the base."""

from __future__ import annotations

import pytest
from github_service import rows
from loopback import serving
from service_world import World, deliver, work

from countersign.service.web import create_app

pytestmark = pytest.mark.postgres

REQUESTS = """SELECT head_sha, rule, min_level, makers, approvers, outcome
FROM countersign_requests ORDER BY id"""


def test_a_request_is_opened_signed_and_superseded(world: World):
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    first = world.open_pull_request(3, "fix")["head"]["sha"]
    with serving(create_app(world.settings())) as web:
        deliver(web, "pull_request", world.event("pull_request.opened", 3), "r-open")
        work(world)
        ((title, author, ai, verdict, rules, report),) = rows(
            world.database,
            "SELECT title, author, ai_assisted, verdict, rules, report FROM countersign_decisions",
        )
        assert (author, ai, verdict) == ("bob-gh", True, "needs-approval")
        assert title
        assert rules == ["ai-assisted-below-senior"]
        assert "countersign: **needs-approval**" in report
        ((head, rule, level, makers, approvers, outcome),) = rows(world.database, REQUESTS)
        assert (head, rule, level, makers, approvers, outcome) == (
            first,
            "ai-assisted-below-senior",
            "senior",
            ["bob"],
            [],
            None,
        )
        assert rows(
            world.database, "SELECT person, github, level FROM countersign_people ORDER BY 1"
        ) == [
            ("alice", "alice-gh", "senior"),
            ("bob", "bob-gh", "junior"),
            ("carol", "carol-gh", "staff"),
        ]

        deliver(web, "pull_request_review", world.review(3, "alice-gh", first), "r-review")
        work(world)
        assert [r[4:] for r in rows(world.database, REQUESTS)] == [(["alice"], "satisfied")]

        second = world.commit_on_branch("fix", {"app.py": "print('hello')\n"}, "Say hello")
        world.push(3, "fix")
        deliver(web, "pull_request", world.event("pull_request.synchronize", 3), "r-push")
        work(world)
    found = rows(world.database, REQUESTS)
    assert [(r[0], r[5]) for r in found] == [(first, "satisfied"), (second, None)]
