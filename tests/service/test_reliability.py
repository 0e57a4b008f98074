"""What goes wrong in production, with real processes and a real database: a worker killed
mid-job, GitHub failing and rate-limiting, the same delivery at two replicas at once, and a
webhook GitHub never delivered. No decision is lost, none is duplicated."""

from __future__ import annotations

import json
import signal
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fake_github import FakeGitHub
from github_service import SECRET, rows
from loopback import serving
from private_postgres import private_postgres
from service_processes import Process, wait_until, web_process, worker_process
from service_world import APP_ID, REPOSITORY, REPOSITORY_ID, World, app_keys, deliver, work

from countersign.service.migrate import upgrade
from countersign.service.signature import sign
from countersign.service.web import create_app
from countersign.service.worker import open_jobs

pytestmark = pytest.mark.postgres


def evaluations(world: World) -> list[tuple[str, ...]]:
    return rows(
        world.database,
        "SELECT status FROM procrastinate_jobs WHERE task_name = 'evaluate_pull_request'",
    )


@pytest.mark.slow
def test_a_worker_killed_mid_job_leaves_one_check_run_and_the_job_is_finished_by_another(
    world: World, tmp_path
):
    env = world.environment()
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    head = world.open_pull_request(2, "fix")["head"]["sha"]
    # GitHub creates the check run, but the worker never hears back: it is killed first.
    world.github.stall("POST", r"/check-runs$", seconds=15)
    with web_process(env, tmp_path) as web:
        with worker_process(env, tmp_path, "doomed") as doomed:
            deliver(web, "pull_request", world.event("pull_request.opened", 2), "k-1")
            wait_until("the check run is created", lambda: world.github.runs_for(REPOSITORY, head))
            doomed.kill()
        assert evaluations(world) == [("doing",)]
        with worker_process(env, tmp_path, "survivor"):
            wait_until(
                "the job is finished by the other worker",
                lambda: evaluations(world) == [("succeeded",)],
            )
    (run,) = world.github.runs_for(REPOSITORY, head)  # found again and updated, not re-created
    assert run["conclusion"] == "action_required"
    assert run["updates"] == 1
    assert len(world.github.comments_on(REPOSITORY, 2)) == 1
    assert rows(world.database, "SELECT check_run_id FROM countersign_decisions") == [(run["id"],)]


@pytest.mark.slow
def test_a_job_running_long_in_a_live_worker_is_not_taken_by_another(world: World, tmp_path):
    """GitHub answers the first read of the pull request slowly, past the 8 s the tests' workers
    used to allow a job (``COUNTERSIGN_JOB_TIMEOUT_S``): the job's worker is alive and sending
    heartbeats, so the job is its own. Taking it for abandoned ran it again in the other worker,
    beside the first: the pull request read twice, the check run and the comment written
    twice, and two evaluations of one head at once can each create a check run."""
    env = world.environment()
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    head = world.open_pull_request(2, "fix")["head"]["sha"]
    world.github.stall("GET", r"/pulls/2$", seconds=14)
    with (
        web_process(env, tmp_path) as web,
        worker_process(env, tmp_path, "one"),
        worker_process(env, tmp_path, "two"),
    ):
        deliver(web, "pull_request", world.event("pull_request.opened", 2), "long-1")
        wait_until(
            "the slow job is finished",
            lambda: evaluations(world) == [("succeeded",)] and world.github.faults == [],
            timeout=90,
        )
    reads = [r for r in world.github.requests if r[:2] == ("GET", f"/repos/{REPOSITORY}/pulls/2")]
    assert len(reads) == 1, "the pull request was evaluated more than once"
    (run,) = world.github.runs_for(REPOSITORY, head)
    assert run["updates"] == 0
    (comment,) = world.github.comments_on(REPOSITORY, 2)
    assert comment["edits"] == 0


def test_github_502s_and_rate_limits_are_waited_out_and_the_decision_is_posted_once(world: World):
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    head = world.open_pull_request(2, "fix")["head"]["sha"]
    world.github.fail("GET", r"/pulls/2$", 502, 502)
    world.github.fail(
        "POST", r"/check-runs$", 403, **{"Retry-After": "1", "X-RateLimit-Remaining": "0"}
    )
    world.github.fail("POST", r"/comments$", 429)
    with serving(create_app(world.settings())) as web:
        deliver(web, "pull_request", world.event("pull_request.opened", 2), "r-1")
        work(world)
    (run,) = world.github.runs_for(REPOSITORY, head)
    assert run["conclusion"] == "action_required"
    assert len(world.github.comments_on(REPOSITORY, 2)) == 1
    assert world.github.faults == []  # every fault was met, and waited out


def test_a_github_that_stays_down_fails_the_attempt_and_the_queue_retries_later(world: World):
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    world.open_pull_request(2, "fix")
    world.github.fail("GET", r"/pulls/2$", *([503] * 20))
    with serving(create_app(world.settings())) as web:
        deliver(web, "pull_request", world.event("pull_request.opened", 2), "r-1")
        work(world)
    ((status, attempts, scheduled),) = rows(
        world.database,
        "SELECT status, attempts, scheduled_at IS NOT NULL FROM procrastinate_jobs "
        "WHERE task_name = 'evaluate_pull_request'",
    )
    assert (status, attempts, scheduled) == ("todo", 1, True)  # back in the queue, with backoff


@pytest.mark.slow
def test_the_same_delivery_at_two_replicas_at_once_is_recorded_and_queued_once(
    world: World, tmp_path
):
    env = world.environment()
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    world.open_pull_request(2, "fix")
    body = json.dumps(world.event("pull_request.opened", 2)).encode()
    headers = {
        "X-GitHub-Event": "pull_request",
        "X-GitHub-Delivery": "dup-1",
        "X-Hub-Signature-256": sign(SECRET, body),
    }
    with web_process(env, tmp_path) as one, web_process(env, tmp_path) as two:
        targets = [one, two] * 10
        with ThreadPoolExecutor(max_workers=20) as pool:
            answers = list(
                pool.map(
                    lambda url: httpx.post(f"{url}/webhooks/github", content=body, headers=headers),
                    targets,
                )
            )
    assert sorted({a.status_code for a in answers}) == [200, 202]
    assert sum(a.status_code == 202 for a in answers) == 1
    assert rows(world.database, "SELECT count(*) FROM countersign_deliveries") == [(1,)]
    assert rows(world.database, "SELECT count(*) FROM procrastinate_jobs") == [(1,)]


def test_reconcile_decides_a_pull_request_whose_webhook_never_arrived(world: World):
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    head = world.open_pull_request(2, "fix")["head"]["sha"]
    world.github.installations[4242] = [{"id": 186853002, "full_name": REPOSITORY}]
    jobs = open_jobs(world.settings(), backoff=0.01, max_wait=1)
    try:
        jobs.sync_installation(4242)
        jobs.reconcile()
    finally:
        jobs.conn.close()
        jobs.github.close()
    work(world)
    (run,) = world.github.runs_for(REPOSITORY, head)
    assert run["conclusion"] == "action_required"
    # A second reconcile finds the decision current and queues nothing.
    jobs = open_jobs(world.settings())
    try:
        assert jobs.reconcile_repository(REPOSITORY, 4242).status == "queued 0"
    finally:
        jobs.conn.close()
        jobs.github.close()


def queue_state(world: World) -> str:
    """The jobs and workers as the database has them, for a failure message."""
    jobs = rows(
        world.database,
        "SELECT id, task_name, status, lock, attempts, worker_id, scheduled_at "
        "FROM procrastinate_jobs ORDER BY id",
    )
    workers = rows(world.database, "SELECT id, now() - last_heartbeat FROM procrastinate_workers")
    return f"jobs: {jobs}\nworkers: {workers}"


def second_decision_by_a_live_worker(world: World, worker: Process, head: str) -> None:
    """The worker that met the database's trouble decides ``head`` itself (it did not end),
    and no job is left holding a pull request's lock."""
    try:
        wait_until(
            "the second decision",
            lambda: world.github.runs_for(REPOSITORY, head) or worker.popen.poll() is not None,
            timeout=90,
        )
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{queue_state(world)}\n{worker.output()[-8000:]}") from None
    assert worker.popen.poll() is None, f"the worker ended:\n{worker.output()[-3000:]}"
    wait_until(
        "no job left doing",
        lambda: (
            rows(
                world.database,
                "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('doing', 'todo') "
                "AND task_name = 'evaluate_pull_request'",
            )
            == [(0,)]
        ),
    )


@pytest.mark.slow
def test_the_service_survives_the_database_dropping_every_connection(world: World, tmp_path):
    """What a PostgreSQL restart does to its clients (the shared test server itself cannot be
    restarted): every connection of the web process and the worker is terminated; deliveries
    and decisions carry on, no decision lost."""
    name = f"cs-test-{tmp_path.name[-20:]}"
    env = {**world.environment(), "PGAPPNAME": name}
    world.commit_on_branch("one", {"one.py": "print(1)\n"}, "One")
    first = world.open_pull_request(2, "one")["head"]["sha"]
    world.git("checkout", "-q", "master")
    world.commit_on_branch("two", {"two.py": "print(2)\n"}, "Two")
    second = world.open_pull_request(3, "two")["head"]["sha"]
    with web_process(env, tmp_path) as web, worker_process(env, tmp_path) as worker:
        deliver(web, "pull_request", world.event("pull_request.opened", 2), "db-1")
        wait_until("the first decision", lambda: world.github.runs_for(REPOSITORY, first))
        killed = rows(
            world.database,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            (name,),
        )
        assert killed, "the service's connections were found and terminated"

        def delivered() -> bool:
            try:
                answer = deliver(web, "pull_request", world.event("pull_request.opened", 3), "db-2")
            except httpx.HTTPError:
                return False
            return answer.status_code in (200, 202)

        wait_until("the web process accepts deliveries again", delivered)
        # The heartbeat meeting a dropped connection used to end the worker process here.
        second_decision_by_a_live_worker(world, worker, second)
    assert len(world.github.runs_for(REPOSITORY, first)) == 1
    assert rows(world.database, "SELECT count(*) FROM countersign_decisions") == [(2,)]


# Inside PostgreSQL, the backend that writes a job's end ends its own connection, once: what a
# restart or failover does to the one statement it lands on, at exactly that statement.
DROP_AT_THE_END_OF_A_JOB = """
CREATE SEQUENCE cs_drops;
CREATE FUNCTION cs_drop() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('application_name') = %(name)s AND nextval('cs_drops') = 1 THEN
    PERFORM pg_terminate_backend(pg_backend_pid());
    PERFORM pg_sleep(5);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER cs_drop AFTER UPDATE OF status ON procrastinate_jobs
FOR EACH ROW WHEN (NEW.status = 'succeeded' AND NEW.task_name = 'evaluate_pull_request')
EXECUTE FUNCTION cs_drop();
"""


@pytest.mark.slow
def test_a_job_whose_end_meets_a_dropped_connection_does_not_hold_its_pull_request(
    world: World, tmp_path
):
    """The first job's end is written on a connection the database ends at that statement (the
    pool checked it alive just before): the job must not stay 'doing' under its live worker,
    holding the pull request's lock; the push that follows is decided."""
    import psycopg

    name = f"cs-end-{tmp_path.name[-20:]}"
    env = {**world.environment(), "PGAPPNAME": name}
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    first = world.open_pull_request(2, "fix")["head"]["sha"]
    with psycopg.connect(world.database, autocommit=True) as conn:
        conn.execute(DROP_AT_THE_END_OF_A_JOB.replace("%(name)s", f"'{name}'"))
    with web_process(world.environment(), tmp_path) as web, worker_process(env, tmp_path) as worker:
        deliver(web, "pull_request", world.event("pull_request.opened", 2), "end-1")
        wait_until("the first decision", lambda: world.github.runs_for(REPOSITORY, first))
        second = world.commit_on_branch("fix", {"app.py": "print('hello')\n"}, "Greet")
        world.push(2, "fix")
        deliver(web, "pull_request", world.event("pull_request.synchronize", 2), "end-2")
        second_decision_by_a_live_worker(world, worker, second)
    (dropped,) = rows(world.database, "SELECT last_value FROM cs_drops")
    assert dropped[0] >= 1  # the first end written met the dropped connection
    assert evaluations(world) == [("succeeded",), ("succeeded",)]
    assert len(world.github.runs_for(REPOSITORY, first)) == 1


@pytest.mark.slow
def test_the_service_survives_the_database_restarting(tmp_path):
    """The database server itself stopped (every connection ended, new ones refused while it
    is down) and started again, on a server of the test's own: a delivery that arrives while
    it is down is refused with 503 and nothing recorded, GitHub's redelivery of it (the same
    id) is then accepted and decided, and the worker carries on; no decision lost or doubled."""
    with private_postgres() as server:
        upgrade(server.url)
        key_path, public = app_keys(tmp_path)
        github = FakeGitHub(app_id=APP_ID, public_key=public)
        with serving(github.app()) as api:
            world = World(tmp_path / "world", server.url, key_path, github, api_url=api)
            world.create_repository()
            world.commit_on_branch("one", {"one.py": "print(1)\n"}, "One")
            first = world.open_pull_request(2, "one")["head"]["sha"]
            world.git("checkout", "-q", "master")
            world.commit_on_branch("two", {"two.py": "print(2)\n"}, "Two")
            second = world.open_pull_request(3, "two")["head"]["sha"]
            env = world.environment()
            with web_process(env, tmp_path) as web, worker_process(env, tmp_path) as worker:
                deliver(web, "pull_request", world.event("pull_request.opened", 2), "rs-1")
                wait_until("the first decision", lambda: world.github.runs_for(REPOSITORY, first))
                server.stop()
                refused = deliver(
                    web, "pull_request", world.event("pull_request.opened", 3), "rs-2", timeout=30
                )
                assert refused.status_code == 503, refused.text
                assert refused.json() == {
                    "ok": False,
                    "error": "database unavailable: not recorded",
                }
                server.start()

                def redelivered() -> bool:
                    answer = deliver(
                        web,
                        "pull_request",
                        world.event("pull_request.opened", 3),
                        "rs-2",
                        timeout=30,
                    )
                    return answer.status_code == 202

                wait_until("the redelivery is accepted", redelivered)
                second_decision_by_a_live_worker(world, worker, second)
            assert len(world.github.runs_for(REPOSITORY, first)) == 1
            assert len(world.github.runs_for(REPOSITORY, second)) == 1
            assert rows(world.database, "SELECT count(*) FROM countersign_decisions") == [(2,)]
            assert rows(world.database, "SELECT count(*) FROM countersign_deliveries") == [(2,)]
        assert github.violations == []


def test_a_policy_change_on_the_base_branch_makes_reconcile_decide_again(world: World):
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    head = world.open_pull_request(2, "fix")["head"]["sha"]
    world.github.installations[4242] = [{"id": 186853002, "full_name": REPOSITORY}]
    jobs = open_jobs(world.settings(), backoff=0.01, max_wait=1)
    try:
        jobs.sync_installation(4242)
        jobs.reconcile()
        work(world)
        assert jobs.reconcile_repository(REPOSITORY, 4242).status == "queued 0"
        # The roster changes on master (the API's base.sha for the pull request does not move).
        world.git("checkout", "-q", "master")
        world.commit_on_branch("master", {"CHANGELOG.md": "x\n"}, "Unrelated", ai=False)
        world.git("push", "-q", str(world.remote), "master")
        assert jobs.reconcile_repository(REPOSITORY, 4242).status == "queued 1"
    finally:
        jobs.conn.close()
        jobs.github.close()
    work(world)
    (run,) = world.github.runs_for(REPOSITORY, head)
    assert run["updates"] == 1


def test_a_ledger_that_cannot_be_reached_fails_the_job_instead_of_publishing_not_analysed(
    world: World,
):
    """The ledger's database refusing connections (down, restarting) says nothing about the
    head: the job fails and the queue tries it again, instead of a check run saying the head
    could not be analysed. Here the service's own connection works and the ledger's URL
    points at a port where nothing listens."""
    import dataclasses

    from loopback import free_port

    from countersign.errors import LedgerUnavailable

    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    head = world.open_pull_request(2, "fix")["head"]["sha"]
    jobs = open_jobs(world.settings(), backoff=0.01, max_wait=1)
    try:
        unreachable = world.database.replace("127.0.0.1:5432", f"127.0.0.1:{free_port()}")
        jobs.settings = dataclasses.replace(jobs.settings, database_url=unreachable)
        with pytest.raises(LedgerUnavailable):
            jobs.evaluate_pull_request(REPOSITORY, 4242, 2)
    finally:
        jobs.conn.close()
        jobs.github.close()
    assert world.github.runs_for(REPOSITORY, head) == []


@pytest.mark.slow
def test_a_worker_whose_database_stays_down_past_the_pools_wait_reaches_it_once_it_is_up(
    tmp_path,
):
    """The database goes down under a running worker and stays down for longer than a new
    pool waits to open (30 s): the worker keeps starting again and decides once the database
    is back. procrastinate kept the pool it could not open, closed, and the next attempt
    failed on it at once (PoolClosed) before one opened a new pool; now that attempt opens a
    new pool itself."""
    with private_postgres() as server:
        upgrade(server.url)
        key_path, public = app_keys(tmp_path)
        github = FakeGitHub(app_id=APP_ID, public_key=public)
        with serving(github.app()) as api:
            world = World(tmp_path / "world", server.url, key_path, github, api_url=api)
            world.create_repository()
            world.commit_on_branch("one", {"one.py": "print(1)\n"}, "One")
            head = world.open_pull_request(2, "one")["head"]["sha"]
            env = world.environment()
            with worker_process(env, tmp_path) as worker:
                restarts = "the worker starts again"
                wait_until(
                    "the worker is running",
                    lambda: (
                        rows(server.url, "SELECT count(*) FROM procrastinate_workers") != [(0,)]
                    ),
                )
                # The reconcile the worker defers as it starts has ended and its end is written:
                # a job's end is written until it lands, so a database stopped in the middle of
                # that write would hold the worker there, not restarting, until it is back.
                wait_until(
                    "the starting reconcile has ended",
                    lambda: (
                        rows(
                            server.url,
                            "SELECT count(*) FILTER (WHERE status IN ('todo', 'doing')),"
                            " count(*) FILTER (WHERE status = 'succeeded') FROM procrastinate_jobs",
                        )
                        == [(0, 1)]
                    ),
                )
                server.stop()
                # The first restart meets the dropped connections, the second the pool that
                # could not open in 30 s.
                wait_until(
                    "a pool that could not open",
                    lambda: worker.output().count(restarts) >= 2,
                    timeout=120,
                )
                server.start()
                with web_process(env, tmp_path) as web:
                    opened = world.event("pull_request.opened", 2)
                    answer = deliver(web, "pull_request", opened, "d-1")
                    assert answer.status_code == 202, answer.text
                    wait_until(
                        "the decision by the worker that lost its database",
                        lambda: world.github.runs_for(REPOSITORY, head),
                        timeout=120,
                    )
                assert worker.popen.poll() is None
                assert "PoolClosed" not in worker.output()
        assert github.violations == []


def paused_past_its_heartbeats(world: World, worker: Process) -> int:
    """SIGSTOP ``worker`` once its job is running: what a long pause (a frozen VM, a starved
    process) looks like to the queue. Its connections stay open, its heartbeats stop. The
    worker's id in the queue."""
    wait_until("the job is running", lambda: evaluations(world) == [("doing",)])
    ((worker_id,),) = rows(
        world.database,
        "SELECT worker_id FROM procrastinate_jobs WHERE task_name = 'evaluate_pull_request'",
    )
    worker.popen.send_signal(signal.SIGSTOP)
    wait_until(
        "the worker's heartbeats are late",
        lambda: (
            rows(
                world.database,
                "SELECT count(*) FROM procrastinate_workers "
                "WHERE last_heartbeat < now() - interval '3 seconds'",
            )
            == [(1,)]
        ),
    )
    return int(worker_id)


@pytest.mark.slow
def test_a_paused_worker_taken_for_dead_keeps_its_job_and_it_is_decided_once(
    world: World, tmp_path
):
    """A worker paused past its heartbeats while its job waits on GitHub: the worker started
    next deletes it from procrastinate's workers as stalled, and the job, left without a
    worker, would be queued again and run beside the first run. The run still holds its lock
    (its connection is open), so the job stays with the paused worker, which finishes it."""
    env = world.environment()
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    head = world.open_pull_request(2, "fix")["head"]["sha"]
    world.github.stall("GET", r"/pulls/2$", seconds=6)
    with web_process(env, tmp_path) as web, worker_process(env, tmp_path, "paused") as paused:
        deliver(web, "pull_request", world.event("pull_request.opened", 2), "pause-1")
        paused_id = paused_past_its_heartbeats(world, paused)
        with worker_process(env, tmp_path, "next") as other:

            def job_worker() -> list[tuple[object, ...]]:
                return rows(
                    world.database,
                    "SELECT status, worker_id FROM procrastinate_jobs "
                    "WHERE task_name = 'evaluate_pull_request'",
                )

            try:
                # Pruned as stalled, at the next worker's start: the job has no worker; then
                # that worker's recovery either leaves it (its run holds the lock) or queues
                # it again.
                wait_until(
                    "the paused worker is pruned",
                    lambda: (
                        rows(
                            world.database,
                            "SELECT count(*) FROM procrastinate_workers WHERE id = %s",
                            (paused_id,),
                        )
                        == [(0,)]
                    ),
                )
                wait_until(
                    "the next worker looked",
                    lambda: "left to it" in other.output() or job_worker() != [("doing", None)],
                )
            finally:
                paused.popen.send_signal(signal.SIGCONT)
            wait_until("the job is finished", lambda: evaluations(world) == [("succeeded",)])
        # The worker taken for dead carries on alone (its row in the queue was deleted).
        second = world.commit_on_branch("fix", {"app.py": "print('hello')\n"}, "Greet")
        world.push(2, "fix")
        deliver(web, "pull_request", world.event("pull_request.synchronize", 2), "pause-2")
        second_decision_by_a_live_worker(world, paused, second)
    reads = [r for r in world.github.requests if r[:2] == ("GET", f"/repos/{REPOSITORY}/pulls/2")]
    assert len(reads) == 2, "the first head was evaluated more than once"
    (run,) = world.github.runs_for(REPOSITORY, head)
    assert run["updates"] == 0
    (comment,) = world.github.comments_on(REPOSITORY, 2)
    assert comment["edits"] == 1  # by the second head's decision


@pytest.mark.slow
def test_a_job_queued_again_while_its_first_run_is_paused_waits_for_that_run(
    world: World, tmp_path
):
    """The same job queued again while its first run is paused (as procrastinate's own
    recovery of stalled jobs does, without looking at the run's lock): the second worker takes
    it, and its run waits for the first to end, then finds the decision made. One check run and
    one comment, neither written twice."""
    env = world.environment()
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    head = world.open_pull_request(2, "fix")["head"]["sha"]
    world.github.stall("GET", r"/pulls/2$", seconds=6)
    with web_process(env, tmp_path) as web, worker_process(env, tmp_path, "paused") as paused:
        deliver(web, "pull_request", world.event("pull_request.opened", 2), "again-1")
        paused_past_its_heartbeats(world, paused)
        try:
            rows(
                world.database,
                "UPDATE procrastinate_jobs SET status = 'todo', worker_id = NULL "
                "WHERE status = 'doing' AND task_name = 'evaluate_pull_request' RETURNING id",
            )
            with worker_process(env, tmp_path, "second"):
                wait_until(
                    "the second worker took the job",
                    lambda: (
                        rows(
                            world.database,
                            "SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing' "
                            "AND worker_id IS NOT NULL AND task_name = 'evaluate_pull_request'",
                        )
                        == [(1,)]
                    ),
                )
                paused.popen.send_signal(signal.SIGCONT)
                wait_until("the job is finished", lambda: evaluations(world) == [("succeeded",)])
        finally:
            paused.popen.send_signal(signal.SIGCONT)
    requests = world.github.requests
    reads = [i for i, r in enumerate(requests) if r[:2] == ("GET", f"/repos/{REPOSITORY}/pulls/2")]
    writes = [
        i
        for i, r in enumerate(requests)
        if r[0] in ("POST", "PATCH") and r[1].startswith(f"/repos/{REPOSITORY}/")
    ]
    assert len(reads) == 2  # the job ran twice ...
    assert len(writes) == 2  # ... the check run and the comment written by the first run ...
    assert max(writes) < reads[1]  # ... before the second began
    (run,) = world.github.runs_for(REPOSITORY, head)
    assert run["updates"] == 0
    (comment,) = world.github.comments_on(REPOSITORY, 2)
    assert comment["edits"] == 0


def the_run_holding(world: World, key: str) -> list[tuple[object, ...]]:
    """The backends holding ``key``'s run lock (``job_manager.EXCLUSIVE``)."""
    return rows(
        world.database,
        "SELECT l.pid FROM pg_locks l, "
        "(SELECT hashtextextended('countersign-job:' || coalesce(current_schema(), '') || ':' || %s, 0)"
        " AS k) AS key "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
        "AND l.classid::bigint = (key.k >> 32) & 4294967295 "
        "AND l.objid::bigint = key.k & 4294967295",
        (key,),
    )


def test_a_run_whose_connection_dropped_writes_nothing_more_to_github_or_the_ledger(
    world: World, tmp_path
):
    """The run's own connection is ended under it (its lock with it) and another run takes the
    pull request: the first run's next GitHub write and its next ledger write, on a ledger
    connection that is still open, are refused with ``LockLost``, and nothing is written."""
    import psycopg

    from countersign.service.events import pr_lock
    from countersign.service.fence import LockLost
    from countersign.service.job_manager import EXCLUSIVE
    from countersign.service.ledgers import create_schema, ledger_url
    from countersign.signoff.ledger import open_ledger

    settings = world.settings()
    key = pr_lock(REPOSITORY, 2)
    with psycopg.connect(world.database, autocommit=True) as setup:
        create_schema(setup, world.database, REPOSITORY_ID)
    ledger = open_ledger(ledger_url(world.database, REPOSITORY_ID), tmp_path / "state")
    ledger.append("note", {"text": "before the run"})  # its connection is open from here on
    jobs = open_jobs(settings, backoff=0.01, max_wait=1)
    second = psycopg.connect(world.database, autocommit=True)
    try:
        with jobs.exclusive(key):
            ledger.append("note", {"text": "while the run holds its lock"})
            (run,) = the_run_holding(world, key)
            rows(world.database, "SELECT pg_terminate_backend(%s)", run)
            second.execute(EXCLUSIVE, (key,))  # the second run begins
            with pytest.raises(LockLost):
                ledger.append("note", {"text": "after the lock was lost"})
            with pytest.raises(LockLost):
                jobs.github.call(
                    "POST",
                    f"/repos/{REPOSITORY}/issues/2/comments",
                    4242,
                    body={"body": "written by a run that lost its lock"},
                )
    finally:
        second.close()
        jobs.conn.close()
        jobs.github.close()
    assert [e["text"] for e in ledger.entries("note")] == [
        "before the run",
        "while the run holds its lock",
    ]
    assert world.github.comments_on(REPOSITORY, 2) == []


def test_a_run_that_holds_its_lock_on_a_live_connection_writes(world: World):
    """The fence refuses only a run that lost its lock: one that holds it writes as before,
    and a ledger written outside any run (the CLI, the web process) is not fenced."""
    from countersign.service.events import pr_lock

    jobs = open_jobs(world.settings(), backoff=0.01, max_wait=1)
    try:
        with jobs.exclusive(pr_lock(REPOSITORY, 2)):
            jobs.github.call(
                "POST", f"/repos/{REPOSITORY}/issues/2/comments", 4242, body={"body": "held"}
            )
    finally:
        jobs.conn.close()
        jobs.github.close()
    assert [c["body"] for c in world.github.comments_on(REPOSITORY, 2)] == ["held"]


@pytest.mark.slow
def test_a_worker_whose_run_lost_its_lock_mid_command_records_nothing_and_the_retry_does(
    world: World, tmp_path
):
    """A worker process runs a ``/countersign record`` command; while GitHub holds the +1's
    answer, the database ends the run's connection and another run takes the pull request.
    The run then writes the command's ledger entry on its ledger connection, which is still
    open: refused (LockLost), nothing recorded while the other holds the lock. Once it lets
    go, the retry records the command once, the change record not twice."""
    import psycopg

    from countersign.service.events import pr_lock
    from countersign.service.job_manager import EXCLUSIVE

    env = world.environment()
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    world.open_pull_request(2, "fix")
    key = pr_lock(REPOSITORY, 2)
    posted = world.github.add_comment(
        REPOSITORY, 2, '/countersign record --summary "Hi"', "alice-gh"
    )
    payload = world.event("issue_comment.created", 2)
    payload["issue"]["number"] = 2
    payload["issue"]["pull_request"] = {"url": f"https://api.github.com/repos/{REPOSITORY}/pulls/2"}
    payload["comment"].update(id=posted["id"], body='/countersign record --summary "Hi"')
    payload["comment"]["user"]["login"] = "alice-gh"
    world.github.stall("POST", r"/reactions$", seconds=8)
    second = psycopg.connect(world.database, autocommit=True)
    try:
        with web_process(env, tmp_path) as web, worker_process(env, tmp_path):
            deliver(web, "issue_comment", payload, "lost-1")
            wait_until("the +1 is posted", lambda: world.github.reactions)
            (run,) = the_run_holding(world, key)
            rows(world.database, "SELECT pg_terminate_backend(%s)", run)
            second.execute(EXCLUSIVE, (key,))
            wait_until(
                "the run failed, to be retried",
                lambda: (
                    rows(
                        world.database,
                        "SELECT attempts FROM procrastinate_jobs WHERE task_name = 'run_command'",
                    )
                    == [(1,)]
                ),
                timeout=90,
            )
            assert command_entries(world) == (0, 1)
            second.close()
            rows(
                world.database,
                "UPDATE procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo' "
                "RETURNING id",
            )
            wait_until(
                "the retry recorded the command",
                lambda: command_entries(world) == (1, 1),
                timeout=90,
            )
    finally:
        second.close()
    assert world.github.reactions == [(posted["id"], "+1")]


def command_entries(world: World) -> tuple[int, int]:
    """How many comment-command and change-record entries the repository's ledger holds."""
    from countersign.service.ledgers import ledger_schema

    table = f"{ledger_schema(world.database, REPOSITORY_ID)}.countersign_entries"
    query = f"SELECT kind FROM {table}"  # noqa: S608 - our own schema
    kinds = [k for (k,) in rows(world.database, query)]
    return kinds.count("comment-command"), kinds.count("change-record")
