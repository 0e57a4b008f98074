"""The service under load, on loopback only, bounded in count and time.

1. Webhook acceptance: N signed deliveries on C kept-alive connections to `countersign serve`
   (a real process: signature, PostgreSQL insert, job deferred in one transaction), against a
   no-op ASGI endpoint served the same way (uvicorn, one process) in the same run: first as
   fast as each is answered (the most it takes), then open loop at --ack-rate per second
   (latency from when each request was due). The sender writes pre-built, pre-signed request
   bytes on raw asyncio streams, so it takes little of the CPU it shares with the server.
2. Decision latency: pull request events at a fixed rate for a fixed time, against a repository
   of a few thousand files, with W `countersign serve worker` processes and the fake GitHub (the
   tests' one, validating every request); latency is from sending the delivery to the first
   check run for that head written after it.

Run: .venv/bin/python benchmarks/service_load.py [--deliveries 2000] [--rate 20] [--seconds 20]
Needs PostgreSQL on 127.0.0.1:5432 (database test, trust auth), as the tests do.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))

from fake_github import FakeGitHub  # noqa: E402
from github_service import PG_BASE, SECRET, drop_schemas, example  # noqa: E402
from loopback import free_port, serving  # noqa: E402
from service_processes import Process, wait_until  # noqa: E402
from service_world import APP_ID, World, app_keys  # noqa: E402

from countersign.service.migrate import upgrade  # noqa: E402
from countersign.service.settings import DEFAULT_MIRROR_FRESH_S  # noqa: E402
from countersign.service.signature import sign  # noqa: E402

NOOP_APP = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    while True:
        message = await receive()
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 202,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", b"11")]})
    await send({"type": "http.response.body", "body": b'{"ok":true}'})
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> int:
    """One HTTP/1.1 request on a kept-alive connection; the response's status."""
    writer.write(request)
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


def raw_requests(url: str, bodies: list[tuple[str, bytes]]) -> list[bytes]:
    """Each delivery as the bytes of one request, signed beforehand: the sender spends no CPU
    on HTTP or HMAC while it measures (it shares the machine with the server)."""
    host = url.split("//", 1)[1]
    out = []
    for delivery, body in bodies:
        head = (
            f"POST /webhooks/github HTTP/1.1\r\nHost: {host}\r\n"
            "Content-Type: application/json\r\nX-GitHub-Event: pull_request\r\n"
            f"X-GitHub-Delivery: {delivery}\r\nX-Hub-Signature-256: {sign(SECRET, body)}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        out.append(head.encode() + body)
    return out


async def paced(
    url: str, requests: list[bytes], rate: float, connections: int
) -> tuple[float, list[float], int]:
    """Open loop: request i is due at ``i / rate`` s; its latency runs from when it was due
    (a request that waited for a free connection counts its wait), so a server that falls
    behind shows it in the percentiles instead of slowing the sender down. ``rate`` 0: closed
    loop, each connection sends its next request when the last is answered (the most the
    server takes), latency from sending."""
    host, _, port = url.split("//", 1)[1].partition(":")
    latencies: list[float] = []
    failures = 0
    it = iter(enumerate(requests))
    start = time.perf_counter()

    async def one() -> None:
        nonlocal failures
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for i, request in it:
                due = start + i / rate if rate else time.perf_counter()
                if due > time.perf_counter():
                    await asyncio.sleep(due - time.perf_counter())
                try:
                    status = await _exchange(reader, writer, request)
                except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                    failures += 1
                    latencies.append(time.perf_counter() - due)
                    reader, writer = await asyncio.open_connection(host, int(port))
                    continue
                latencies.append(time.perf_counter() - due)
                if status not in (200, 202):
                    failures += 1
        finally:
            writer.close()

    await asyncio.gather(*(one() for _ in range(connections)))
    return time.perf_counter() - start, latencies, failures


def deliveries(count: int, numbers: int) -> list[tuple[str, bytes]]:
    out = []
    base = example("pull_request.opened")
    for i in range(count):
        payload = json.loads(json.dumps(base))
        payload["action"] = "labeled"
        payload["number"] = i % numbers + 1
        payload["pull_request"]["number"] = payload["number"]
        payload["sender"]["id"] = i  # distinct bodies, as GitHub's are
        out.append((f"bench-{uuid.uuid4()}", json.dumps(payload).encode()))
    return out


def report(
    name: str, elapsed: float, latencies: list[float], failures: int, cpu: float | None = None
) -> None:
    """``cpu``: the server process's CPU seconds over the run (user + system)."""
    per = f"   CPU {cpu / len(latencies) * 1000:5.2f} ms/delivery" if cpu is not None else ""
    print(
        f"  {name:<22} {len(latencies) / elapsed:8.0f} deliveries/s   "
        f"p50 {percentile(latencies, 50) * 1000:6.1f} ms   p99 {percentile(latencies, 99) * 1000:6.1f} ms"
        f"   failed {failures}{per}"
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU of ``pid`` and of its children it waited for (git), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def measured(pid: int, url: str, count: int, pace: float, concurrency: int) -> tuple[Any, ...]:
    requests = raw_requests(url, deliveries(count, 200))
    before = cpu_seconds(pid)
    elapsed, latencies, failures = asyncio.run(paced(url, requests, pace, concurrency))
    return elapsed, latencies, failures, cpu_seconds(pid) - before


@contextmanager
def web_process(env: dict[str, str], logs: Path) -> Iterator[tuple[str, int]]:
    """``countersign serve`` as a deployment starts it: its address and pid."""
    port = free_port()
    proc = Process(["serve", "--host", "127.0.0.1", "--port", str(port)], env, logs / "web.log")
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until("the web process is ready", lambda: _up(f"{url}/readyz", ready=True))
        yield url, proc.popen.pid
    finally:
        proc.stop()


def acceptance(world: World, tmp: Path, count: int, concurrency: int, rate: float) -> None:
    print(
        f"webhook acceptance: {count} signed deliveries on {concurrency} kept-alive connections, "
        f"as fast as answered, then at {rate:g}/s (latency from when each was due)"
    )
    noop_file = tmp / "noop_app.py"
    noop_file.write_text(NOOP_APP)
    port = free_port()
    noop = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--app-dir",
            str(tmp),
            "noop_app:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until("no-op endpoint up", lambda: _up(url))
        for name, pace in (("no-op ASGI, max", 0.0), (f"no-op ASGI, {rate:g}/s", rate)):
            report(name, *measured(noop.pid, url, count, pace, concurrency))
    finally:
        noop.terminate()
        noop.wait()
    with web_process(world.environment(), tmp) as (web, pid):
        for name, pace in (("countersign, max", 0.0), (f"countersign, {rate:g}/s", rate)):
            report(name, *measured(pid, web, count, pace, concurrency))
    with psycopg.connect(world.database) as conn:
        recorded = conn.execute("SELECT count(*) FROM countersign_deliveries").fetchone()
        queued = conn.execute("SELECT count(*) FROM procrastinate_jobs").fetchone()
    print(
        f"  recorded {recorded[0] if recorded else 0} deliveries, {queued[0] if queued else 0} jobs queued (coalesced per head)"
    )


def _up(url: str, *, ready: bool = False) -> bool:
    try:
        answer = httpx.get(url, timeout=1)
    except httpx.TransportError:
        return False
    return answer.status_code == 200 or not ready


def decisions(
    world: World, tmp: Path, rate: float, seconds: float, workers: int, files: int, fresh: float
) -> None:
    prs = max(1, int(rate * seconds / 4))
    print(
        f"decision latency: {rate:g} pull request events/s for {seconds:g} s over {prs} pull requests "
        f"(4 events each: opened, labeled, edited, unlabeled), {files}-file repository, {workers} workers, "
        f"mirror fresh for {fresh:g} s"
    )
    heads = world.small_pull_requests(files, prs)
    with psycopg.connect(world.database, autocommit=True) as conn:
        conn.execute("DELETE FROM procrastinate_jobs")
    events = []
    for action in ("opened", "labeled", "edited", "unlabeled"):
        for n in range(1, prs + 1):
            payload = world.event("pull_request.opened", n, action=action)
            payload["sender"]["id"] = hash((n, action)) & 0xFFFFFF
            events.append((n, f"dl-{uuid.uuid4()}", json.dumps(payload).encode()))
    sent: list[tuple[float, str]] = []
    procs = [
        Process(
            ["serve", "worker"],
            {
                **world.environment(),
                "COUNTERSIGN_WORKER_HEARTBEAT_S": "1",
                "COUNTERSIGN_MIRROR_FRESH_S": str(fresh),
            },
            tmp / f"worker-{i}.log",
        )
        for i in range(workers)
    ]
    worker_cpu = 0.0
    own_before = _own_cpu()
    try:
        with web_process(world.environment(), tmp) as (web, _), httpx.Client(timeout=10) as client:
            start = time.perf_counter()
            for i, (n, delivery, body) in enumerate(events):
                due = start + i / rate
                if due > time.perf_counter():
                    time.sleep(due - time.perf_counter())
                client.post(
                    f"{web}/webhooks/github",
                    content=body,
                    headers={
                        "X-GitHub-Event": "pull_request",
                        "X-GitHub-Delivery": delivery,
                        "X-Hub-Signature-256": sign(SECRET, body),
                    },
                )
                sent.append((time.time(), heads[n]))
            sent_for = time.perf_counter() - start
            try:
                wait_until(
                    "the queue drained",
                    lambda: _pending(world.database) == 0,
                    timeout=max(180.0, seconds * 10),
                )
            except AssertionError:
                with psycopg.connect(world.database) as conn:
                    for row in conn.execute(
                        "SELECT j.id, j.status, j.lock, j.queueing_lock, j.attempts, j.worker_id, "
                        "j.scheduled_at, (SELECT string_agg(e.type || '@' || e.at::time, ' ') "
                        "FROM procrastinate_events e WHERE e.job_id = j.id) FROM procrastinate_jobs j "
                        "WHERE j.status IN ('todo', 'doing')"
                    ).fetchall():
                        print("  pending:", row)
                    for row in conn.execute("SELECT * FROM procrastinate_workers").fetchall():
                        print("  worker:", row)
                for p in procs:
                    print(
                        f"--- {p.log.name}, last lines:\n"
                        + "\n".join(p.output().splitlines()[-30:])
                    )
                raise
            drained = time.perf_counter() - start
            worker_cpu = sum(cpu_seconds(p.popen.pid) for p in procs)
            own_cpu = _own_cpu() - own_before
    finally:
        for p in procs:
            p.stop()
    latencies = []
    for at, head in sent:
        writes = [t for t, h in world.github.writes if h == head and t >= at]
        if writes:
            latencies.append(min(writes) - at)
    print(f"  sent {len(sent)} events in {sent_for:.1f} s ({len(sent) / sent_for:.1f}/s)")
    print(
        f"  delivery -> check run: p50 {percentile(latencies, 50):.2f} s   p95 {percentile(latencies, 95):.2f} s   "
        f"max {max(latencies):.2f} s   ({len(latencies)} of {len(sent)} events followed by a decision)"
    )
    print(
        f"  check runs: {len(world.github.check_runs)} for {len(heads)} heads; API requests {len(world.github.requests)}; violations {len(world.github.violations)}"
    )
    jobs, analysed = _evaluation_counts(world.database)
    print(
        f"  evaluation jobs {jobs}: {analysed} analysed, {jobs - analysed} answered by the "
        "decision in place (nothing they read had changed); queue drained "
        f"{drained:.1f} s after the first event"
    )
    waits, runs = _job_times(world.database)
    print(
        f"  evaluation jobs: queued before starting p50 {percentile(waits, 50):.2f} s   "
        f"p95 {percentile(waits, 95):.2f} s;   running p50 {percentile(runs, 50):.2f} s   "
        f"p95 {percentile(runs, 95):.2f} s;   workers' CPU {worker_cpu:.1f} s "
        f"({worker_cpu / max(jobs, 1) * 1000:.0f} ms/job, git included, start-up included)"
    )
    requests = len(world.github.requests)
    print(
        f"  this process (sender and the fake GitHub, which validates each request): CPU "
        f"{own_cpu:.1f} s ({own_cpu / max(requests, 1) * 1000:.1f} ms per API request)"
    )


def _own_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _job_times(url: str) -> tuple[list[float], list[float]]:
    """Each evaluation job's wait in the queue (deferred to started) and run (started to
    succeeded), from procrastinate's events."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT extract(epoch FROM min(e.at) FILTER (WHERE e.type = 'started') "
            "- min(e.at) FILTER (WHERE e.type = 'deferred')), "
            "extract(epoch FROM max(e.at) FILTER (WHERE e.type = 'succeeded') "
            "- max(e.at) FILTER (WHERE e.type = 'started')) "
            "FROM procrastinate_events e JOIN procrastinate_jobs j ON j.id = e.job_id "
            "WHERE j.task_name = 'evaluate_pull_request' GROUP BY j.id"
        ).fetchall()
    waits = [float(r[0]) for r in rows if r[0] is not None]
    runs = [float(r[1]) for r in rows if r[1] is not None]
    return waits or [0.0], runs or [0.0]


def _evaluation_counts(url: str) -> tuple[int, int]:
    with psycopg.connect(url) as conn:
        jobs = conn.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE status = 'succeeded' "
            "AND task_name = 'evaluate_pull_request'"
        ).fetchone()
        analysed = conn.execute("SELECT count(*) FROM countersign_evaluations").fetchone()
    return (int(jobs[0]) if jobs else 0), (int(analysed[0]) if analysed else 0)


def _pending(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing') "
            "AND task_name = 'evaluate_pull_request'"
        ).fetchone()
    return int(row[0]) if row else 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--ack-rate", type=float, default=200.0)
    parser.add_argument("--skip-decisions", action="store_true")
    parser.add_argument("--skip-acceptance", action="store_true")
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument(
        "--mirror-fresh",
        type=float,
        default=DEFAULT_MIRROR_FRESH_S,
        help="the workers' COUNTERSIGN_MIRROR_FRESH_S (0: fetch on every evaluation)",
    )
    args = parser.parse_args()
    args.deliveries = min(args.deliveries, 20_000)
    args.seconds = min(args.seconds, 120.0)
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
                world.create_repository()
                if not args.skip_acceptance:
                    acceptance(world, tmp, args.deliveries, args.concurrency, args.ack_rate)
                if args.skip_decisions:
                    return 0
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute("TRUNCATE countersign_deliveries")
                decisions(
                    world, tmp, args.rate, args.seconds, args.workers, args.files, args.mirror_fresh
                )
    finally:
        drop_schemas(schema)
    return 0


if __name__ == "__main__":
    sys.exit(main())
