"""SQL migrations: data loss (DROP, TRUNCATE, DELETE/UPDATE without WHERE), integrity weakened
(DROP NOT NULL, dropped constraints, disabled triggers) and outages by lock or table rewrite,
each finding naming the lock it takes and what to do instead.

The dialect is PostgreSQL unless the migration declares another (a Liquibase ``dbms:`` on its
changesets, or a ``mysql``/``sqlite`` directory in its path) or ``sql.dialect`` in hazards.yaml
names one. A statement that does not parse is a finding of its own (``sql.unparseable``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from countersign.config.hazards import HazardSettings
from countersign.facts.context import Context
from countersign.facts.hazards import Hazard, unanalysable
from countersign.facts.hazards.documents import DocumentKind, Unanalysable, documents
from countersign.facts.hazards.sql.migration import DEFAULT_VERSION
from countersign.facts.hazards.sql.statements import normal, split_statements
from countersign.intake.change import Change

MAX_SQL_CHARS = 20 * 1024 * 1024
# Hints that a file was written for another dialect; named in the finding, never guessed on.
DIALECT_HINTS = (
    ("MySQL", re.compile(r"`\w+`|\bENGINE\s*=|\bAUTO_INCREMENT\b", re.IGNORECASE)),
    (
        "SQL Server",
        re.compile(r"^\s*GO\s*$|\[dbo\]|\bNVARCHAR\s*\(\s*MAX\b", re.IGNORECASE | re.MULTILINE),
    ),
    ("Oracle", re.compile(r"\bVARCHAR2\b|\bNUMBER\s*\(", re.IGNORECASE)),
)
_LIQUIBASE_DBMS = re.compile(r"^--\s*changeset\s+\S+.*?\bdbms:\s*([\w,!]+)", re.MULTILINE)
_DIALECT_NAMES = {
    "postgresql": "postgresql",
    "postgres": "postgresql",
    "mysql": "mysql",
    "mariadb": "mysql",
    "sqlite": "sqlite",
    "sqlite3": "sqlite",
}


def analyze(change: Change, context: Context) -> Iterator[Hazard]:
    settings = context.config.hazards
    for doc in documents(change):
        if doc.kind is DocumentKind.SQL and doc.text is not None:
            yield from analyze_sql(doc.path, doc.text, doc.previous, settings)


def analyze_sql(
    path: str,
    text: str,
    previous: str | None = None,
    settings: HazardSettings | None = None,
) -> Iterator[Hazard]:
    settings = settings or HazardSettings()
    if len(text) > MAX_SQL_CHARS:
        yield unanalysable(path, f"larger than the {MAX_SQL_CHARS // 2**20} MiB of SQL analysed")
        return
    dialect = declared_dialect(path, text) or _DIALECT_NAMES.get(settings.sql_dialect)
    if dialect is None:
        yield unanalysable(
            path,
            f"SQL dialect {settings.sql_dialect!r} is not analysed (PostgreSQL, MySQL, SQLite)",
        )
        return
    try:
        statements = split_statements(text, dialect)
    except Unanalysable as exc:
        yield unanalysable(path, f"SQL could not be read ({exc})", exc.line)
        return
    already = frozenset(_previous_statements(previous, dialect))
    if dialect == "postgresql":
        from countersign.facts.hazards.sql.postgresql import analyze_postgresql

        version = settings.sql_version or DEFAULT_VERSION
        yield from analyze_postgresql(path, statements, already, version, lambda: _hints(text))
    else:
        from countersign.facts.hazards.sql.other_dialects import analyze_other

        yield from analyze_other(path, statements, already, dialect)


def _hints(text: str) -> list[str]:
    return [name for name, pattern in DIALECT_HINTS if pattern.search(text)]


def declared_dialect(path: str, text: str) -> str | None:
    """The dialect a migration declares: Liquibase ``dbms:`` on a changeset, else a directory
    named for the database (``db/mysql/001.sql``)."""
    match = _LIQUIBASE_DBMS.search(text[:65536])
    if match:
        for name in match.group(1).lower().split(","):
            if name in _DIALECT_NAMES:
                return _DIALECT_NAMES[name]
    for part in PurePosixPath(path).parts[:-1]:
        if part.lower() in _DIALECT_NAMES:
            return _DIALECT_NAMES[part.lower()]
    return None


def _previous_statements(previous: str | None, dialect: str) -> Iterator[str]:
    if previous is None:
        return
    try:
        for statement in split_statements(previous, dialect):
            yield normal(statement.text)
    except Unanalysable:
        return
