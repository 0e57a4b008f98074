"""MySQL (InnoDB online DDL, MySQL 8.0 reference) and SQLite (its ALTER TABLE and PRAGMA
documentation) migrations, read with sqlglot's grammar for each dialect.

MySQL: a column type change copies the table with writes blocked (``ALGORITHM=COPY``), a
foreign key added with ``foreign_key_checks`` on copies it too, FULLTEXT/SPATIAL indexes block
writes; plain indexes and added columns run online (INSTANT or INPLACE) and are not reported.
SQLite: one writer locks the whole database; the documented rebuild (create, copy, drop,
rename) is a rewrite, not a loss.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from countersign.facts.hazards import Hazard, Severity
from countersign.facts.hazards.sql.statements import Statement, normal

# sqlglot parses about ten times slower than libpg_query.
MAX_PARSED_CHARS = 256 * 1024


@dataclass
class _State:
    dialect: str
    created: set[str] = field(default_factory=set)
    copied_from: set[str] = field(default_factory=set)
    checks_keys: bool = False


def analyze_other(
    path: str, statements: Sequence[Statement], already: frozenset[str], dialect: str
) -> Iterator[Hazard]:
    import sqlglot  # loaded only for a MySQL or SQLite migration

    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # it logs every unsupported form
    state = _State(dialect)
    state.checks_keys = any("foreign_key_check" in s.text.lower() for s in statements)
    label = "MySQL" if dialect == "mysql" else "SQLite"
    budget = MAX_PARSED_CHARS
    for statement in statements:
        budget -= len(statement.text)
        if budget < 0:
            yield Hazard(
                "artifact.unanalysable",
                Severity.HIGH,
                path,
                f"analysed up to line {statement.line}; the rest is beyond the "
                f"{MAX_PARSED_CHARS // 1024} KiB of {label} analysed; review it by hand",
                line=statement.line,
            )
            return
        try:
            tree = sqlglot.parse_one(statement.text, read=dialect)
        except (sqlglot.errors.ParseError, sqlglot.errors.TokenError, RecursionError) as exc:
            if normal(statement.text) not in already:
                first = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
                yield Hazard(
                    "sql.unparseable",
                    Severity.HIGH,
                    path,
                    f"does not parse as {label}: {first}; review it by hand",
                    line=statement.line,
                )
            continue
        for kind, severity, detail in _judge(tree, state):
            if normal(statement.text) not in already:
                yield Hazard(kind, severity, path, detail, line=statement.line)


def _judge(tree: Any, state: _State) -> Iterator[tuple[str, Severity, str]]:
    from sqlglot import exp

    if isinstance(tree, exp.Create) and str(tree.args.get("kind", "")).upper() == "TABLE":
        state.created.add(_table(tree.this))
    elif isinstance(tree, exp.Insert):
        source = tree.expression
        if isinstance(source, exp.Select) and _table(tree.this) in state.created:
            state.copied_from.update(_table(t) for t in source.find_all(exp.Table))
    elif isinstance(tree, exp.Drop):
        yield from _drop(tree, state)
    elif isinstance(tree, exp.TruncateTable):
        names = ", ".join(_table(t) for t in tree.expressions)
        yield "sql.truncate", Severity.CRITICAL, f"truncates {names}: every row is lost"
    elif isinstance(tree, exp.Delete | exp.Update) and not tree.args.get("where"):
        table = _table(tree.this)
        if table not in state.created:
            if isinstance(tree, exp.Delete):
                yield "sql.delete_without_where", Severity.CRITICAL, f"deletes every row of {table}"
            else:
                yield "sql.update_without_where", Severity.HIGH, f"updates every row of {table}"
    elif isinstance(tree, exp.Alter):
        yield from _alter(tree, state)
    elif isinstance(tree, exp.Create) and isinstance(tree.this, exp.Index):
        yield from _index(tree)
    elif isinstance(tree, exp.Command | exp.Set | exp.Pragma):
        yield from _command(tree, state)


def _drop(tree: Any, state: _State) -> Iterator[tuple[str, Severity, str]]:
    kind = str(tree.args.get("kind", "")).upper()
    names = [_table(t) for t in tree.args.get("tables") or [tree.this] if t is not None]
    if kind == "TABLE":
        lost = [n for n in names if n not in state.created]
        rebuilt = [n for n in lost if n in state.copied_from]
        for table in rebuilt:
            yield (
                "sql.table_rewrite",
                Severity.MEDIUM,
                (
                    f"rebuilds {table} by copying it into a new table: writers wait for the whole "
                    "copy; instead: run it in a quiet window"
                ),
            )
        gone = [n for n in lost if n not in rebuilt]
        if gone:
            yield "sql.drop_table", Severity.CRITICAL, f"drops table {', '.join(gone)}: data lost"
    elif kind in {"DATABASE", "SCHEMA"}:
        yield (
            "sql.drop_database",
            Severity.CRITICAL,
            f"drops database {', '.join(names)}: every table in it is lost",
        )


def _alter(tree: Any, state: _State) -> Iterator[tuple[str, Severity, str]]:
    from sqlglot import exp

    table = _table(tree.this)
    if table in state.created:
        return
    mysql = state.dialect == "mysql"
    for action in tree.args.get("actions") or []:
        if isinstance(action, exp.Drop):
            columns = ", ".join(c.name for c in action.args.get("tables") or [])
            yield (
                "sql.drop_column",
                Severity.CRITICAL,
                f"drops column {table}.{columns}: its data is lost"
                + ("; the table is rebuilt" if mysql else ""),
            )
        elif isinstance(action, exp.ModifyColumn):
            yield (
                "sql.alter_column_type",
                Severity.HIGH,
                (
                    f"MODIFY/CHANGE COLUMN {table}.{action.this.name}: a type change copies the "
                    "table with writes blocked (ALGORITHM=COPY); instead: add a new column, "
                    "backfill, switch, drop"
                ),
            )
        elif isinstance(action, exp.AlterColumn) and action.args.get("dtype") is not None:
            yield (
                "sql.alter_column_type",
                Severity.HIGH,
                (
                    f"changes the type of {table}.{action.this.name}: the table is copied with "
                    "writes blocked"
                ),
            )
        elif isinstance(action, exp.RenameColumn):
            yield (
                "sql.rename",
                Severity.MEDIUM,
                f"renames {table}.{action.this.name}: running code that uses the old name breaks",
            )
        elif isinstance(action, exp.AlterRename):
            yield (
                "sql.rename",
                Severity.MEDIUM,
                f"renames table {table}: running code that uses the old name breaks",
            )
        elif isinstance(action, exp.ColumnDef):
            yield from _add_column(table, action, state)
        elif isinstance(action, exp.AddConstraint) and mysql and action.find(exp.Reference):
            yield (
                "sql.constraint_without_not_valid",
                Severity.MEDIUM,
                (
                    f"adds a foreign key on {table}: with foreign_key_checks on, InnoDB copies the "
                    "table with writes blocked; instead: a tool that builds it online"
                ),
            )


def _add_column(table: str, column: Any, state: _State) -> Iterator[tuple[str, Severity, str]]:
    from sqlglot import exp

    if state.dialect != "sqlite":
        return  # InnoDB adds columns INSTANT (8.0.12+) or INPLACE with writes going on
    constraints = [c.kind for c in column.args.get("constraints") or []]
    not_null = any(
        isinstance(c, exp.NotNullColumnConstraint) and not c.args.get("allow_null")
        for c in constraints
    )
    default = any(isinstance(c, exp.DefaultColumnConstraint) for c in constraints)
    if not_null and not default:
        yield (
            "sql.not_null_without_default",
            Severity.HIGH,
            f"adds NOT NULL column {table}.{column.name} without a default: SQLite refuses it",
        )


def _index(tree: Any) -> Iterator[tuple[str, Severity, str]]:
    kind = str(tree.args.get("kind", "")).upper()
    if "FULLTEXT" in kind or "SPATIAL" in kind:
        yield (
            "sql.index_without_concurrently",
            Severity.MEDIUM,
            f"{kind} on {_table(tree.this.args.get('table'))} blocks writes while it builds",
        )


def _command(tree: Any, state: _State) -> Iterator[tuple[str, Severity, str]]:
    text = " ".join(tree.sql(dialect=state.dialect).lower().split())
    compact = text.replace(" ", "")
    if "foreign_key_checks=0" in compact or "foreign_key_checks=off" in compact:
        yield (
            "sql.foreign_key_checks_off",
            Severity.MEDIUM,
            (
                "turns foreign key checks off: rows written meanwhile may point at nothing; "
                "instead: keep them on, or turn them back on in the same session"
            ),
        )
    elif ("foreign_keys=off" in compact or "foreign_keys=0" in compact) and not state.checks_keys:
        yield (
            "sql.foreign_key_checks_off",
            Severity.MEDIUM,
            (
                "PRAGMA foreign_keys=OFF with no PRAGMA foreign_key_check after: broken references "
                "go unnoticed; instead: run foreign_key_check before turning them back on"
            ),
        )
    elif state.dialect == "mysql" and text.startswith(("create fulltext", "create spatial")):
        yield (
            "sql.index_without_concurrently",
            Severity.MEDIUM,
            f"{text[:80]}: InnoDB blocks writes while it builds; instead: a quiet window",
        )
    elif text.startswith("rename table"):
        yield "sql.rename", Severity.MEDIUM, f"{text}: running code that uses the old name breaks"
    elif text.startswith("lock tables") and " write" in text:
        yield "sql.lock_table", Severity.MEDIUM, f"{text}: blocks every other session's reads"


def _table(node: Any) -> str:
    from sqlglot import exp

    if isinstance(node, exp.Schema):  # CREATE TABLE t (columns): the table is inside
        node = node.this
    return str(node.name) if isinstance(node, exp.Expression) else "?"
