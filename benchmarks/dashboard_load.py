"""Dashboard page render time with 100k decisions and 10k open requests in PostgreSQL.

Seeds a schema of its own (the service's migrations, then generate_series: 20 repositories of
one installation, 30 people on each roster, 100k decisions over 12 weeks and 120k evaluations of
them, 10k open and 40k closed requests, a ledger of 500 signed entries for one repository), serves the real web app
(`web.create_app`, uvicorn on loopback, one process, the viewer named by a trusted proxy
header), and times N sequential GETs of each page and API view against a static file served by
the same app through the same middleware, in the same run. Bounded in count; drops its schema.

Run: .venv/bin/python benchmarks/dashboard_load.py [--requests 60] [--decisions 100000]
Needs PostgreSQL on 127.0.0.1:5432 (database test, trust auth), as the tests do.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))

from github_service import PG_BASE, SECRET, drop_schemas  # noqa: E402
from loopback import serving  # noqa: E402

from countersign.service.ledgers import create_schema, ledger_url  # noqa: E402
from countersign.service.migrate import upgrade  # noqa: E402
from countersign.service.settings import Dashboard, Settings  # noqa: E402
from countersign.service.web import create_app  # noqa: E402
from countersign.signoff.ledger import open_ledger  # noqa: E402

REPOS = 20
PEOPLE = 30
LEVELS = ("junior", "mid", "senior", "staff", "principal")
RULES = ("ai-assisted-below-senior", "tier-1-two-person", "destroys-stateful", "widens-access")
SEED = """
INSERT INTO countersign_installations (installation_id, repository, repository_id)
SELECT 4242, 'org/repo-' || r, 1000 + r FROM generate_series(1, {repos}) r;

INSERT INTO countersign_people (repository, person, github, emails, level, level_rank, teams)
SELECT 'org/repo-' || r, 'person-' || p, CASE WHEN p = 1 THEN 'alice-gh' ELSE 'gh-' || p END,
       ARRAY['person-' || p || '@example.com'],
       (ARRAY['junior','mid','senior','staff','principal'])[1 + p % 5], p % 5,
       ARRAY[(ARRAY['web','data','infra'])[1 + p % 3]]
FROM generate_series(1, {repos}) r, generate_series(1, {people}) p;
UPDATE countersign_people SET level = 'senior', level_rank = 2, teams = '{{web,data,infra}}'
WHERE github = 'alice-gh';

INSERT INTO countersign_decisions
    (repository, head_sha, kind, number, base_sha, fingerprint, verdict, conclusion,
     check_run_id, decided_at, installation_id, repository_id, title, author, url, services,
     rules, ai_assisted, provenance, risk, summary, report)
SELECT 'org/repo-' || (1 + i % {repos}), md5('h' || i) || substr(md5('x' || i), 1, 8),
       'pull_request', i, md5('b' || i), 'cs2:' || substr(md5('f' || i), 1, 16),
       (ARRAY['pass','pass','needs-approval','blocked'])[1 + i % 4],
       (ARRAY['success','success','action_required','failure'])[1 + i % 4], i,
       now() - (i % 84) * interval '1 day' - (i % 1440) * interval '1 minute',
       4242, 1000 + (1 + i % {repos}), 'Change number ' || i, 'gh-' || (1 + i % {people}),
       'https://github.com/org/repo/pull/' || i,
       ARRAY['svc-' || (i % 40)],
       CASE WHEN i % 4 IN (0, 1) THEN '{{}}'::text[]
            ELSE ARRAY[(ARRAY{rules})[1 + i % 4]] END,
       i % 3 = 0, (ARRAY['high','medium','none'])[1 + i % 3], (i % 100) / 100.0,
       jsonb_build_object(
           'hazards', jsonb_build_array(jsonb_build_object('kind', 'sql-drop', 'severity', 'high',
                                                           'path', 'db/m.sql', 'line', 3)),
           'hazard_count', 1,
           'blast', jsonb_build_object('services', jsonb_build_array(
               jsonb_build_object('name', 'svc-' || (i % 40), 'tier', 1 + i % 3)),
               'critical', '[]'::jsonb, 'dependents', '[]'::jsonb, 'score', i % 10)),
       repeat('## countersign: **needs-approval**\n\nA reason line of the report. ', 20)
FROM generate_series(1, {decisions}) i;

-- Every head evaluated once, every fifth one again (a review, an approval): the Decisions page
-- lists every evaluation.
INSERT INTO countersign_evaluations
    (repository, number, head_sha, base_sha, fingerprint, verdict, conclusion, evaluated_at,
     title, author, url, services, rules, ai_assisted, provenance, risk, summary, report)
SELECT repository, number, head_sha, base_sha, fingerprint, verdict, conclusion,
       decided_at - g * interval '1 hour', title, author, url, services, rules, ai_assisted,
       provenance, risk, summary, report
FROM countersign_decisions, generate_series(0, 1) g
WHERE g = 0 OR number % 5 = 0
ORDER BY decided_at - g * interval '1 hour';

INSERT INTO countersign_requests
    (repository, number, head_sha, fingerprint, requirement, rule, min_level, level_rank, teams,
     count, reason, makers, approvers, asked_at, closed_at, outcome)
SELECT d.repository, d.number, d.head_sha, d.fingerprint, 'req-' || g, d.rules[1],
       (ARRAY['senior','senior','staff','mid'])[1 + d.number % 4],
       (ARRAY[2,2,3,1])[1 + d.number % 4],
       CASE WHEN d.number % 5 = 0 THEN ARRAY['data'] ELSE '{{}}'::text[] END, 1,
       'AI-assisted change by a junior: a senior signs off', ARRAY['person-' || (1 + d.number % 30)],
       CASE WHEN g <= {closed_each} THEN ARRAY['person-' || (3 + d.number % 20)] ELSE '{{}}' END,
       d.decided_at,
       CASE WHEN g <= {closed_each} THEN d.decided_at + (d.number % 48) * interval '1 hour' END,
       CASE WHEN g <= {closed_each} THEN 'satisfied' END
FROM (SELECT * FROM countersign_decisions WHERE rules <> '{{}}' ORDER BY decided_at DESC
      LIMIT {asked}) d, generate_series(1, 1) g;
"""
OPEN_SPLIT = """
UPDATE countersign_requests SET closed_at = NULL, outcome = NULL, approvers = '{}'
WHERE id IN (SELECT id FROM countersign_requests ORDER BY id LIMIT %s)
"""
CLOSE_REST = """
UPDATE countersign_requests SET closed_at = asked_at + (number %% 48) * interval '1 hour',
    outcome = 'satisfied', approvers = ARRAY['person-' || (3 + number %% 20)]
WHERE id NOT IN (SELECT id FROM countersign_requests ORDER BY id LIMIT %s)
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def seed(url: str, decisions: int, open_requests: int, closed: int) -> None:
    sql = SEED.format(
        repos=REPOS,
        people=PEOPLE,
        decisions=decisions,
        rules="['" + "','".join(RULES) + "']",
        asked=open_requests + closed,
        closed_each=0,
    )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)
        conn.execute(OPEN_SPLIT, (open_requests,))
        conn.execute(CLOSE_REST, (open_requests,))
        conn.execute("VACUUM ANALYZE")
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM countersign_decisions),"
            " (SELECT count(*) FROM countersign_requests WHERE closed_at IS NULL),"
            " (SELECT count(*) FROM countersign_requests WHERE closed_at IS NOT NULL),"
            " (SELECT count(*) FROM countersign_evaluations)"
        ).fetchone()
    print(
        f"seeded: {counts[0]} decisions (heads), {counts[3]} evaluations, {counts[1]} open "
        f"requests, {counts[2]} closed"
    )


def seed_ledger(url: str, state: Path, entries: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        create_schema(conn, url, 1001)
    ledger = open_ledger(ledger_url(url, 1001), state)
    for i in range(entries):
        ledger.append(
            "approval",
            {"approver": f"person-{3 + i % 20}", "fingerprint": f"cs2:{i:016x}", "note": "bench"},
        )


def time_page(client: httpx.Client, path: str, n: int) -> tuple[float, float, float, int]:
    start = time.perf_counter()
    client.get(path)  # the first GET: templates compiled, the friction figures computed
    cold = (time.perf_counter() - start) * 1000
    took = []
    size = 0
    for _ in range(n):
        start = time.perf_counter()
        answer = client.get(path)
        took.append((time.perf_counter() - start) * 1000)
        if answer.status_code != 200:
            raise SystemExit(f"{path}: {answer.status_code} {answer.text[:200]}")
        size = len(answer.content)
    return cold, percentile(took, 50), percentile(took, 95), size


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=60, help="GETs per page")
    parser.add_argument("--decisions", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=10_000)
    parser.add_argument("--closed", type=int, default=40_000)
    args = parser.parse_args()
    schema = f"cs_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_BASE, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    url = f"{PG_BASE}?options=-csearch_path%3D{schema}"
    try:
        upgrade(url)
        started = time.perf_counter()
        seed(url, args.decisions, args.open, args.closed)
        with tempfile.TemporaryDirectory() as tmp:
            seed_ledger(url, Path(tmp), 500)
            print(f"seeding took {time.perf_counter() - started:.0f} s")
            settings = Settings(
                database_url=url,
                webhook_secret=SECRET,
                state_dir=Path(tmp),
                dashboard=Dashboard(
                    session_secret="b" * 40,
                    trusted_proxies=(ipaddress.ip_network("127.0.0.1/32"),),
                ),
            )
            pages = [
                "/static/style.css",
                "/healthz",
                "/",
                "/friction",
                "/decisions",
                "/decisions?provenance=ai&verdict=needs-approval&service=svc-6",
                "/decision?repository=org/repo-2&head=" + head_of(url),
                f"/decision?id={evaluation_of(url)}",
                "/decisions?repository=org/repo-4&rule=widens-access",
                "/break-glass",
                "/ledger",
                "/insight",
                "/api/v1/queue",
                "/api/v1/decisions?rule=widens-access",
            ]
            with (
                serving(create_app(settings)) as web,
                httpx.Client(
                    base_url=web, headers={"X-Forwarded-User": "alice-gh"}, timeout=30
                ) as client,
            ):
                print(f"\n{'page':<58} {'first':>8} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>8}")
                results = {}
                for path in pages:
                    cold, p50, p95, size = time_page(client, path, args.requests)
                    results[path] = p95
                    print(f"{path[:58]:<58} {cold:8.1f} {p50:8.1f} {p95:8.1f} {size:8d}")
            baseline = results["/static/style.css"]
            worst = max(v for k, v in results.items() if k not in ("/static/style.css", "/healthz"))
            print(
                f"\nworst page p95 {worst:.1f} ms (target < 300 ms) vs static file p95 "
                f"{baseline:.1f} ms, same app, same run, {args.requests} GETs each; "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
            )
    finally:
        drop_schemas(schema)
    return 0


def evaluation_of(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT max(id) / 2 FROM countersign_evaluations").fetchone()
    return int(row[0]) if row else 0


def head_of(url: str) -> str:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT head_sha FROM countersign_decisions WHERE repository = 'org/repo-2' LIMIT 1"
        ).fetchone()
    return str(row[0]) if row else ""


if __name__ == "__main__":
    sys.exit(main())
