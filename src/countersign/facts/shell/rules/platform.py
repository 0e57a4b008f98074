"""Hosting platforms and managed databases driven from their own command lines: deleting an
app, a site, a volume, a repository or a database, and resetting a linked remote database. The
apps agents scaffold live here, and so does their only copy of the data.

Each entry is the words after the program (options removed) that make the call destructive,
what it destroys, and the rule: ``platform.delete`` for apps, sites, projects, repositories and
volumes, ``db.drop``/``db.reset`` for databases. The named app or project is production when it
looks like it (``shop-prod``), or the environment says so.
"""

from __future__ import annotations

from collections.abc import Iterator

from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.finding import Severity, ShellFinding
from countersign.facts.shell.invocation import Invocation
from countersign.facts.shell.rule import hit, option, positionals
from countersign.records import record

HIGH, MEDIUM = Severity.HIGH, Severity.MEDIUM


@record(frozen=True)
class Call:
    words: tuple[str, ...]
    rule: str
    severity: Severity
    what: str


def _calls(*rows: tuple[str, str, Severity, str]) -> tuple[Call, ...]:
    return tuple(Call(tuple(words.split()), rule, sev, what) for words, rule, sev, what in rows)


_FLY = _calls(
    ("apps destroy", "platform.delete", HIGH, "destroys the app, its machines and its secrets"),
    ("apps delete", "platform.delete", HIGH, "destroys the app, its machines and its secrets"),
    ("volumes destroy", "platform.delete", HIGH, "destroys the volume and the data on it"),
    ("volumes delete", "platform.delete", HIGH, "destroys the volume and the data on it"),
    ("postgres destroy", "db.drop", HIGH, "destroys the Postgres cluster and its data"),
)
CALLS: dict[str, tuple[Call, ...]] = {
    "gh": _calls(
        (
            "repo delete",
            "platform.delete",
            HIGH,
            "deletes the repository with its issues and pull requests",
        ),
        ("release delete", "platform.delete", MEDIUM, "deletes the release and its assets"),
    ),
    "fly": _FLY,
    "flyctl": _FLY,
    "heroku": _calls(
        ("apps:destroy", "platform.delete", HIGH, "destroys the app and its add-ons"),
        (
            "pg:reset",
            "db.reset",
            HIGH,
            "deletes every table and all data of the Heroku Postgres database",
        ),
        ("addons:destroy", "platform.delete", HIGH, "destroys the add-on and the data it holds"),
    ),
    "vercel": _calls(
        ("remove", "platform.delete", HIGH, "removes the project's deployments"),
        ("rm", "platform.delete", HIGH, "removes the project's deployments"),
        ("project rm", "platform.delete", HIGH, "deletes the project"),
        ("project remove", "platform.delete", HIGH, "deletes the project"),
    ),
    "netlify": _calls(("sites:delete", "platform.delete", HIGH, "deletes the site")),
    "firebase": _calls(
        ("firestore:delete", "db.delete-all", HIGH, "deletes Firestore documents"),
        ("database:remove", "db.delete-all", HIGH, "deletes Realtime Database data"),
        ("hosting:disable", "platform.delete", MEDIUM, "takes the site offline"),
    ),
    "supabase": _calls(
        ("projects delete", "platform.delete", HIGH, "deletes the project and its database"),
        ("branches delete", "platform.delete", MEDIUM, "deletes the preview branch and its data"),
    ),
    "railway": _calls(
        ("down", "platform.delete", MEDIUM, "removes the service's latest deployment"),
        ("delete", "platform.delete", HIGH, "deletes the project"),
    ),
    "wrangler": _calls(
        ("delete", "platform.delete", HIGH, "deletes the Worker"),
        ("d1 delete", "db.drop", HIGH, "deletes the D1 database"),
        ("r2 bucket delete", "platform.delete", HIGH, "deletes the R2 bucket"),
        ("kv namespace delete", "platform.delete", HIGH, "deletes the KV namespace and its keys"),
        # Wrangler 1-3 spelled these with a colon; both run
        ("kv:namespace delete", "platform.delete", HIGH, "deletes the KV namespace and its keys"),
        ("kv key delete", "platform.delete", MEDIUM, "deletes the key and its value"),
        ("kv:key delete", "platform.delete", MEDIUM, "deletes the key and its value"),
        ("kv bulk delete", "platform.delete", HIGH, "deletes every key the file lists"),
        ("kv:bulk delete", "platform.delete", HIGH, "deletes every key the file lists"),
        ("r2 object delete", "platform.delete", MEDIUM, "deletes the object from the bucket"),
    ),
    "neonctl": _calls(
        ("projects delete", "platform.delete", HIGH, "deletes the project and its databases"),
        ("branches delete", "platform.delete", MEDIUM, "deletes the branch and its data"),
        ("databases delete", "db.drop", HIGH, "deletes the database"),
    ),
    "pscale": _calls(
        ("database delete", "db.drop", HIGH, "deletes the database"),
        ("branch delete", "platform.delete", MEDIUM, "deletes the branch and its data"),
    ),
    "turso": _calls(
        ("db destroy", "db.drop", HIGH, "destroys the database"),
        ("group destroy", "db.drop", HIGH, "destroys the group and every database in it"),
    ),
}
CALLS["neon"] = CALLS["neonctl"]
# Options that take a value, so their values are not read as the command's words.
_WITH_VALUE = {
    "-a", "--app", "-r", "--remote", "--config", "-c", "--project", "--project-id",
    "--project-ref", "--org", "--org-id", "--scope", "--token", "--env", "-e", "--context",
    "--site", "--environment", "--service", "-s", "--region", "--repo", "-R", "--profile",
}  # fmt: skip
_SUPABASE_REMOTE = ("--linked", "--db-url")


def platform(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    pos = positionals(inv.args, _WITH_VALUE)
    if inv.name == "supabase" and pos[:2] == ["db", "reset"]:
        if any(a.split("=", 1)[0] in _SUPABASE_REMOTE for a in inv.args):
            yield hit(
                "db.reset",
                Severity.HIGH,
                "supabase db reset on the linked project recreates its database: all data lost",
                inv,
                _production(inv, ctx, pos[2:]),
                Severity.CRITICAL,
            )
        return
    for call in CALLS.get(inv.name, ()):
        n = len(call.words)
        if tuple(pos[:n]) == call.words:
            target = pos[n : n + 1]
            yield hit(
                call.rule,
                call.severity,
                f"{inv.name} {' '.join(call.words + tuple(target))} {call.what}",
                inv,
                _production(inv, ctx, target),
                Severity.CRITICAL,
            )
            return


def _production(inv: Invocation, ctx: ShellContext, target: list[str]) -> str | None:
    named = option(inv.args, "-a", "--app", "--project", "--project-ref", "--site", "--env")
    for value in (*target, named):
        if ctx.production.names("app", value):
            return str(value)
    found = ctx.production.environment({**ctx.env, **dict(inv.env)})
    return f"environment {found}" if found else None


RULES = dict.fromkeys((*CALLS, "supabase"), (platform,))
