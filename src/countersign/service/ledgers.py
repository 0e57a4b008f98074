"""One ledger per repository, each in a PostgreSQL schema of its own on the service's database.

Person ids come from each repository's own roster, and a fingerprint is content: an approval
recorded for one repository must never count in another that happens to hold the same change.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

PREFIX = "countersign_ledger"


def ledger_schema(database_url: str, repository_id: int) -> str:
    """``countersign_ledger_<id>``, or ``<schema>_ledger_<id>`` when the URL selects a schema
    of its own (``options=-csearch_path=...``), so deployments sharing a database stay apart."""
    base = _search_path(database_url)
    return f"{base}_ledger_{repository_id}" if base else f"{PREFIX}_{repository_id}"


def ledger_url(database_url: str, repository_id: int) -> str:
    parts = urlsplit(database_url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
    query.append(("options", f"-csearch_path={ledger_schema(database_url, repository_id)}"))
    return urlunsplit(parts._replace(query=urlencode(query)))


def create_schema(conn: object, database_url: str, repository_id: int) -> None:
    """``conn``: a psycopg connection in autocommit mode."""
    schema = ledger_schema(database_url, repository_id)
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")  # type: ignore[attr-defined]


def _search_path(database_url: str) -> str:
    for key, value in parse_qsl(urlsplit(database_url).query):
        if key == "options":
            match = re.search(r"-csearch_path=([A-Za-z_][A-Za-z0-9_]*)", value)
            if match:
                return match.group(1)
    return ""


def ledger_head(conn: object, database_url: str, repository_id: int) -> tuple[int, str] | None:
    """The newest entry's sequence number and hash (None: no entry yet), in one statement:
    every sign-off, withdrawal and command is an entry, so an unchanged head means none came."""
    import psycopg

    schema = ledger_schema(database_url, repository_id)
    try:
        row = conn.execute(  # type: ignore[attr-defined]
            f"SELECT seq, hash FROM {schema}.countersign_entries ORDER BY seq DESC LIMIT 1"  # noqa: S608 - a validated name
        ).fetchone()
    except psycopg.errors.UndefinedTable:
        return None
    return (int(row[0]), str(row[1])) if row else None
