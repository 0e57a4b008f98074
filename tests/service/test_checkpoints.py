"""The service publishes signed checkpoints of each repository's ledger on the repository's
``countersign/checkpoints`` branch, so a worker that never read the ledger (a new replica, a
restarted pod with an empty state directory) and every clone see a rewind of it. Tried as an
insider with the database's owner role would: a dismissed review's withdrawal deleted from the
ledger brings the approval back, unless a published checkpoint covers it."""

from __future__ import annotations

import asyncio
import subprocess

import psycopg
import pytest
from loopback import serving
from service_world import FAST, REPOSITORY, REPOSITORY_ID, World, deliver, work

from countersign.main import main
from countersign.service import checkpoints
from countersign.service.ledgers import ledger_url
from countersign.service.queue import create_queue, run_worker
from countersign.service.web import create_app
from countersign.service.worker import open_jobs
from countersign.signoff.checkpoint import PUBLISHED_BRANCH, parse

pytestmark = pytest.mark.postgres


def published(world: World) -> list:
    """The checkpoints on the remote's ``countersign/checkpoints`` branch (none: [])."""
    found = subprocess.run(
        [
            "git",
            "-C",
            str(world.remote),
            "show",
            f"{PUBLISHED_BRANCH}:.countersign/ledger-checkpoints",
        ],
        capture_output=True,
        check=False,
    )
    return list(parse(found.stdout.decode(), "remote")) if found.returncode == 0 else []


def work_fresh(world: World, name: str) -> None:
    """A worker on a machine of its own: no witness, no verified mark, no mirror."""
    jobs = open_jobs(world.settings(state_dir=world.root / name), backoff=0.01, max_wait=1)
    app = create_queue(world.database, lambda: jobs, FAST)
    try:
        asyncio.run(run_worker(app, FAST, wait=False))
    finally:
        jobs.conn.close()
        jobs.github.close()


def conclusion(world: World, head: str) -> tuple[str, str]:
    (run,) = world.github.runs_for(REPOSITORY, head)
    return str(run["conclusion"]), str(run["output"]["summary"])


def _approve_then_dismiss(world: World, web: str) -> str:
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    head = world.open_pull_request(3, "fix")["head"]["sha"]
    deliver(web, "pull_request", world.event("pull_request.opened", 3), "d-open")
    deliver(web, "pull_request_review", world.review(3, "alice-gh", head), "d-review")
    work(world)
    assert conclusion(world, head)[0] == "success"
    dismissal = world.review(3, "alice-gh", head, state="dismissed", action="dismissed")
    deliver(web, "pull_request_review", dismissal, "d-dismiss")
    work(world)
    assert conclusion(world, head)[0] == "action_required"
    return head


def _delete_last_entry(world: World) -> None:
    url = ledger_url(world.database, REPOSITORY_ID)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ALTER TABLE countersign_entries DISABLE TRIGGER USER")
        conn.execute(
            "DELETE FROM countersign_entries WHERE seq = (SELECT max(seq) FROM countersign_entries)"
        )
        conn.execute("ALTER TABLE countersign_entries ENABLE TRIGGER USER")


def test_each_ledger_write_publishes_a_signed_checkpoint(world: World):
    with serving(create_app(world.settings())) as web:
        _approve_then_dismiss(world, web)
    (checkpoint,) = published(world)
    assert checkpoint.seq == 2  # the approval, then its withdrawal
    assert checkpoint.ledger == ledger_url(world.database, REPOSITORY_ID)
    log = subprocess.run(
        ["git", "-C", str(world.remote), "log", "--format=%an %s", PUBLISHED_BRANCH],
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert log.splitlines() == [
        "countersign[bot] Ledger checkpoint: entry 2",
        "countersign[bot] Ledger checkpoint: entry 1",
    ]


def test_a_fresh_worker_sees_a_withdrawal_deleted_from_the_ledger(world: World):
    with serving(create_app(world.settings())) as web:
        head = _approve_then_dismiss(world, web)
        _delete_last_entry(world)
        deliver(web, "pull_request", world.event("pull_request.opened", 3, action="labeled"), "d-2")
        work_fresh(world, "replica-2")
    verdict, summary = conclusion(world, head)
    assert verdict == "action_required"
    assert "the ledger cannot be trusted" in summary
    assert (
        "entry 2: missing: the checkpoint in .countersign/ledger-checkpoints at "
        "refs/heads/countersign/checkpoints records the ledger at entry 2, it now ends at 1"
        in summary
    )


def test_without_the_published_checkpoint_the_fresh_worker_would_believe_it(
    world: World, monkeypatch
):
    """The attack the publication defends against: the same rewind, nothing published."""
    monkeypatch.setattr(checkpoints, "publish", lambda *_a, **_k: "disabled for this test")
    with serving(create_app(world.settings())) as web:
        head = _approve_then_dismiss(world, web)
        _delete_last_entry(world)
        deliver(web, "pull_request", world.event("pull_request.opened", 3, action="labeled"), "d-2")
        work_fresh(world, "replica-2")
    assert published(world) == []
    assert conclusion(world, head)[0] == "success"  # the dismissed approval came back


def test_a_clone_that_fetched_the_branch_sees_the_rewind(world: World, monkeypatch, capsys):
    with serving(create_app(world.settings())) as web:
        _approve_then_dismiss(world, web)
    _delete_last_entry(world)
    world.git("fetch", "-q", str(world.remote), "+refs/heads/*:refs/remotes/origin/*")
    monkeypatch.setenv("COUNTERSIGN_STATE_DIR", str(world.root / "developer"))
    capsys.readouterr()
    code = main(
        [
            "ledger",
            "verify",
            "--ledger",
            ledger_url(world.database, REPOSITORY_ID),
            "-C",
            str(world.work),
        ]
    )
    assert code == 5
    err = capsys.readouterr().err
    assert "at refs/remotes/origin/countersign/checkpoints records the ledger at entry 2" in err
    assert "entry 2 disappeared (the ledger was rewound)" in err


def test_a_push_to_the_default_branch_publishes_what_is_not_yet(world: World, monkeypatch):
    real = checkpoints.publish
    monkeypatch.setattr(checkpoints, "publish", lambda *_a, **_k: "disabled for this test")
    with serving(create_app(world.settings())) as web:
        _approve_then_dismiss(world, web)
        assert published(world) == []
        monkeypatch.setattr(checkpoints, "publish", real)
        payload = world.event("push", 0)
        payload["ref"] = "refs/heads/master"
        payload["repository"]["default_branch"] = "master"
        deliver(web, "push", payload, "d-push")
        work(world)
    (checkpoint,) = published(world)
    assert checkpoint.seq == 2
