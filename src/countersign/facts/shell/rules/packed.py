"""The one rule that runs every pack rule: match an effective command against the forms of the
rules for its program, skip dry runs, read production context where the pack says it is."""

from __future__ import annotations

import re
from collections.abc import Iterator

from countersign.facts.shell.catalog import PackSet
from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.finding import ShellFinding
from countersign.facts.shell.globs import fnmatches
from countersign.facts.shell.interpreter import code_of, language
from countersign.facts.shell.invocation import Invocation
from countersign.facts.shell.pack import Form, PackRule, Program
from countersign.facts.shell.rule import hit, option, positionals
from countersign.lazy_pattern import lazy

_GLOB = set("*?[")


def pack_findings(inv: Invocation, ctx: ShellContext, packs: PackSet) -> Iterator[ShellFinding]:
    rules = packs.rules_for(inv.name)
    if not rules:
        return
    for rule, program in rules:
        with_value = set(program.with_value)
        if dry_run(inv.args, (*program.dry_run, *rule.dry_run), program.clusters):
            continue
        pos = positionals(inv.args, with_value)
        for form in rule.forms:
            shown = _match(form, inv, ctx, pos, program)
            if shown is None:
                continue
            target = pos[form.at + len(form.words) : form.at + len(form.words) + 1]
            prod = _production(inv, ctx, (*program.production, *rule.production), target, pos)
            what = " ".join([inv.name, *shown, *target])
            yield hit(
                rule.id, rule.severity, f"{what} {rule.destroys}", inv, prod, rule.prod_severity
            )
            break


def dry_run(args: tuple[str, ...], flags: tuple[str, ...], clusters: bool = True) -> bool:
    """A dry-run flag given before ``--`` (exactly: ``--dry-run=none`` is not one)."""
    if not flags:
        return False
    for arg in args:
        if arg == "--":
            return False
        if arg in flags:
            return True
        if (
            clusters
            and _cluster(arg)
            and any(len(f) == 2 and f[0] == "-" and f[1] in arg[1:] for f in flags)
        ):
            return True
    return False


def _cluster(arg: str) -> bool:
    return len(arg) > 2 and arg[0] == "-" and arg[1] != "-" and arg[1:].isalpha()


def _match(
    form: Form, inv: Invocation, ctx: ShellContext, pos: list[str], program: Program
) -> list[str] | None:
    """The words and flags that matched, or None."""
    shown: list[str] = []
    if form.programs and inv.name not in form.programs:
        return None
    if form.words:
        words = pos[form.at : form.at + len(form.words)]
        if len(words) < len(form.words):
            return None
        for word, alternatives in zip(words, form.words, strict=True):
            if not any(_glob(word, alt) for alt in alternatives):
                return None
        shown.extend(words)
    args = _options_part(inv.args)
    for alternatives in form.flags:
        found = next(
            (a for a in args if any(_flag(a, f, program.clusters) for f in alternatives)), None
        )
        if found is None:
            return None
        shown.append(found)
    for names, pattern in form.options:
        value = option(args, *names)
        if value is None or not re.search(pattern, value, re.IGNORECASE):
            return None
        shown.append(f"{names[0]} {value}")
    if any(any(_flag(a, f, program.clusters) for a in args) for f in form.unless):
        return None
    code = code_of(inv) if language(inv.name) else None
    if language(inv.name) and code is None:
        return None  # an interpreter's rules read only code given on its command line
    if form.text:
        haystack = code if code is not None else " ".join(inv.args) + "\n" + (inv.stdin or "")
        if not re.search(form.text, haystack, re.IGNORECASE):
            return None
    for name, pattern in form.env:
        value = inv.envvar(name)
        if value is None:
            value = ctx.env.get(name)
        if value is None or not re.search(pattern, value):
            return None
    if form.check == "remote-url" and not remote_target(inv.args, set(program.with_value)):
        return None
    return shown


def _options_part(args: tuple[str, ...]) -> tuple[str, ...]:
    return args[: args.index("--")] if "--" in args else args


def _glob(word: str, pattern: str) -> bool:
    if _GLOB & set(pattern):
        return fnmatches(word, pattern)
    return word == pattern


def _flag(arg: str, spec: str, clusters: bool) -> bool:
    if _GLOB & set(spec):
        return fnmatches(arg, spec) or fnmatches(arg.split("=", 1)[0], spec)
    if arg == spec or (len(spec) > 2 and arg.startswith(spec + "=")):
        return True
    return len(spec) == 2 and spec[0] == "-" and clusters and _cluster(arg) and spec[1] in arg[1:]


_URL = lazy(r"\bhttps?://(\[[^\]]*\]|[^/\s'\"?#:@]+(?:@[^/\s'\"?#:]+)?)", re.IGNORECASE)
_HOSTLIKE = lazy(r"^(?:[\w.-]+@)?(\[[0-9a-f:]+\]|[\w-]+(?:\.[\w-]+)+|localhost)(?::\d+)?(?:/|$)")
_LOOPBACK = lazy(
    r"^(?:localhost|[\w.-]+\.localhost|127(?:\.\d+){3}|0\.0\.0\.0|\[?::1\]?|\[?0*:0*:0*:0*:0*:0*:0*:1\]?)$",
    re.IGNORECASE,
)


def hosts(args: tuple[str, ...], with_value: set[str] = frozenset()) -> list[str | None]:  # type: ignore[assignment]
    """Hosts the arguments address: URLs anywhere (also inside code), and ``host:port/path``
    words; None for one only known at run time (``$URL``)."""
    found: list[str | None] = []
    for arg in args:
        found.extend(m.group(1).rsplit("@", 1)[-1] for m in _URL.finditer(arg))
    for arg in positionals(args, with_value):
        if "://" in arg:
            continue
        if arg.startswith(("$", "`")) or "$(" in arg:
            found.append(None)
            continue
        if arg.startswith(":"):  # httpie's :8080/path means localhost
            found.append("localhost")
            continue
        host = _HOSTLIKE.match(arg)
        if host:
            found.append(host.group(1))
    return found


def remote_target(args: tuple[str, ...], with_value: set[str] = frozenset()) -> bool:  # type: ignore[assignment]
    """Some addressed host is not loopback, or nothing shows where the request goes, or the
    request names a whole index or collection of a data engine on its default local port."""
    found = hosts(args, with_value)
    if not found:
        return True
    return any(h is None or not _LOOPBACK.match(h) for h in found) or data_engine_target(args)


# The default ports of the data engines whose HTTP API deletes a whole index or collection:
# Elasticsearch and OpenSearch, Meilisearch, Typesense, CouchDB, Qdrant, Solr. On this machine
# such a port is as often a `kubectl port-forward` or `ssh -L` tunnel to a shared cluster as a
# container of test data, and nothing in the command tells which: an index-level delete there is
# asked, a one-document delete is not (it is what application code under test does).
DATA_ENGINE_PORTS = frozenset({"9200", "9201", "7700", "8108", "5984", "6333", "8983"})
_LOCAL_URL = lazy(
    r"(?:\bhttps?://|^|(?<=[\s'\"(]))(?:localhost|127(?:\.\d+){3}|0\.0\.0\.0|\[::1\])"
    r":(\d+)(/[^\s'\"?#]*)?",
    re.IGNORECASE,
)
_HTTPIE_LOCAL = lazy(r"^:(\d+)(/[^\s'\"?#]*)?")


def data_engine_target(args: tuple[str, ...]) -> bool:
    """A loopback URL on a data engine's default port whose path names more than one document,
    on a gateway's admin port that names a configuration entity, or Prometheus's TSDB admin."""
    for arg in args:
        found = [(m.group(1), m.group(2) or "") for m in _LOCAL_URL.finditer(arg)]
        httpie = _HTTPIE_LOCAL.match(arg)
        if httpie:
            found.append((httpie.group(1), httpie.group(2) or ""))
        for port, path in found:
            if port in DATA_ENGINE_PORTS and _beyond_one_document(port, path):
                return True
            if port in GATEWAY_ADMIN_PORTS and path.split("/")[1:2] in _GATEWAY_ENTITIES:
                return True
            if path.startswith(_TSDB_ADMIN):
                return True
    return False


# Kong's Admin API (8001, 8444 with TLS) holds the gateway's configuration: deleting a service,
# route, consumer, plugin, upstream, target or certificate there takes it out of the gateway for
# every client, and the same local port is as often a tunnel to a shared gateway as a container.
GATEWAY_ADMIN_PORTS = frozenset({"8001", "8444"})
_GATEWAY_ENTITIES = [
    [name]
    for name in (
        "services", "routes", "consumers", "plugins", "upstreams", "targets", "certificates",
        "snis", "ca_certificates", "keys", "key-sets", "vaults", "workspaces", "rbac",
    )
]  # fmt: skip
# Prometheus's TSDB admin endpoints delete series (and their tombstones) on whatever port the
# server listens on; the path names them alone.
_TSDB_ADMIN = ("/api/v1/admin/tsdb/delete_series", "/api/v1/admin/tsdb/clean_tombstones")


def _beyond_one_document(port: str, path: str) -> bool:
    parts = [p for p in path.split("/") if p]
    if not parts:
        return False  # the engine's root: nothing is named
    if port == "5984":  # CouchDB: /db is a database, /db/docid one document
        return len(parts) < 2 or parts[1].startswith("_")
    if len(parts) >= 3 and parts[1] in ("_doc", "_create"):
        return False
    # Meilisearch /indexes/uid/documents/id, Typesense /collections/name/documents/id
    return not (
        len(parts) >= 4 and parts[2] == "documents" and parts[3] not in ("delete", "delete-batch")
    )


def _production(
    inv: Invocation,
    ctx: ShellContext,
    keys: tuple[str, ...],
    target: list[str],
    pos: list[str],
) -> str | None:
    prod = ctx.production
    for key in keys:
        values: list[str | None]
        if key == "@target":
            values = list(target)
        elif key.startswith("@"):
            index = int(key[1:]) if key[1:].isdigit() else -1
            values = [pos[index]] if 0 <= index < len(pos) else []
        elif key.startswith("env:"):
            name = key[4:]
            value = inv.envvar(name)
            values = [value if value is not None else ctx.env.get(name)]
        elif key == "url":
            values = [h for h in hosts(inv.args) if h]
            values += [m.group(0) for a in inv.args for m in re.finditer(r"https?://\S+", a)]
        else:
            values = [option(inv.args, *key.split("|"))]
        for value in values:
            if value and prod.names("resource", value):
                return f"{key.lstrip('@-').removeprefix('env:')} {value}"
    found = prod.environment({**ctx.env, **dict(inv.env)})
    return f"environment {found}" if found else None


__all__ = [
    "DATA_ENGINE_PORTS",
    "GATEWAY_ADMIN_PORTS",
    "PackRule",
    "data_engine_target",
    "dry_run",
    "hosts",
    "pack_findings",
    "remote_target",
]
