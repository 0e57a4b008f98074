"""Ledger fixtures: the same tests run on SQLite and on PostgreSQL (one schema per test)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from countersign.signoff.ledger import SignedLedger, open_ledger

PG_BASE = "postgresql://postgres@127.0.0.1:5432/test"


@dataclass
class LedgerSite:
    """Where a test ledger lives, and raw SQL access to it, as an attacker with the file has."""

    location: str
    state_dir: Path
    backend: str
    table: str

    def open(self) -> SignedLedger:
        return open_ledger(self.location, self.state_dir)

    def tamper(self, *statements: str, params: tuple[object, ...] = ()) -> None:
        """Run raw SQL with the append-only triggers out of the way ({t} is the table, ``?``
        marks a parameter; ``params`` go to the last statement)."""
        sql = [s.replace("{t}", self.table) for s in statements]
        last = len(sql) - 1
        if self.backend == "sqlite":
            import sqlite3

            conn = sqlite3.connect(self.location, isolation_level=None)
            conn.execute("DROP TRIGGER IF EXISTS entries_no_update")
            conn.execute("DROP TRIGGER IF EXISTS entries_no_delete")
            for i, s in enumerate(sql):
                conn.execute(s, params if i == last else ())
            conn.close()
        else:
            import psycopg

            with psycopg.connect(self.location, autocommit=True) as conn:
                conn.execute(f"ALTER TABLE {self.table} DISABLE TRIGGER USER")
                for i, s in enumerate(sql):
                    conn.execute(s.replace("?", "%s"), params if i == last else ())  # type: ignore[arg-type]
                conn.execute(f"ALTER TABLE {self.table} ENABLE TRIGGER USER")


def _postgres_schema() -> Iterator[str]:
    psycopg = pytest.importorskip("psycopg")
    schema = f"cs_test_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(PG_BASE, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {PG_BASE}: {exc}")
    try:
        yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(PG_BASE, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL ledger URL in a schema of the test's own."""
    yield from _postgres_schema()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LedgerSite]:
    state = tmp_path / "state"
    if request.param == "sqlite":
        yield LedgerSite(str(tmp_path / "ledger.db"), state, "sqlite", "entries")
        return
    for url in _postgres_schema():
        yield LedgerSite(url, state, "postgres", "countersign_entries")


@pytest.fixture
def filled(site: LedgerSite) -> Callable[[int], SignedLedger]:
    def fill(n: int) -> SignedLedger:
        ledger = site.open()
        for i in range(1, n + 1):
            ledger.append("approval", {"approver": f"person{i}", "fingerprint": "cs1:abc"})
        return ledger

    return fill
