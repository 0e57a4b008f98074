"""What one evaluation job costs a worker, in CPU (its own thread and the git processes it
starts), less sensitive to a shared machine's load than wall time.

One repository of --files files on "GitHub" (a bare repository on disk), the fake GitHub on
loopback in this process (its CPU is not counted: only the calling thread's and its children's),
--prs pull requests of one file each. Each pull request is evaluated three times, in this order:
its first evaluation (analysed, check run and comment written), an event that changed nothing
(answered by the decision in place), and a new head pushed (analysed again). Prints the mean
CPU and wall per evaluation of each kind, and the git processes each started. Each runs as a
worker runs a job: holding its pull request's lock, its writes fenced on it.

Run: .venv/bin/python benchmarks/service_evaluation_cpu.py [--files 3000] [--prs 20] [--profile]
Needs PostgreSQL on 127.0.0.1:5432 (database test, trust auth), as the tests do.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))

from fake_github import FakeGitHub  # noqa: E402
from github_service import PG_BASE, drop_schemas  # noqa: E402
from loopback import serving  # noqa: E402
from service_world import APP_ID, World, app_keys  # noqa: E402

from countersign.service.events import pr_lock  # noqa: E402
from countersign.service.migrate import upgrade  # noqa: E402
from countersign.service.settings import DEFAULT_MIRROR_FRESH_S  # noqa: E402
from countersign.service.worker import open_jobs  # noqa: E402
from countersign.signoff import kept_connections  # noqa: E402

INSTALLATION = 4242


class Spawns:
    """Counts the processes this process starts (git, mostly)."""

    def __init__(self) -> None:
        self.count = 0
        self.commands: list[str] = []
        self._original = subprocess.Popen.__init__

    def __enter__(self) -> Self:
        original = self._original
        counter = self

        def counting(popen: Any, *args: Any, **kwargs: Any) -> None:
            counter.count += 1
            counter.commands.append(_command(args[0] if args else kwargs.get("args", ())))
            original(popen, *args, **kwargs)

        subprocess.Popen.__init__ = counting  # type: ignore[method-assign]
        return self

    def __exit__(self, *_: object) -> None:
        subprocess.Popen.__init__ = self._original  # type: ignore[method-assign]


def _command(argv: Any) -> str:
    """A git command line without its global options: the command and what it is given,
    commit ids and paths left out."""
    words = [str(word) for word in argv][1:]
    while words and words[0].startswith("-"):
        words = words[2:] if words[0] in ("-C", "-c") else words[1:]
    shown = [w for w in words[:4] if not (len(w) == 40 or "/" in w)]
    return " ".join(shown)


def children_cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime


def measure(
    name: str, runs: list[Callable[[], Any]], spawns: Spawns, *, commands: bool = False
) -> None:
    own, git, walls, procs = [], [], [], []
    first = len(spawns.commands)
    for run in runs:
        before = (time.thread_time(), children_cpu(), time.perf_counter(), spawns.count)
        run()
        own.append(time.thread_time() - before[0])
        git.append(children_cpu() - before[1])
        walls.append(time.perf_counter() - before[2])
        procs.append(spawns.count - before[3])
    n = len(runs)
    print(
        f"  {name:<28} CPU {(sum(own) + sum(git)) / n * 1000:6.1f} ms "
        f"(Python {sum(own) / n * 1000:5.1f}, git {sum(git) / n * 1000:5.1f})   "
        f"wall {sum(walls) / n * 1000:6.1f} ms   processes {sum(procs) / n:4.1f}   "
        f"({n} evaluations)"
    )
    if commands:
        started = Counter(spawns.commands[first:])
        for command, count in started.most_common():
            print(f"      {count / n:4.1f}  git {command}")


def build(world: World, files: int, prs: int) -> dict[int, str]:
    world.create_repository()
    return world.small_pull_requests(files, prs)


def push_again(world: World, n: int) -> None:
    world.git("checkout", "-q", f"pr-{n}")
    world.commit_on_branch(
        f"pr-{n}", {f"src/pkg{n % 50}/module_{n}.py": f"def f{n}():\n    return {n + 2}\n"}, "More"
    )
    world.push(n, f"pr-{n}")
    world.github.pulls[("Codertocat/Hello-World", n)]["head"]["sha"] = world.pulls[n]["head"]["sha"]
    world.git("checkout", "-q", "master")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--prs", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="cProfile the analysed ones")
    parser.add_argument(
        "--commands", action="store_true", help="the git commands each kind starts, per evaluation"
    )
    parser.add_argument(
        "--own-ledger-connections",
        action="store_true",
        help="each evaluation connects to its ledger anew, as before a worker kept them",
    )
    args = parser.parse_args()
    # A worker keeps each thread's ledger connections from one job to the next (PerThread).
    kept = None if args.own_ledger_connections else kept_connections.keep()
    schema = f"cs_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_BASE, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    url = f"{PG_BASE}?options=-csearch_path%3D{schema}"
    try:
        upgrade(url)
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            key, public = app_keys(tmp)
            github = FakeGitHub(app_id=APP_ID, public_key=public)
            with serving(github.app()) as api:
                world = World(tmp / "world", url, key, github, api_url=api)
                heads = build(world, args.files, args.prs)
                jobs = open_jobs(
                    world.settings(mirror_fresh_s=DEFAULT_MIRROR_FRESH_S), backoff=0.01, max_wait=1
                )
                # The same, fetching for every evaluation (COUNTERSIGN_MIRROR_FRESH_S=0).
                every = open_jobs(world.settings(mirror_fresh_s=0), backoff=0.01, max_wait=1)
                repo = "Codertocat/Hello-World"

                def under_lock(opened: Any, n: int) -> Any:
                    """As a worker runs a job: holding the pull request's lock, its writes
                    fenced on it (``Jobs.exclusive``)."""
                    with opened.exclusive(pr_lock(repo, n)):
                        return opened.evaluate_pull_request(repo, INSTALLATION, n)

                def evaluate(n: int) -> Callable[[], Any]:
                    return lambda: under_lock(jobs, n)

                print(
                    f"evaluation cost: {args.files}-file repository, {len(heads)} pull requests "
                    "of one file each; CPU = the worker thread + the processes it started"
                )
                # The first evaluation of the process warms its caches (imports, the policy).
                under_lock(jobs, 1)
                numbers = list(heads)[1:]
                profiler = cProfile.Profile() if args.profile else None
                with Spawns() as spawns:
                    if profiler:
                        profiler.enable()
                    measure(
                        "first evaluation (analysed)",
                        [evaluate(n) for n in numbers],
                        spawns,
                        commands=args.commands,
                    )
                    if profiler:
                        profiler.disable()
                    measure(
                        "nothing changed (in place)",
                        [evaluate(n) for n in numbers],
                        spawns,
                        commands=args.commands,
                    )
                    measure(
                        "  the same, fetching each",
                        [(lambda n=n: under_lock(every, n)) for n in numbers],
                        spawns,
                    )
                    for n in numbers:
                        push_again(world, n)
                    measure(
                        "new head (analysed)",
                        [evaluate(n) for n in numbers],
                        spawns,
                        commands=args.commands,
                    )
                for opened in (jobs, every):
                    opened.conn.close()
                    opened.github.close()
                if profiler:
                    pstats.Stats(profiler).sort_stats("cumulative").print_stats(
                        "countersign|psycopg.connection|subprocess.py:.*run", 70
                    )
    finally:
        if kept is not None:
            kept.close()
        drop_schemas(schema)
    return 0


if __name__ == "__main__":
    sys.exit(main())
