"""``ALTER TABLE`` subcommands, from PostgreSQL's ALTER TABLE reference: most take ACCESS
EXCLUSIVE (reads and writes wait, and wait behind it), some rewrite the whole table while
holding it, some scan every row; a few weaken what the schema guarantees."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from countersign.facts.hazards import Severity
from countersign.facts.hazards.sql.locks import Lock, held
from countersign.facts.hazards.sql.migration import Finding, Migration
from countersign.facts.hazards.sql.nodes import enum_name, type_name

# Defaults evaluated per row (volatile functions): the column is filled by a table rewrite on
# every release. now()/CURRENT_TIMESTAMP are stable, so they do not count.
VOLATILE_FUNCTIONS = frozenset(
    {
        "random", "clock_timestamp", "timeofday", "gen_random_uuid", "uuid_generate_v1",
        "uuid_generate_v1mc", "uuid_generate_v4", "uuidv4", "uuidv7", "nextval", "setseed",
    }
)  # fmt: skip
SERIAL_TYPES = frozenset({"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"})
# Target types whose change from a narrower kind of string or number needs no rewrite.
MAYBE_COERCIBLE = frozenset({"text", "varchar", "numeric", "varbit", "citext"})
_REWRITES = {
    "AT_SetTableSpace": "SET TABLESPACE moves every page",
    "AT_SetLogged": "SET LOGGED rewrites it",
    "AT_SetUnLogged": "SET UNLOGGED rewrites it",
}
_DISABLE_TRIGGER = {"AT_DisableTrig", "AT_DisableTrigAll", "AT_DisableTrigUser"}


def alter_table(table: str, cmd: Any, migration: Migration) -> Iterator[Finding]:
    subtype = enum_name(cmd, "subtype")
    column = f"{table}.{cmd.name}"
    rule = _RULES.get(subtype)
    if rule is not None:
        yield from rule(table, column, cmd, migration)
    elif subtype in _REWRITES:
        yield Finding(
            "sql.table_rewrite",
            Severity.HIGH,
            f"{_REWRITES[subtype]}: {table} is rewritten and "
            f"{held(Lock.ACCESS_EXCLUSIVE, table)} until it commits; instead: a maintenance "
            "window, or a new table filled online",
        )
    elif subtype in _DISABLE_TRIGGER:
        yield Finding(
            "sql.disable_trigger",
            Severity.MEDIUM,
            f"disables triggers on {table}: rows written meanwhile skip what they enforce "
            f"(foreign keys too, with ALL); {held(Lock.SHARE_ROW_EXCLUSIVE, table)}; instead: "
            "keep them on, or re-enable them in the same transaction",
        )


def _drop_column(table: str, column: str, _: Any, __: Migration) -> Iterator[Finding]:
    yield Finding(
        "sql.drop_column",
        Severity.CRITICAL,
        f"drops column {column}: its data is lost and code that reads it breaks; "
        f"{held(Lock.ACCESS_EXCLUSIVE, table)} briefly; instead: stop reading and writing it, "
        "then drop it in a later release",
    )


def _column_type(table: str, column: str, cmd: Any, _: Migration) -> Iterator[Finding]:
    definition = cmd.__getattribute__("def").column_def
    target = type_name(definition.type_name)
    using = definition.HasField("raw_default")
    coercible = not using and target.split("(")[0] in MAYBE_COERCIBLE
    yield Finding(
        "sql.alter_column_type",
        Severity.MEDIUM if coercible else Severity.HIGH,
        f"changes the type of {column} to {target}: "
        + (
            "no rewrite only if the old type is binary-coercible (varchar to text or a longer "
            "varchar, numeric to wider numeric), indexes may still be rebuilt; "
            if coercible
            else "the table and its indexes are rewritten; "
        )
        + f"{held(Lock.ACCESS_EXCLUSIVE, table)} throughout; instead: add a new column, "
        "backfill it in batches, switch reads, then drop the old one",
    )


def _set_not_null(table: str, column: str, _: Any, migration: Migration) -> Iterator[Finding]:
    if table in migration.validated_checks and migration.version >= 12:
        return  # a validated CHECK (col IS NOT NULL) lets PostgreSQL 12+ skip the scan
    yield Finding(
        "sql.set_not_null",
        Severity.MEDIUM,
        f"SET NOT NULL on {column} scans every row while it "
        f"{held(Lock.ACCESS_EXCLUSIVE, table)}; instead: ADD CONSTRAINT ... CHECK "
        f"({cmd_name(column)} IS NOT NULL) NOT VALID, VALIDATE it in a later transaction, then "
        "SET NOT NULL (PostgreSQL 12+ uses the constraint and skips the scan)",
    )


def cmd_name(column: str) -> str:
    return column.rsplit(".", 1)[-1]


def _drop_not_null(table: str, column: str, _: Any, __: Migration) -> Iterator[Finding]:
    yield Finding(
        "sql.drop_not_null",
        Severity.MEDIUM,
        f"DROP NOT NULL on {column}: NULLs may now be written where code and reports assume "
        f"a value; {held(Lock.ACCESS_EXCLUSIVE, table)} briefly; instead: make every reader "
        "handle NULL first, and say why the column may now be empty",
    )


def _add_column(table: str, _: str, cmd: Any, migration: Migration) -> Iterator[Finding]:
    definition = cmd.__getattribute__("def").column_def
    column = f"{table}.{definition.colname}"
    constraints = {enum_name(c.constraint, "contype"): c.constraint for c in definition.constraints}
    default = constraints.get("CONSTR_DEFAULT")
    base = type_name(definition.type_name).split("(")[0]
    why = _rewrite_reason(default, constraints, base, migration.version)
    if why:
        yield Finding(
            "sql.add_column_rewrite",
            Severity.HIGH,
            f"adds column {column} with {why}: the whole table is rewritten while it "
            f"{held(Lock.ACCESS_EXCLUSIVE, table)}; instead: add it without the default, set "
            "the default, backfill in batches",
        )
    if (
        "CONSTR_NOTNULL" in constraints
        and default is None
        and not constraints.keys() & {"CONSTR_IDENTITY", "CONSTR_GENERATED"}
        and base not in SERIAL_TYPES
    ):
        yield Finding(
            "sql.not_null_without_default",
            Severity.HIGH,
            f"adds NOT NULL column {column} without a default: fails on a table that has "
            "rows; instead: add it with a constant default, or nullable and backfilled",
        )
    if constraints.keys() & {"CONSTR_UNIQUE", "CONSTR_PRIMARY"}:
        yield Finding(
            "sql.constraint_without_not_valid",
            Severity.MEDIUM,
            f"adds column {column} with a unique index built while it "
            f"{held(Lock.ACCESS_EXCLUSIVE, table)}; instead: add the column, CREATE UNIQUE "
            "INDEX CONCURRENTLY, then ADD CONSTRAINT ... USING INDEX",
        )


def _rewrite_reason(
    default: Any, constraints: dict[str, Any], base: str, version: int
) -> str | None:
    if base in SERIAL_TYPES:
        return f"type {base} (its nextval() default is volatile)"
    if "CONSTR_IDENTITY" in constraints:
        return "an identity (every row gets a number)"
    generated = constraints.get("CONSTR_GENERATED")
    if generated is not None:
        return "a stored generated value"
    if default is None:
        return None
    volatile = _volatile_call(default.raw_expr)
    if volatile:
        return f"a volatile default ({volatile}())"
    if version < 11:
        return f"a default (before PostgreSQL 11, the target {version}, any default rewrites)"
    return None


def _volatile_call(expr: Any, depth: int = 0) -> str | None:
    """The first volatile function an expression calls (depth-limited: the grammar's own
    nesting limit is far deeper than any default needs)."""
    if depth > 32:
        return None
    which = expr.WhichOneof("node")
    if which == "func_call":
        function = str(expr.func_call.funcname[-1].string.sval).lower()
        if function in VOLATILE_FUNCTIONS:
            return function
        for arg in expr.func_call.args:
            found = _volatile_call(arg, depth + 1)
            if found:
                return found
    elif which == "type_cast":
        return _volatile_call(expr.type_cast.arg, depth + 1)
    return None


def _add_constraint(table: str, _: str, cmd: Any, migration: Migration) -> Iterator[Finding]:
    constraint = cmd.__getattribute__("def").constraint
    contype = enum_name(constraint, "contype")
    label = constraint.conname or contype.removeprefix("CONSTR_").lower()
    if contype in {"CONSTR_FOREIGN", "CONSTR_CHECK"}:
        if constraint.skip_validation:
            migration.not_valid.add((table, constraint.conname))
            return
        lock = Lock.SHARE_ROW_EXCLUSIVE if contype == "CONSTR_FOREIGN" else Lock.ACCESS_EXCLUSIVE
        on = f"{table} and the table it references" if contype == "CONSTR_FOREIGN" else table
        yield Finding(
            "sql.constraint_without_not_valid",
            Severity.MEDIUM,
            f"adds constraint {label} on {table} without NOT VALID: every row is checked "
            f"while it {held(lock, on)}; instead: ADD CONSTRAINT ... NOT VALID, then VALIDATE "
            "CONSTRAINT in a later transaction (SHARE UPDATE EXCLUSIVE: reads and writes go on)",
        )
    elif contype in {"CONSTR_UNIQUE", "CONSTR_PRIMARY"} and not constraint.indexname:
        yield Finding(
            "sql.constraint_without_not_valid",
            Severity.MEDIUM,
            f"adds constraint {label} on {table} by building an index while it "
            f"{held(Lock.ACCESS_EXCLUSIVE, table)}; instead: CREATE UNIQUE INDEX CONCURRENTLY, "
            "then ADD CONSTRAINT ... USING INDEX",
        )
    elif contype == "CONSTR_EXCLUSION":
        yield Finding(
            "sql.constraint_without_not_valid",
            Severity.MEDIUM,
            f"adds exclusion constraint {label} on {table}: its index is built while it "
            f"{held(Lock.ACCESS_EXCLUSIVE, table)}; instead: add it in a maintenance window",
        )


def _validate(table: str, _: str, cmd: Any, migration: Migration) -> Iterator[Finding]:
    migration.validated_checks.add(table)
    if (table, cmd.name) not in migration.not_valid:
        return
    where = (
        "in the same transaction block"
        if migration.in_block
        else "in the same migration (most migration tools run a file in one transaction)"
    )
    yield Finding(
        "sql.validate_in_same_transaction",
        Severity.MEDIUM,
        f"VALIDATE CONSTRAINT {cmd.name} on {table} {where} as its ADD ... NOT VALID: the ADD's "
        "lock is held until commit, so every row is checked under it; instead: commit the ADD, "
        "and VALIDATE in a later migration",
    )


def _drop_constraint(table: str, _: str, cmd: Any, __: Migration) -> Iterator[Finding]:
    yield Finding(
        "sql.drop_constraint",
        Severity.MEDIUM,
        f"drops constraint {cmd.name} on {table}: rows that break it can now be written; "
        f"{held(Lock.ACCESS_EXCLUSIVE, table)} briefly; instead: keep it until the rule it "
        "enforced is enforced elsewhere, and say where",
    )


_RULES = {
    "AT_DropColumn": _drop_column,
    "AT_AlterColumnType": _column_type,
    "AT_SetNotNull": _set_not_null,
    "AT_DropNotNull": _drop_not_null,
    "AT_AddColumn": _add_column,
    "AT_AddConstraint": _add_constraint,
    "AT_ValidateConstraint": _validate,
    "AT_DropConstraint": _drop_constraint,
}
