"""Comment commands: acknowledged with a reaction, and only roster members are obeyed."""

from __future__ import annotations

import pytest
from github_service import rows
from loopback import serving
from service_world import REPOSITORY, REPOSITORY_ID, World, deliver, work

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


def test_record_writes_the_change_record_to_the_ledger_for_the_head(world: World):
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    world.open_pull_request(2, "fix")
    body = '/countersign record --summary "Fix the greeting" --rollback-plan "revert"'
    with serving(create_app(world.settings())) as web:
        payload = command(world, 2, body, "alice-gh")
        deliver(web, "issue_comment", payload, "c-1")
        work(world)
    assert world.github.reactions == [(payload["comment"]["id"], "+1")]
    kinds = ledger_kinds(world)
    assert "change-record" in kinds
    assert "comment-command" in kinds


def test_break_glass_without_an_incident_is_refused_with_the_reason(world: World):
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    world.open_pull_request(2, "fix")
    with serving(create_app(world.settings())) as web:
        payload = command(world, 2, '/countersign break-glass --reason "site down"', "carol-gh")
        deliver(web, "issue_comment", payload, "c-1")
        work(world)
    assert world.github.reactions == [(payload["comment"]["id"], "confused")]
    replies = [
        c["body"] for c in world.github.comments_on(REPOSITORY, 2) if c["user"]["type"] == "Bot"
    ]
    assert any(
        r.startswith("`/countersign`: break-glass needs --reason TEXT and --incident REF\n")
        for r in replies
    )
    assert "break-glass" not in ledger_kinds(world)


def test_break_glass_from_a_comment_is_refused_because_it_cannot_be_signed(world: World):
    """It lifts every requirement: only an SSH signature of a second person may do that, and a
    comment is forge-proven at most."""
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    head = world.open_pull_request(2, "fix")["head"]["sha"]
    body = '/countersign break-glass --reason "checkout is down" --incident INC-42 --hours 2'
    with serving(create_app(world.settings())) as web:
        payload = command(world, 2, body, "carol-gh")
        deliver(web, "issue_comment", payload, "c-1")
        work(world)
    assert world.github.reactions == [(payload["comment"]["id"], "confused")]
    replies = [
        c["body"] for c in world.github.comments_on(REPOSITORY, 2) if c["user"]["type"] == "Bot"
    ]
    assert any("must be signed: run `countersign break-glass --key" in r for r in replies)
    assert "break-glass" not in ledger_kinds(world)
    assert world.github.runs_for(REPOSITORY, head) == []


def retry_now(world: World) -> None:
    """The queue's backoff, over: the failed job's retry is due."""
    rows(
        world.database,
        "UPDATE procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo' RETURNING id",
    )


def reaction_posts(world: World, comment_id: int) -> int:
    path = f"/repos/{REPOSITORY}/issues/comments/{comment_id}/reactions"
    return sum(1 for method, p, _ in world.github.requests if (method, p) == ("POST", path))


def test_a_record_command_retried_after_its_acknowledgement_failed_is_recorded_once(world: World):
    """GitHub fails the +1 (502 until the attempt gives up), so the job is retried: the retry
    finds the command in the ledger by its comment id and records nothing again, neither the
    change record nor the command, and acknowledges it then."""
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    world.open_pull_request(2, "fix")
    body = '/countersign record --summary "Fix the greeting" --rollback-plan "revert"'
    with serving(create_app(world.settings())) as web:
        payload = command(world, 2, body, "alice-gh")
        world.github.fail("POST", r"/reactions$", *([502] * 30))
        deliver(web, "issue_comment", payload, "c-1")
        work(world)
        assert world.github.reactions == []
        assert ledger_kinds(world).count("change-record") == 1
        world.github.faults.clear()
        retry_now(world)
        work(world)
    assert world.github.reactions == [(payload["comment"]["id"], "+1")]
    kinds = ledger_kinds(world)
    assert kinds.count("change-record") == 1
    assert kinds.count("comment-command") == 1


def test_a_command_run_again_after_it_was_done_records_and_acknowledges_nothing_more(
    world: World,
):
    """The job did everything, but its worker died before the queue heard (the job is run
    again): no second entry, no second reaction posted."""
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    world.open_pull_request(2, "fix")
    body = '/countersign record --summary "Fix the greeting"'
    with serving(create_app(world.settings())) as web:
        payload = command(world, 2, body, "alice-gh")
        deliver(web, "issue_comment", payload, "c-1")
        work(world)
        comment_id = payload["comment"]["id"]
        assert reaction_posts(world, comment_id) == 1
        rows(world.database, "UPDATE procrastinate_jobs SET status = 'todo' RETURNING id")
        work(world)
    assert reaction_posts(world, comment_id) == 1
    kinds = ledger_kinds(world)
    assert kinds.count("change-record") == 1
    assert kinds.count("comment-command") == 1


def test_a_change_record_from_a_comment_carries_the_commenters_forge_identity(world: World):
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    world.open_pull_request(2, "fix")
    body = '/countersign record --summary "Fix the greeting"'
    with serving(create_app(world.settings())) as web:
        payload = command(world, 2, body, "alice-gh")
        deliver(web, "issue_comment", payload, "c-1")
        work(world)
    (entry,) = ledger_entries(world, "change-record")
    assert entry["author"] == "alice"
    identity = entry["identity"]
    assert (identity["claimed"], identity["source"], identity["strength"]) == (
        "alice",
        "forge",
        "forge",
    )
    assert identity["forge"]["login"] == "alice-gh"
    assert identity["forge"]["comment"] == payload["comment"]["id"]
    assert identity["forge"]["repository"] == REPOSITORY


def test_a_refused_command_run_again_replies_once(world: World):
    """The refusal was posted, then the job ran again (its worker died before the queue
    heard): the reply is found by its marker and not posted a second time."""
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    world.open_pull_request(2, "fix")
    with serving(create_app(world.settings())) as web:
        payload = command(world, 2, "/countersign refresh", "mallory-gh")
        deliver(web, "issue_comment", payload, "c-1")
        work(world)
        rows(world.database, "UPDATE procrastinate_jobs SET status = 'todo' RETURNING id")
        work(world)
    replies = [c for c in world.github.comments_on(REPOSITORY, 2) if c["user"]["type"] == "Bot"]
    assert len(replies) == 1
    assert reaction_posts(world, payload["comment"]["id"]) == 1
    assert world.github.reactions == [(payload["comment"]["id"], "confused")]


def ledger_entries(world: World, kind: str) -> list[dict]:
    import json

    from countersign.service.ledgers import ledger_schema

    table = f"{ledger_schema(world.database, REPOSITORY_ID)}.countersign_entries"
    query = f"SELECT body FROM {table} WHERE kind = %s ORDER BY seq"  # noqa: S608 - ours
    return [json.loads(b)["payload"] for (b,) in rows(world.database, query, (kind,))]


def ledger_kinds(world: World) -> list[str]:
    from countersign.service.ledgers import ledger_schema

    table = f"{ledger_schema(world.database, REPOSITORY_ID)}.countersign_entries"
    if rows(world.database, "SELECT to_regclass(%s)", (table,)) == [(None,)]:
        return []  # nothing was ever written
    query = f"SELECT kind FROM {table} ORDER BY seq"  # noqa: S608 - our own schema name
    return [k for (k,) in rows(world.database, query)]
