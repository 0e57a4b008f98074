"""Appends per second with N writer processes on SQLite and PostgreSQL, and verify time.

Baseline measured in the same run: unsigned, unchained inserts into the same SQLite file.
Usage: .venv/bin/python benchmarks/ledger_throughput.py [PROCS] [PER_PROC]
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from countersign.signoff.ledger import open_ledger

PG = "postgresql://postgres@127.0.0.1:5432/test"
WRITER = """
import sys
from pathlib import Path
from countersign.signoff.ledger import open_ledger
ledger = open_ledger(sys.argv[1], Path(sys.argv[2]))
for i in range(int(sys.argv[3])):
    ledger.append("approval", {"approver": "bench", "n": i, "fingerprint": "cs1:" + "ab" * 32})
"""


def run(location: str, state: Path, procs: int, per: int) -> None:
    open_ledger(location, state).append("genesis", {})
    start = time.perf_counter()
    ps = [
        subprocess.Popen([sys.executable, "-c", WRITER, location, str(state), str(per)])
        for _ in range(procs)
    ]
    assert all(p.wait() == 0 for p in ps)  # noqa: S101 - a benchmark sanity check
    took = time.perf_counter() - start
    ledger = open_ledger(location, state)
    t0 = time.perf_counter()
    report = ledger.verify()
    vt = time.perf_counter() - t0
    print(
        f"  {procs} procs x {per}: {procs * per / took:,.0f} appends/s (incl. process start); "
        f"verify {report.entries} entries in {vt:.2f} s ({'ok' if report.ok else report.problems[:2]})"
    )


def one_process(location: str, state: Path, n: int) -> None:
    ledger = open_ledger(location, state)
    start = time.perf_counter()
    for i in range(n):
        ledger.append("approval", {"approver": "bench", "n": i})
    print(f"  1 proc x {n}, one ledger object: {n / (time.perf_counter() - start):,.0f} appends/s")


def pg_baseline(url: str, n: int) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (seq BIGSERIAL PRIMARY KEY, body TEXT)")
        start = time.perf_counter()
        for i in range(n):
            with conn.transaction():
                conn.execute("INSERT INTO t (body) VALUES (%s)", (f'{{"n": {i}}}',))
        took = time.perf_counter() - start
    print(f"  baseline plain psycopg insert+commit, 1 connection: {n / took:,.0f}/s")


def baseline(path: Path, n: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (seq INTEGER PRIMARY KEY, body TEXT)")
    start = time.perf_counter()
    for i in range(n):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (body) VALUES (?)", (f'{{"n": {i}}}',))
        conn.execute("COMMIT")
    print(
        f"  baseline plain sqlite3 insert+commit, 1 proc: {n / (time.perf_counter() - start):,.0f}/s"
    )


def main() -> None:
    procs = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    per = int(sys.argv[2]) if len(sys.argv) > 2 else 250
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        print("SQLite:")
        baseline(base / "baseline.db", procs * per)
        run(str(base / "ledger.db"), base / "state", procs, per)
        one_process(str(base / "ledger.db"), base / "state", per)
        import psycopg

        schema = f"cs_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        try:
            print("PostgreSQL:")
            url = f"{PG}?options=-csearch_path%3D{schema}"
            pg_baseline(url, per)
            run(url, base / "state", procs, per)
            one_process(url, base / "state", per)
        finally:
            with psycopg.connect(PG, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
