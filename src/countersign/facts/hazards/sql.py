"""SQL migrations, read with PostgreSQL's own grammar (libpg_query via ``postgast``): data
loss (DROP, TRUNCATE, DELETE/UPDATE without WHERE) and outages by lock or table rewrite.

Dialect: PostgreSQL only (``sql.dialect`` in hazards.yaml). A statement that does not parse is a
finding of its own (``sql.unparseable``); a file in another dialect is unanalysable.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from countersign.facts.context import Context
from countersign.facts.hazards import Hazard, Severity, unanalysable
from countersign.facts.hazards.documents import DocumentKind, documents
from countersign.intake.change import Change

if TYPE_CHECKING:
    import postgast

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


@cache
def _token_names() -> dict[int, str]:
    import postgast

    return {
        number: value.name
        for number, value in postgast.pg_query_pb2.Token.DESCRIPTOR.values_by_number.items()
    }


_DROPS = {
    "OBJECT_TABLE": ("sql.drop_table", "drops table"),
    "OBJECT_SCHEMA": ("sql.drop_schema", "drops schema"),
    "OBJECT_MATVIEW": ("sql.drop_table", "drops materialized view"),
}


def analyze(change: Change, context: Context) -> Iterator[Hazard]:
    settings = context.config.hazards
    for doc in documents(change):
        if doc.kind is not DocumentKind.SQL or doc.text is None:
            continue
        if not settings.sql_supported:
            yield unanalysable(
                doc.path, f"SQL dialect {settings.sql_dialect!r} is not analysed (PostgreSQL only)"
            )
            continue
        yield from analyze_sql(doc.path, doc.text, doc.previous)


def analyze_sql(path: str, text: str, previous: str | None = None) -> Iterator[Hazard]:
    import postgast  # libpg_query: loaded only when SQL is in the change

    if len(text) > MAX_SQL_CHARS:
        yield unanalysable(path, f"larger than the {MAX_SQL_CHARS // 2**20} MiB of SQL analysed")
        return
    try:
        statements = list(_statements(text))
    except postgast.PgQueryError as exc:
        yield unanalysable(path, f"SQL could not be tokenized ({exc.message})")
        return
    already = set()
    if previous is not None:
        try:
            already = {_normal(s) for _, s in _statements(previous)}
        except postgast.PgQueryError:
            already = set()
    created: set[str] = set()
    hints = [name for name, pattern in DIALECT_HINTS if pattern.search(text)]
    for line, sql in statements:
        if _normal(sql) in already:
            continue
        try:
            tree = postgast.parse(sql)
        except postgast.PgQueryError as exc:
            yield _unparseable(path, hints, line, sql, exc)
            continue
        for raw in tree.stmts:
            node = raw.stmt
            which = node.WhichOneof("node")
            if which == "create_stmt":
                created.add(_name(node.create_stmt.relation))
                continue
            for kind, severity, detail in _statement(which, getattr(node, which), created):
                yield Hazard(kind, severity, path, detail, line=line)


def _statements(text: str) -> Iterator[tuple[int, str]]:
    """Each statement with the line it starts on, cut at the ``;`` tokens of PostgreSQL's own
    scanner (so strings, dollar quotes and comments are respected). A statement that does not
    parse is still returned, to be reported: libpg_query's own splitters drop some of those."""
    import postgast

    names = _token_names()
    data = text.encode("utf-8")
    lines = _LineCounter(data)
    start: int | None = None
    for token in postgast.scan(text).tokens:
        name = names.get(token.token, "")
        if name in {"SQL_COMMENT", "C_COMMENT"}:
            continue
        if name == "ASCII_59":
            if start is not None:
                yield lines.at(start), _piece(data, start, token.start)
            start = None
        elif start is None:
            start = token.start
    if start is not None:
        yield lines.at(start), _piece(data, start, len(data))


class _LineCounter:
    """Line numbers of increasing byte offsets, each newline counted once (counting from the
    start of the file for every statement made the analysis quadratic)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._offset = 0
        self._line = 1

    def at(self, offset: int) -> int:
        self._line += self._data.count(b"\n", self._offset, offset)
        self._offset = offset
        return self._line


def _piece(data: bytes, start: int, end: int) -> str:
    return data[start:end].decode("utf-8", "replace").strip()


def _normal(sql: str) -> str:
    return " ".join(sql.split()).lower()


def _unparseable(
    path: str, hints: list[str], line: int, sql: str, exc: postgast.PgQueryError
) -> Hazard:
    at = line
    if exc.cursorpos:
        at += sql.encode()[: exc.cursorpos - 1].count(b"\n")
    dialect = f" (looks like {hints[0]}: only PostgreSQL is analysed)" if hints else ""
    return Hazard(
        "sql.unparseable",
        Severity.HIGH,
        path,
        f"does not parse as PostgreSQL: {exc.message}{dialect}; review it by hand",
        line=at,
    )


def _statement(
    which: str | None, stmt: Any, created: set[str]
) -> Iterator[tuple[str, Severity, str]]:
    if which == "drop_stmt":
        drop = _DROPS.get(_enum_name(stmt, "remove_type"))
        if drop:
            names = ", ".join(_dotted(o) for o in stmt.objects)
            cascade = " with CASCADE" if _enum_name(stmt, "behavior") == "DROP_CASCADE" else ""
            yield drop[0], Severity.CRITICAL, f"{drop[1]} {names}{cascade}: its data is lost"
    elif which == "dropdb_stmt":
        yield "sql.drop_database", Severity.CRITICAL, f"drops database {stmt.dbname}"
    elif which == "truncate_stmt":
        names = ", ".join(_name(r.range_var) for r in stmt.relations)
        cascade = (
            " with CASCADE (and every table referencing them)"
            if (_enum_name(stmt, "behavior") == "DROP_CASCADE")
            else ""
        )
        yield "sql.truncate", Severity.CRITICAL, f"truncates {names}{cascade}"
    elif which == "delete_stmt" and not stmt.HasField("where_clause"):
        yield (
            "sql.delete_without_where",
            Severity.CRITICAL,
            (f"deletes every row of {_name(stmt.relation)} (no WHERE)"),
        )
    elif which == "update_stmt" and not stmt.HasField("where_clause"):
        yield (
            "sql.update_without_where",
            Severity.HIGH,
            (f"updates every row of {_name(stmt.relation)} (no WHERE)"),
        )
    elif which == "alter_table_stmt":
        table = _name(stmt.relation)
        if table not in created:
            for cmd in stmt.cmds:
                yield from _alter(table, cmd.alter_table_cmd)
    elif which == "index_stmt":
        if not stmt.concurrent and _name(stmt.relation) not in created:
            yield (
                "sql.index_without_concurrently",
                Severity.MEDIUM,
                (
                    f"CREATE INDEX on {_name(stmt.relation)} without CONCURRENTLY blocks writes "
                    "while it builds"
                ),
            )
    elif which == "rename_stmt":
        what = _enum_name(stmt, "rename_type")
        if what in {"OBJECT_TABLE", "OBJECT_COLUMN"}:
            old = f"{_name(stmt.relation)}.{stmt.subname}" if stmt.subname else _name(stmt.relation)
            yield (
                "sql.rename",
                Severity.MEDIUM,
                (f"renames {old} to {stmt.newname}: running code that uses the old name breaks"),
            )


def _alter(table: str, cmd: Any) -> Iterator[tuple[str, Severity, str]]:
    subtype = _enum_name(cmd, "subtype")
    column = f"{table}.{cmd.name}"
    if subtype == "AT_DropColumn":
        yield "sql.drop_column", Severity.CRITICAL, f"drops column {column}: its data is lost"
    elif subtype == "AT_AlterColumnType":
        yield (
            "sql.alter_column_type",
            Severity.HIGH,
            (
                f"changes the type of {column}: most type changes rewrite the table under an "
                "exclusive lock"
            ),
        )
    elif subtype == "AT_SetNotNull":
        yield (
            "sql.set_not_null",
            Severity.MEDIUM,
            (
                f"SET NOT NULL on {column} scans the whole table under an exclusive lock "
                "(add a NOT VALID check constraint and validate it first)"
            ),
        )
    elif subtype == "AT_AddColumn":
        definition = cmd.__getattribute__("def").column_def
        kinds = {_enum_name(c.constraint, "contype") for c in definition.constraints}
        if (
            "CONSTR_NOTNULL" in kinds
            and "CONSTR_DEFAULT" not in kinds
            and "CONSTR_IDENTITY" not in kinds
        ):
            yield (
                "sql.not_null_without_default",
                Severity.HIGH,
                (
                    f"adds NOT NULL column {table}.{definition.colname} without a default: "
                    "fails on a table that has rows"
                ),
            )
    elif subtype == "AT_AddConstraint":
        constraint = cmd.__getattribute__("def").constraint
        contype = _enum_name(constraint, "contype")
        name = constraint.conname or contype.removeprefix("CONSTR_").lower()
        if contype in {"CONSTR_FOREIGN", "CONSTR_CHECK"} and not constraint.skip_validation:
            yield (
                "sql.constraint_without_not_valid",
                Severity.MEDIUM,
                (
                    f"adds constraint {name} on {table} without NOT VALID: validates every row "
                    "under lock"
                ),
            )
        elif contype in {"CONSTR_UNIQUE", "CONSTR_PRIMARY"} and not constraint.indexname:
            yield (
                "sql.constraint_without_not_valid",
                Severity.MEDIUM,
                (
                    f"adds constraint {name} on {table} by building an index under lock "
                    "(build it CONCURRENTLY, then ADD CONSTRAINT ... USING INDEX)"
                ),
            )


def _enum_name(message: Any, field: str) -> str:
    descriptor = message.DESCRIPTOR.fields_by_name[field].enum_type
    return str(descriptor.values_by_number[getattr(message, field)].name)


def _name(relation: Any) -> str:
    return f"{relation.schemaname}.{relation.relname}" if relation.schemaname else relation.relname


def _dotted(node: Any) -> str:
    which = node.WhichOneof("node")
    if which == "list":
        return ".".join(item.string.sval for item in node.list.items)
    if which == "string":
        return str(node.string.sval)
    return "?"
