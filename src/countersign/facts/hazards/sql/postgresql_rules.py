"""What each PostgreSQL statement risks, from PostgreSQL's documentation (ALTER TABLE, CREATE
INDEX, ALTER TYPE, ALTER SEQUENCE, Explicit Locking): data it loses, integrity it weakens, and
the lock it takes and for how long; every finding says what to do instead.

``Migration`` is what the file did before the statement: a table it created is new and empty
(nothing to lock or rewrite), a transaction block is open, a constraint was added ``NOT VALID``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from countersign.facts.hazards import Severity
from countersign.facts.hazards.sql.locks import BY_NUMBER, Lock, held
from countersign.facts.hazards.sql.migration import Finding, Migration
from countersign.facts.hazards.sql.nodes import dotted, enum_name, name
from countersign.facts.hazards.sql.postgresql_alter import alter_table

_DROPS = {
    "OBJECT_TABLE": ("sql.drop_table", Severity.CRITICAL, "table"),
    "OBJECT_MATVIEW": ("sql.drop_table", Severity.CRITICAL, "materialized view"),
    "OBJECT_SCHEMA": ("sql.drop_schema", Severity.CRITICAL, "schema"),
    "OBJECT_SEQUENCE": ("sql.drop_sequence", Severity.HIGH, "sequence"),
    "OBJECT_TYPE": ("sql.drop_type", Severity.HIGH, "type"),
}
_TRANSACTION_START = {"TRANS_STMT_BEGIN", "TRANS_STMT_START"}
_TRANSACTION_END = {
    "TRANS_STMT_COMMIT",
    "TRANS_STMT_ROLLBACK",
    "TRANS_STMT_COMMIT_PREPARED",
    "TRANS_STMT_ROLLBACK_PREPARED",
    "TRANS_STMT_PREPARE",
}


def findings(node: Any, migration: Migration) -> Iterator[Finding]:
    which = node.WhichOneof("node")
    stmt = getattr(node, which) if which else None
    rule = _RULES.get(which or "")
    if rule is not None:
        yield from rule(stmt, migration)


def _create(stmt: Any, migration: Migration) -> Iterator[Finding]:
    migration.created.add(name(stmt.relation))
    return iter(())


def _transaction(stmt: Any, migration: Migration) -> Iterator[Finding]:
    kind = enum_name(stmt, "kind")
    if kind in _TRANSACTION_START:
        migration.in_block = True
    elif kind in _TRANSACTION_END:
        migration.in_block = False
        migration.not_valid.clear()
    return iter(())


def _drop(stmt: Any, migration: Migration) -> Iterator[Finding]:
    what = enum_name(stmt, "remove_type")
    names = [dotted(o) for o in stmt.objects]
    if what == "OBJECT_INDEX":
        if not stmt.concurrent:
            yield Finding(
                "sql.drop_index_without_concurrently",
                Severity.MEDIUM,
                f"DROP INDEX {', '.join(names)} {held(Lock.ACCESS_EXCLUSIVE, 'its table')} "
                "until it commits; instead: DROP INDEX CONCURRENTLY, outside a transaction",
            )
        return
    drop = _DROPS.get(what)
    if drop is None:
        return
    kept = [n for n in names if not migration.is_new(n)]
    if not kept:
        return
    kind, severity, label = drop
    cascade = enum_name(stmt, "behavior") == "DROP_CASCADE"
    loss = {
        "type": "columns of that type go with it" if cascade else "code that uses it breaks",
        "sequence": "its position is lost and defaults that call it fail",
    }.get(label, "its data is lost")
    if cascade and label == "type":
        severity = Severity.CRITICAL
    yield Finding(
        kind,
        severity,
        f"drops {label} {', '.join(kept)}{' with CASCADE' if cascade else ''}: {loss}; "
        "instead: stop every reader first and keep a backup; drop it in a later release",
    )


def _dropdb(stmt: Any, _: Migration) -> Iterator[Finding]:
    yield Finding(
        "sql.drop_database", Severity.CRITICAL, f"drops database {stmt.dbname}: its data is lost"
    )


def _truncate(stmt: Any, migration: Migration) -> Iterator[Finding]:
    tables = [name(r.range_var) for r in stmt.relations]
    kept = [t for t in tables if not migration.is_new(t)]
    if not kept:
        return
    cascade = enum_name(stmt, "behavior") == "DROP_CASCADE"
    yield Finding(
        "sql.truncate",
        Severity.CRITICAL,
        f"truncates {', '.join(kept)}"
        + (" with CASCADE (and every table referencing them)" if cascade else "")
        + f": every row is lost; {held(Lock.ACCESS_EXCLUSIVE, 'them')}",
    )


def _delete(stmt: Any, migration: Migration) -> Iterator[Finding]:
    yield from _ctes(stmt, migration)
    table = name(stmt.relation)
    if not stmt.HasField("where_clause") and not migration.is_new(table):
        yield Finding(
            "sql.delete_without_where",
            Severity.CRITICAL,
            f"deletes every row of {table} (no WHERE); instead: add the WHERE it needs, in batches",
        )


def _update(stmt: Any, migration: Migration) -> Iterator[Finding]:
    yield from _ctes(stmt, migration)
    table = name(stmt.relation)
    if not stmt.HasField("where_clause") and not migration.is_new(table):
        yield Finding(
            "sql.update_without_where",
            Severity.HIGH,
            f"updates every row of {table} (no WHERE), locking each row until it commits; "
            "instead: backfill in batches by key range",
        )


def _select(stmt: Any, migration: Migration) -> Iterator[Finding]:
    yield from _ctes(stmt, migration)
    for target in stmt.target_list:
        value = target.res_target.val
        if value.WhichOneof("node") == "func_call":
            function = [n.string.sval for n in value.func_call.funcname]
            if function and function[-1].lower() == "setval":
                yield Finding(
                    "sql.sequence_change",
                    Severity.MEDIUM,
                    "setval() moves a sequence: set below the highest key, inserts collide "
                    "with existing rows; instead: set it from max(id) in the same statement",
                )


def _insert(stmt: Any, migration: Migration) -> Iterator[Finding]:
    yield from _ctes(stmt, migration)


def _ctes(stmt: Any, migration: Migration) -> Iterator[Finding]:
    """Data-modifying statements in a WITH clause (``WITH d AS (DELETE FROM t) ...``)."""
    if not stmt.HasField("with_clause"):
        return
    for cte in stmt.with_clause.ctes:
        yield from findings(cte.common_table_expr.ctequery, migration)


def _index(stmt: Any, migration: Migration) -> Iterator[Finding]:
    table = name(stmt.relation)
    if stmt.concurrent and migration.in_block:
        yield Finding(
            "sql.concurrently_in_transaction",
            Severity.HIGH,
            f"CREATE INDEX CONCURRENTLY on {table} inside a transaction block fails (it cannot "
            "run in one); instead: run it on its own, outside BEGIN ... COMMIT (disable the "
            "migration tool's transaction for this file)",
        )
    elif not stmt.concurrent and not migration.is_new(table):
        unique = "UNIQUE " if stmt.unique else ""
        yield Finding(
            "sql.index_without_concurrently",
            Severity.MEDIUM,
            f"CREATE {unique}INDEX on {table} without CONCURRENTLY "
            f"{held(Lock.SHARE, table)} while it builds; instead: CREATE {unique}INDEX "
            "CONCURRENTLY, outside a transaction",
        )


def _rename(stmt: Any, _: Migration) -> Iterator[Finding]:
    what = enum_name(stmt, "rename_type")
    labels = {
        "OBJECT_TABLE": "table",
        "OBJECT_COLUMN": "column",
        "OBJECT_VIEW": "view",
        "OBJECT_MATVIEW": "materialized view",
        "OBJECT_SCHEMA": "schema",
        "OBJECT_SEQUENCE": "sequence",
    }
    if what not in labels:
        return
    if what == "OBJECT_SCHEMA":
        old = stmt.subname
    elif stmt.subname:
        old = f"{name(stmt.relation)}.{stmt.subname}"
    else:
        old = name(stmt.relation)
    yield Finding(
        "sql.rename",
        Severity.MEDIUM,
        f"renames {labels[what]} {old} to {stmt.newname}: running code that uses the old name "
        f"breaks; {held(Lock.ACCESS_EXCLUSIVE, 'it')} briefly; instead: add the new name, "
        "move readers and writers over, drop the old one in a later release (or leave a view "
        "with the old name)",
    )


def _alter_table(stmt: Any, migration: Migration) -> Iterator[Finding]:
    table = name(stmt.relation)
    if migration.is_new(table):
        return
    for cmd in stmt.cmds:
        yield from alter_table(table, cmd.alter_table_cmd, migration)


def _alter_enum(stmt: Any, migration: Migration) -> Iterator[Finding]:
    enum = ".".join(n.string.sval for n in stmt.type_name)
    if stmt.old_val:
        yield Finding(
            "sql.enum_change",
            Severity.MEDIUM,
            f"renames value {stmt.old_val!r} of enum {enum} to {stmt.new_val!r}: running code "
            "that writes the old label fails; instead: add the new value, move code over, "
            "then stop using the old one",
        )
    elif migration.in_block and migration.version < 12:
        yield Finding(
            "sql.enum_change",
            Severity.HIGH,
            f"ALTER TYPE {enum} ADD VALUE inside a transaction block fails before PostgreSQL 12 "
            f"(target {migration.version}); instead: run it on its own, outside a transaction",
        )


def _alter_sequence(stmt: Any, _: Migration) -> Iterator[Finding]:
    sequence = name(stmt.sequence)
    options = {o.def_elem.defname for o in stmt.options}
    if "restart" in options:
        yield Finding(
            "sql.sequence_change",
            Severity.HIGH,
            f"restarts sequence {sequence}: it hands out numbers already used, so inserts "
            "collide with existing keys; instead: leave it, or setval() it from max(id)",
        )
    if "cycle" in options and _option_true(stmt, "cycle"):
        yield Finding(
            "sql.sequence_change",
            Severity.HIGH,
            f"makes sequence {sequence} CYCLE: past its maximum it starts over and reuses keys",
        )
    if options & {"maxvalue", "as"}:
        yield Finding(
            "sql.sequence_change",
            Severity.MEDIUM,
            f"narrows sequence {sequence} (MAXVALUE or AS): nextval() fails once it is reached; "
            "instead: check the current value leaves room for years of inserts",
        )


def _option_true(stmt: Any, option: str) -> bool:
    for o in stmt.options:
        if o.def_elem.defname == option:
            arg = o.def_elem.arg
            return not (arg.WhichOneof("node") == "boolean" and not arg.boolean.boolval)
    return False


def _vacuum(stmt: Any, _: Migration) -> Iterator[Finding]:
    if any(o.def_elem.defname == "full" for o in stmt.options):
        tables = ", ".join(name(r.vacuum_relation.relation) for r in stmt.rels) or "every table"
        yield Finding(
            "sql.table_rewrite",
            Severity.HIGH,
            f"VACUUM FULL rewrites {tables} and {held(Lock.ACCESS_EXCLUSIVE, 'it')} for the "
            "whole rewrite; instead: plain VACUUM, or a repack tool that works online",
        )


def _cluster(stmt: Any, _: Migration) -> Iterator[Finding]:
    table = name(stmt.relation) if stmt.HasField("relation") else "every clustered table"
    yield Finding(
        "sql.table_rewrite",
        Severity.HIGH,
        f"CLUSTER rewrites {table} and {held(Lock.ACCESS_EXCLUSIVE, 'it')} for the whole "
        "rewrite; instead: an online repack tool, in a maintenance window",
    )


def _lock(stmt: Any, _: Migration) -> Iterator[Finding]:
    lock = BY_NUMBER.get(stmt.mode, Lock.ACCESS_EXCLUSIVE)
    if lock in {Lock.SHARE, Lock.SHARE_ROW_EXCLUSIVE, Lock.EXCLUSIVE, Lock.ACCESS_EXCLUSIVE}:
        tables = ", ".join(name(r.range_var) for r in stmt.relations)
        yield Finding(
            "sql.lock_table",
            Severity.MEDIUM,
            f"LOCK TABLE {held(lock, tables)} until the transaction ends; instead: set "
            "lock_timeout and keep the transaction short",
        )


def _refresh(stmt: Any, _: Migration) -> Iterator[Finding]:
    if not stmt.concurrent:
        view = name(stmt.relation)
        yield Finding(
            "sql.refresh_without_concurrently",
            Severity.MEDIUM,
            f"REFRESH MATERIALIZED VIEW {view} {held(Lock.ACCESS_EXCLUSIVE, view)} while it "
            "runs; instead: REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index)",
        )


def _reindex(stmt: Any, _: Migration) -> Iterator[Finding]:
    if any(p.def_elem.defname == "concurrently" for p in stmt.params):
        return
    target = name(stmt.relation) if stmt.HasField("relation") else stmt.name
    yield Finding(
        "sql.reindex_without_concurrently",
        Severity.MEDIUM,
        f"REINDEX {target} without CONCURRENTLY {held(Lock.SHARE, 'the table')} and an "
        "ACCESS EXCLUSIVE lock on each index it rebuilds (queries using them wait); instead: "
        "REINDEX CONCURRENTLY",
    )


_RULES = {
    "create_stmt": _create,
    "transaction_stmt": _transaction,
    "drop_stmt": _drop,
    "dropdb_stmt": _dropdb,
    "truncate_stmt": _truncate,
    "delete_stmt": _delete,
    "update_stmt": _update,
    "select_stmt": _select,
    "insert_stmt": _insert,
    "index_stmt": _index,
    "rename_stmt": _rename,
    "alter_table_stmt": _alter_table,
    "alter_enum_stmt": _alter_enum,
    "alter_seq_stmt": _alter_sequence,
    "vacuum_stmt": _vacuum,
    "cluster_stmt": _cluster,
    "lock_stmt": _lock,
    "refresh_mat_view_stmt": _refresh,
    "reindex_stmt": _reindex,
}
