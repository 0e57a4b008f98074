"""What a worker leaves for the dashboard: the decision's facts and reasons, one open request per
approval still asked for, closed when signed, superseded by a push, and the roster at the base."""

from __future__ import annotations

import pytest
from github_service import rows
from loopback import serving
from service_processes import wait_until
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


def test_two_evaluations_of_one_repository_write_its_rows_one_after_the_other(world: World):
    """Two pull requests of one repository evaluated at once (two workers, or two threads of
    one, each rewriting the repository's roster rows): the second starts while the first's
    transaction is open, waits for it, and goes through once the first commits (its roster
    delete runs after, and sees the first's rows)."""
    import threading

    import psycopg

    from countersign.service import mirror
    from countersign.service.dashboard import records
    from countersign.service.evaluation import judge
    from countersign.service.worker import open_jobs

    repository = "Codertocat/Hello-World"
    heads = {}
    for number, branch in ((2, "fix"), (3, "other")):
        world.git("checkout", "-q", "master")
        world.commit_on_branch(branch, {f"{branch}.py": "print('hi')\n"}, f"Change {branch}")
        heads[number] = world.open_pull_request(number, branch)["head"]["sha"]
    settings = world.settings()
    jobs = open_jobs(settings, backoff=0.01, max_wait=1)
    judged = {}
    try:
        where = mirror.mirror_path(settings.state_dir, 4242, repository)
        for number, head in heads.items():
            jobs.evaluate_pull_request(repository, 4242, number)
            base = mirror.resolve(where, "refs/heads/master")
            ledger = jobs.ledger(186853002)
            judged[number] = judge(where, base=base, head=head, ledger=ledger, state=world.root)
    finally:
        jobs.conn.close()
        jobs.github.close()

    def save(conn: psycopg.Connection, number: int) -> None:
        records.save(
            conn,
            repository=repository,
            installation_id=4242,
            pr=world.pulls[number],
            evaluation=judged[number].evaluation,
            head=heads[number],
            fingerprint=judged[number].fingerprint,
            roster=judged[number].roster,
        )

    name = f"cs-second-{heads[3][:8]}"
    failed: list[BaseException] = []

    def second() -> None:
        with psycopg.connect(world.database, autocommit=True, application_name=name) as conn:
            try:
                save(conn, 3)
            except psycopg.Error as exc:
                failed.append(exc)

    with psycopg.connect(world.database, autocommit=True) as first:
        with first.transaction():
            save(first, 2)
            thread = threading.Thread(target=second)
            thread.start()
            waiting = "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND wait_event_type = 'Lock'"
            wait_until(
                "the second waits for the first",
                lambda: rows(world.database, waiting, (name,)) == [(1,)],
            )
        thread.join(timeout=60)
    assert failed == []
    people = rows(
        world.database,
        "SELECT person FROM countersign_people WHERE repository = %s ORDER BY person",
        (repository,),
    )
    assert people == [("alice",), ("bob",), ("carol",)]
