"""Databases: DROP, TRUNCATE and DELETE/UPDATE without WHERE sent through database clients,
Mongo drops, Redis flushes, and the framework commands that drop or reset a database."""

from __future__ import annotations

import re
from collections.abc import Iterator

from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.finding import Severity, ShellFinding
from countersign.facts.shell.invocation import Invocation
from countersign.facts.shell.rule import env_or_probe, hit, option, positionals
from countersign.lazy_pattern import lazy

_COMMENTS = lazy(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_STRINGS = lazy(r"'(?:[^']|'')*'")
_DROP = lazy(
    r"^\s*drop\s+(table|database|schema|index|view|materialized\s+view|collection|keyspace|owned|user|role)\b",
    re.IGNORECASE,
)
_TRUNCATE = lazy(r"^\s*truncate\b", re.IGNORECASE)
_DELETE = lazy(r"^\s*delete\s+from\b", re.IGNORECASE)
_UPDATE = lazy(r"^\s*update\s+\S+\s+set\b", re.IGNORECASE)
_ALTER_DROP = lazy(r"^\s*alter\s+table\b.*\bdrop\s+(column|constraint)?", re.IGNORECASE | re.DOTALL)
_WHERE = lazy(r"\bwhere\b", re.IGNORECASE)
_MONGO = lazy(
    r"\.(drop|dropDatabase|dropCollection|dropIndexes)\s*\(|\.(deleteMany|remove)\s*\(\s*\{\s*\}",
    re.IGNORECASE,
)
_HOST_OPTIONS = ("-h", "--host", "-d", "--dbname", "-D", "--database", "--uri", "-u", "--url")


def statements(sql: str) -> list[str]:
    text = _STRINGS.sub("''", _COMMENTS.sub(" ", sql))
    return [s for s in text.split(";") if s.strip()]


def sql_findings(sql: str, inv: Invocation, prod: str | None, where: str) -> Iterator[ShellFinding]:
    """Judge SQL text (``where`` says how it reached the database)."""
    for statement in statements(sql[:200_000]):
        short = " ".join(statement.split())[:80]
        if _DROP.match(statement):
            yield hit(
                "db.drop",
                Severity.HIGH,
                f"{short!r} {where} drops data for good",
                inv,
                prod,
                Severity.CRITICAL,
            )
        elif _TRUNCATE.match(statement):
            yield hit(
                "db.truncate",
                Severity.HIGH,
                f"{short!r} {where} deletes every row",
                inv,
                prod,
                Severity.CRITICAL,
            )
        elif _DELETE.match(statement) and not _WHERE.search(statement):
            yield hit(
                "db.delete-all",
                Severity.HIGH,
                f"{short!r} {where} has no WHERE: every row goes",
                inv,
                prod,
                Severity.CRITICAL,
            )
        elif _UPDATE.match(statement) and not _WHERE.search(statement):
            yield hit(
                "db.update-all",
                Severity.MEDIUM,
                f"{short!r} {where} has no WHERE: every row changes",
                inv,
                prod,
                Severity.HIGH,
            )
        elif _ALTER_DROP.match(statement):
            yield hit(
                "db.drop",
                Severity.MEDIUM,
                f"{short!r} {where} drops a column or constraint",
                inv,
                prod,
                Severity.HIGH,
            )


def _production(inv: Invocation, ctx: ShellContext) -> str | None:
    candidates = [option(inv.args, o) for o in _HOST_OPTIONS]
    candidates += [
        a
        for a in positionals(
            inv.args, set(_HOST_OPTIONS) | {"-c", "-e", "-f", "--eval", "-p", "--port", "-U"}
        )
        if "://" in a or "." in a
    ]
    for name in (
        "PGHOST",
        "PGDATABASE",
        "DATABASE_URL",
        "MYSQL_HOST",
        "MONGODB_URI",
        "REDIS_URL",
        "PGSERVICE",
    ):
        candidates.append(env_or_probe(inv, ctx, name))
    for value in candidates:
        if value and (
            ctx.production.names("cloud", value) or ctx.production.names("resource", value)
        ):
            return f"database {value}"
    found = ctx.production.environment({**ctx.env, **dict(inv.env)})
    return f"environment {found}" if found else None


def sql_client(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    prod = _production(inv, ctx)
    name = inv.name
    texts: list[tuple[str, str]] = []
    flags = {
        "psql": ("-c", "--command"),
        "mysql": ("-e", "--execute"),
        "mariadb": ("-e", "--execute"),
        "cockroach": ("-e", "--execute"),
        "clickhouse-client": ("-q", "--query"),
        "duckdb": ("-c",),
        "sqlcmd": ("-Q", "-q"),
    }
    args = inv.args
    for i, arg in enumerate(args):
        for flag in flags.get(name, ()):
            if arg == flag and i + 1 < len(args):
                texts.append((args[i + 1], f"via {name} {flag}"))
            elif flag.startswith("--") and arg.startswith(flag + "="):
                texts.append((arg.split("=", 1)[1], f"via {name} {flag}"))
    if name in ("sqlite3", "duckdb"):
        pos = positionals(args, {"-cmd", "-separator"})
        texts.extend((p, f"via {name}") for p in pos[1:])
    if inv.stdin is not None:
        texts.append((inv.stdin, f"sent to {name}"))
    for text, where in texts:
        yield from sql_findings(text, inv, prod, where)


def mongo(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    prod = _production(inv, ctx)
    code = " ".join(filter(None, [option(inv.args, "--eval"), inv.stdin]))
    if _MONGO.search(code):
        yield hit(
            "db.drop",
            Severity.HIGH,
            f"{inv.name} drops or empties collections",
            inv,
            prod,
            Severity.CRITICAL,
        )


def redis(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    prod = _production(inv, ctx)
    words = [a.upper() for a in inv.args] + (inv.stdin or "").upper().split()
    for verb in ("FLUSHALL", "FLUSHDB"):
        if verb in words:
            yield hit(
                "db.flush",
                Severity.HIGH,
                f"redis {verb} deletes every key",
                inv,
                prod,
                Severity.CRITICAL,
            )
            return
    for first, second in zip(words, [*words[1:], ""], strict=True):
        if (first, second) in (("SHUTDOWN", "NOSAVE"), ("DEBUG", "SEGFAULT")):
            yield hit(
                "db.server-kill",
                Severity.HIGH,
                f"redis {first} {second} stops the server without saving: every write since "
                "the last snapshot is lost",
                inv,
                prod,
                Severity.CRITICAL,
            )
            return


def dropper(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    """``dropdb``, ``mysqladmin drop``: whole databases."""
    if inv.name == "mysqladmin" and "drop" not in inv.args:
        return
    yield hit(
        "db.drop",
        Severity.HIGH,
        f"{inv.name} drops a whole database",
        inv,
        _production(inv, ctx),
        Severity.CRITICAL,
    )


_FRAMEWORK = lazy(
    r"^(db:drop|db:drop:all|db:drop:_unsafe|db:reset|db:schema:load|db:purge|db:migrate:reset|db:truncate_all|db:seed:replant|"
    r"flush|reset_db|sqlflush|migrate:fresh|migrate:reset|migrate:refresh|db:wipe|"
    r"doctrine:database:drop|doctrine:schema:drop)$"
)


def framework(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    """``rails db:drop``, ``manage.py flush``, ``prisma migrate reset``, ``migrate:fresh``."""
    args = list(inv.args)
    pos = positionals(args)
    task = next((p for p in pos if _FRAMEWORK.match(p)), None)
    if inv.name == "prisma" and (
        pos[:2] == ["migrate", "reset"] or (pos[:2] == ["db", "push"] and "--force-reset" in args)
    ):
        task = " ".join(pos[:2])
    if task is None:
        return
    # ``rake db:drop RAILS_ENV=production``, ``artisan migrate:fresh --env=production``
    given = dict(a.split("=", 1) for a in args if "=" in a and not a.startswith("-"))
    named = option(inv.args, "--env", "-e")
    env = {**ctx.env, **dict(inv.env), **given, **({"APP_ENV": named} if named else {})}
    found = ctx.production.environment(env)
    yield hit(
        "db.reset",
        Severity.HIGH,
        f"{task} drops or empties the database",
        inv,
        f"environment {found}" if found else None,
        Severity.CRITICAL,
    )


_SCRIPTS = ("manage.py", "artisan", "console", "django-admin", "django-admin.py")


def framework_script(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    """``python manage.py flush``, ``php artisan migrate:fresh``, ``php bin/console ...``: the
    framework's script run by its interpreter is judged as the script."""
    pos = positionals(list(inv.args), {"-W", "-X"})
    if pos and pos[0].rsplit("/", 1)[-1] in _SCRIPTS and inv.args[:1] != ("-c",):
        start = inv.args.index(pos[0])
        yield from framework(inv.nested(inv.args[start:], inv.name), ctx)


def schema_push(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    """``prisma db push --accept-data-loss``, ``drizzle-kit push --force``: the schema is
    applied with whatever drops it implies, without the prompt that would have listed them."""
    pos = positionals(list(inv.args))
    if inv.name == "prisma" and pos[:2] == ["db", "push"] and "--accept-data-loss" in inv.args:
        flag = "--accept-data-loss"
    elif inv.name == "drizzle-kit" and pos[:1] == ["push"] and "--force" in inv.args:
        flag = "--force"
    else:
        return
    found = ctx.production.environment({**ctx.env, **dict(inv.env)})
    yield hit(
        "db.drop",
        Severity.MEDIUM,
        f"{inv.name} {' '.join(pos[:2] if inv.name == 'prisma' else pos[:1])} {flag} drops "
        "tables and columns the schema no longer has, without listing them first",
        inv,
        f"environment {found}" if found else None,
        Severity.CRITICAL,
    )


RULES = {
    "drizzle-kit": (schema_push,),
    "psql": (sql_client,),
    "mysql": (sql_client,),
    "mariadb": (sql_client,),
    "sqlite3": (sql_client,),
    "duckdb": (sql_client,),
    "cockroach": (sql_client,),
    "clickhouse-client": (sql_client,),
    "sqlcmd": (sql_client,),
    "mongo": (mongo,),
    "mongosh": (mongo,),
    "redis-cli": (redis,),
    "dropdb": (dropper,),
    "mysqladmin": (dropper,),
    "rails": (framework,),
    "rake": (framework,),
    "bin/rails": (framework,),
    "manage.py": (framework,),
    "artisan": (framework,),
    "prisma": (framework, schema_push),
    "console": (framework,),
    "python": (framework_script,),
    "python3": (framework_script,),
    "php": (framework_script,),
}
