"""Per-installation mirrors as partial clones (``COUNTERSIGN_GIT_FILTER``, ``blob:none`` by
default) of a repository served over git's own protocol by ``git daemon`` on loopback, configured
as GitHub is (filters allowed, any object wanted by id): commits and trees come, and of the
blobs only those an evaluation reads, in one batch; the history's other blobs never do. An
evaluation never needs git to fetch lazily: with the server gone after the fetch, it still
reads everything it needs."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from loopback import free_port
from service_world import REPOSITORY, REPOSITORY_ID, World

from countersign.errors import UsageError
from countersign.service import mirror
from countersign.service.evaluation import judge_opened, open_head
from countersign.service.settings import git_filter_from
from countersign.service.worker import open_jobs

pytestmark = pytest.mark.postgres
INSTALLATION = 4242


@contextmanager
def git_daemon(base: Path) -> Iterator[str]:
    """``git daemon`` serving the bare repositories under ``base``; the URL template."""
    port = free_port()
    proc = subprocess.Popen(
        ["git", "daemon", "--listen=127.0.0.1", f"--port={port}", "--reuseaddr",
         "--export-all", "--informative-errors", f"--base-path={base}", str(base)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"git://127.0.0.1:{port}/{{repository}}.git"
    try:
        deadline = time.monotonic() + 20
        probe = ["git", "ls-remote", url.replace("{repository}", REPOSITORY)]
        while subprocess.run(probe, capture_output=True, check=False).returncode != 0:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("git daemon did not start")
            time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def serve_like_github(world: World) -> None:
    for key in ("uploadpack.allowFilter", "uploadpack.allowAnySHA1InWant"):
        world.git("config", key, "true", cwd=world.remote)


def missing(where: Path) -> set[str]:
    """The objects a partial mirror lacks, of everything its refs reach."""
    out = subprocess.run(
        ["git", "-C", str(where), "rev-list", "--objects", "--missing=print", "--all"],
        capture_output=True,
        check=True,
    )
    return {line[1:] for line in out.stdout.decode().splitlines() if line.startswith("?")}


def blob_at(world: World, rev: str, path: str) -> str:
    return world.git("rev-parse", f"{rev}:{path}")


def history_with_an_old_blob(world: World) -> tuple[str, str]:
    """master with a large file that a later commit replaced, and a pull request branched
    before master changed the file it edits: its diff reads that file at the merge base,
    which is neither the base's nor the head's blob. (old blob, merge base's blob)"""
    world.git("checkout", "-q", "master")
    world.commit_on_branch("master", {"data.bin": "x" * 200_000 + "\n"}, "Big", ai=False)
    old = blob_at(world, "master", "data.bin")
    world.commit_on_branch(
        "master", {"data.bin": "small\n", "app.py": "v = 1\n"}, "Small", ai=False
    )
    world.git("push", "-q", str(world.remote), "master")
    merge_base = blob_at(world, "master", "app.py")
    world.commit_on_branch("fix", {"app.py": "v = 2\n"}, "Fix")
    world.git("checkout", "-q", "master")
    world.commit_on_branch("master", {"app.py": "v = 3\nw = 0\n"}, "Master moves on", ai=False)
    world.git("push", "-q", str(world.remote), "master")
    world.open_pull_request(2, "fix")
    return old, merge_base


def test_a_partial_mirror_fetches_the_blobs_an_evaluation_reads_and_no_history(world: World):
    serve_like_github(world)
    old, merge_base = history_with_an_old_blob(world)
    with git_daemon(world.root / "remotes") as url:
        jobs = open_jobs(world.settings(git_url=url), backoff=0.01, max_wait=1)
        try:
            pr = world.github.pulls[(REPOSITORY, 2)]
            head = str(pr["head"]["sha"])
            where, base = jobs.fetch_head(REPOSITORY, INSTALLATION, pr, head)
            ledger = jobs.ledger(REPOSITORY_ID)
        finally:
            jobs.conn.close()
            jobs.github.close()
    # The server is gone: whatever the evaluation reads must be in the mirror already.
    assert old in missing(where)
    assert merge_base not in missing(where)
    opened = open_head(where, base=base, head=head, ledger=ledger, state=world.root / "st")
    change = opened.change.files[0]
    assert (change.path, change.old_text, change.new_text) == ("app.py", "v = 1\n", "v = 2\n")
    assert judge_opened(opened, base).evaluation.verdict is not None
    config = (where / "config").read_text()
    assert "promisor = true" in config
    assert "partialCloneFilter = blob:none" in config


def test_a_whole_mirror_has_every_blob(world: World):
    serve_like_github(world)
    history_with_an_old_blob(world)
    with git_daemon(world.root / "remotes") as url:
        jobs = open_jobs(world.settings(git_url=url, git_filter=""), backoff=0.01, max_wait=1)
        try:
            pr = world.github.pulls[(REPOSITORY, 2)]
            where, _ = jobs.fetch_head(REPOSITORY, INSTALLATION, pr, str(pr["head"]["sha"]))
        finally:
            jobs.conn.close()
            jobs.github.close()
    assert missing(where) == set()
    assert "promisor" not in (where / "config").read_text()


def test_a_partial_mirror_follows_a_new_remote_url(world: World):
    """The remote a partial mirror fetches from is the configured one, also after the URL
    changes (a new git host, the tests' loopback port)."""
    serve_like_github(world)
    history_with_an_old_blob(world)
    pr = world.github.pulls[(REPOSITORY, 2)]
    head = str(pr["head"]["sha"])
    where = None
    for _ in range(2):
        with git_daemon(world.root / "remotes") as url:
            jobs = open_jobs(world.settings(git_url=url), backoff=0.01, max_wait=1)
            try:
                where, _ = jobs.fetch_head(REPOSITORY, INSTALLATION, pr, head)
            finally:
                jobs.conn.close()
                jobs.github.close()
        assert where is not None
        stored = subprocess.run(
            ["git", "-C", str(where), "config", "remote.origin.url"],
            capture_output=True,
            check=True,
        )
        assert stored.stdout.decode().strip() == mirror.remote_url(url, REPOSITORY)


def test_an_evaluation_through_the_worker_on_a_partial_mirror(world: World):
    """The whole job, on the fake GitHub: the check run is posted from a partial mirror."""
    serve_like_github(world)
    history_with_an_old_blob(world)
    with git_daemon(world.root / "remotes") as url:
        jobs = open_jobs(world.settings(git_url=url), backoff=0.01, max_wait=1)
        try:
            outcome = jobs.evaluate_pull_request(REPOSITORY, INSTALLATION, 2)
        finally:
            jobs.conn.close()
            jobs.github.close()
    assert outcome.status == "decided"
    (run,) = world.github.runs_for(REPOSITORY, outcome.head)
    assert "could not" not in json.dumps(run).lower()
    assert run["conclusion"] == "action_required"  # an agent's change, no approval yet


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "blob:none"),
        ("blob:none", "blob:none"),
        ("none", ""),
        ("blob:limit=1m", "blob:limit=1m"),
    ],
)
def test_the_filter_setting(value: str, expected: str):
    env = {"COUNTERSIGN_GIT_FILTER": value} if value else {}
    assert git_filter_from(env) == expected


@pytest.mark.parametrize("value", ["tree:0", "blob:none --upload-pack=evil", "sparse:oid=x"])
def test_a_filter_that_would_break_reads_or_inject_is_refused(value: str):
    with pytest.raises(UsageError):
        git_filter_from({"COUNTERSIGN_GIT_FILTER": value})


def test_a_ref_is_read_from_the_mirror_loose_or_packed_and_a_symbolic_one_is_not(world: World):
    where = world.root / "mirror.git"
    mirror.fetch(where, str(world.remote), ["+refs/heads/master:refs/heads/master"])
    tip = mirror.resolve(where, "refs/heads/master")
    assert mirror.read_ref(where, "refs/heads/master") == tip
    subprocess.run(["git", "-C", str(where), "pack-refs", "--all"], check=True)
    assert not (where / "refs" / "heads" / "master").exists()
    assert mirror.read_ref(where, "refs/heads/master") == tip
    subprocess.run(
        ["git", "-C", str(where), "symbolic-ref", "refs/heads/alias", "refs/heads/master"],
        check=True,
    )
    assert mirror.read_ref(where, "refs/heads/alias") is None
    assert mirror.read_ref(where, "refs/pull/9/head") is None


def test_the_refs_under_a_name_are_read_from_the_files_as_git_lists_them(world: World, monkeypatch):
    """Loose, packed, both (the loose one is current), under the name or the name itself; a
    name that only starts the same is not under it. No git process: every evaluation reads
    the published checkpoints."""
    where = world.root / "mirror.git"
    mirror.fetch(where, str(world.remote), ["+refs/heads/master:refs/heads/master"])
    tip = mirror.resolve(where, "refs/heads/master")
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix")
    world.git("push", "-q", str(world.remote), "fix")
    mirror.fetch(where, str(world.remote), ["+refs/heads/fix:refs/heads/fix"])
    fix = mirror.resolve(where, "refs/heads/fix")

    def update(ref: str, sha: str) -> None:
        subprocess.run(["git", "-C", str(where), "update-ref", ref, sha], check=True)

    update("refs/heads/cs/a", tip)
    update("refs/heads/cs/d", tip)
    update("refs/heads/csx", tip)
    subprocess.run(["git", "-C", str(where), "pack-refs", "--all"], check=True)
    update("refs/heads/cs/a", fix)  # loose again, over the packed one
    update("refs/heads/cs/b/c", fix)
    for prefix in ("refs/heads/cs", "refs/heads/cs/a", "refs/heads/master"):
        listed = subprocess.run(
            ["git", "-C", str(where), "for-each-ref", "--format=%(objectname) %(refname)",
             prefix],
            capture_output=True, check=True,
        ).stdout.decode().split("\n")  # fmt: skip
        expected = [tuple(line.split(" ", 1)) for line in listed if line]
        assert mirror.refs(where, prefix) == expected, prefix
    assert mirror.refs(where, "refs/heads/cs") == [
        (fix, "refs/heads/cs/a"),
        (fix, "refs/heads/cs/b/c"),
        (tip, "refs/heads/cs/d"),
    ]
    monkeypatch.setenv("PATH", "")  # no git to start
    assert [n for _, n in mirror.refs(where, "refs/heads/cs")] == [
        "refs/heads/cs/a",
        "refs/heads/cs/b/c",
        "refs/heads/cs/d",
    ]
    assert mirror.refs(where, "refs/heads/nothing") == []


def test_the_fetch_of_a_branch_is_remembered_and_a_broken_note_is_no_fetch_at_all(tmp_path):
    assert mirror.fetched_at(tmp_path, "refs/heads/master") is None
    mirror.record_fetched(tmp_path, "refs/heads/master", "2026-12-02T03:00:00+00:00")
    mirror.record_fetched(tmp_path, "refs/heads/release", "2026-12-02T03:00:01+00:00")
    assert mirror.fetched_at(tmp_path, "refs/heads/master") == "2026-12-02T03:00:00+00:00"
    (tmp_path / mirror.FETCHED_FILE).write_text("[not what it wrote")
    assert mirror.fetched_at(tmp_path, "refs/heads/master") is None  # so: fetched again


@pytest.mark.parametrize("value", ["-1", "soon", "nan", "86400"])
def test_a_freshness_window_that_is_not_a_number_of_seconds_is_refused(value: str):
    from countersign.service.settings import MIRROR_FRESH, seconds_from

    with pytest.raises(UsageError) as refused:
        seconds_from({MIRROR_FRESH: value}, MIRROR_FRESH, 30.0)
    assert str(refused.value) == (
        f"COUNTERSIGN_MIRROR_FRESH_S must be a number of seconds from 0 to 3600, not {value!r}"
    )


def test_the_freshness_window_defaults_to_thirty_seconds_and_zero_turns_it_off():
    from countersign.service.settings import MIRROR_FRESH, seconds_from

    assert seconds_from({}, MIRROR_FRESH, 30.0) == 30.0
    assert seconds_from({MIRROR_FRESH: "0"}, MIRROR_FRESH, 30.0) == 0.0


def test_packs_piling_up_in_a_mirror_are_repacked_by_the_next_evaluation(world: World):
    """Every fetch from a partial clone's remote keeps a pack of its own; an evaluation's fetch,
    which skips git's automatic maintenance, runs it once there are more than git's limit."""
    from service_processes import wait_until

    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    world.open_pull_request(2, "fix")
    jobs = open_jobs(world.settings(), backoff=0.01, max_wait=1)
    try:
        jobs.evaluate_pull_request(REPOSITORY, INSTALLATION, 2)
        where = mirror.mirror_path(world.settings().state_dir, INSTALLATION, REPOSITORY)
        for i in range(mirror.PACK_LIMIT + 1):  # a pack each, as fetches of small heads leave
            blob = subprocess.run(
                ["git", "-C", str(where), "hash-object", "-w", "--stdin"],
                input=f"object {i}\n".encode(), capture_output=True, check=True,
            ).stdout  # fmt: skip
            subprocess.run(
                ["git", "-C", str(where), "pack-objects", "-q", str(where / "objects/pack/pack")],
                input=blob, capture_output=True, check=True,
            )  # fmt: skip
        assert mirror.needs_maintenance(where)
        jobs.evaluate_pull_request(REPOSITORY, INSTALLATION, 2)
        # git repacks in the background: wait for it (bounded), not a timing claim.
        wait_until("the mirror repacked", lambda: not mirror.needs_maintenance(where), 60)
        assert jobs.evaluate_pull_request(REPOSITORY, INSTALLATION, 2).status == "unchanged"
    finally:
        jobs.conn.close()
        jobs.github.close()
