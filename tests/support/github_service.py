"""Service test support: real webhook payloads from ``@octokit/webhooks-examples``
(tests/fixtures/github) made deliverable, and raw SQL reads."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

PG_BASE = "postgresql://postgres@127.0.0.1:5432/test"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "github"
SECRET = b"it's a secret to everybody"
INSTALLATION = {"id": 4242, "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg=="}


def example(name: str, **changes: Any) -> dict[str, Any]:
    """A vendored example payload, with an installation (every App delivery has one) and its
    timestamps moved to now, so the receiver does not refuse it as a stale replay."""
    data: dict[str, Any] = copy.deepcopy(json.loads((FIXTURES / f"{name}.json").read_text()))
    data.setdefault("installation", dict(INSTALLATION))
    now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    for holder, key in (
        ("pull_request", "updated_at"),
        ("review", "submitted_at"),
        ("comment", "updated_at"),
        ("comment", "created_at"),
    ):
        if isinstance(data.get(holder), dict) and key in data[holder]:
            data[holder][key] = now
    data.update(changes)
    return data


def rows(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:

    with psycopg.connect(url) as conn:
        return list(conn.execute(sql, params).fetchall())  # type: ignore[arg-type]


def drop_schemas(prefix: str) -> None:
    """Drop every schema whose name starts with ``prefix`` (a test's or a benchmark's own, and
    those its runs made beside it), whatever they hold."""

    with psycopg.connect(PG_BASE, autocommit=True) as conn:
        for (name,) in conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", (f"{prefix}%",)
        ).fetchall():
            conn.execute(f"DROP SCHEMA {name} CASCADE")
