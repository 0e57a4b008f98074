"""Rule packs: guard rules written as data, one pack per tool family. A rule names the programs,
the words and flags that make a call destructive, what it destroys, its severity, where its
production context is read, and examples of its own; this module turns the TOML tables into
typed records, with errors that point at the exact key (``vault.toml: rule[2].severity: ...``).

Pure: dictionaries in, records out. Reading files (shipped packs, a repository's committed ones)
happens at the edges (``facts.shell.packs``).
"""

from __future__ import annotations

import re

from countersign.errors import ConfigError
from countersign.facts.severity import Severity
from countersign.lazy_pattern import lazy
from countersign.records import field, record, replace

TYPE_CHECKING = False  # typing stays off the guard's full path
if TYPE_CHECKING:
    from typing import Any

# Conditions a rule can never be turned off for: they protect the guard and its analysis.
UNDISABLEABLE = ("guard.", "edit.protected-path", "shell.", "exec.")
CHECKS = ("remote-url",)
_ID = lazy(r"[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*")
_PACK_ID = lazy(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@record(frozen=True)
class Form:
    """One way a rule matches; every condition given must hold.

    ``words``: positional words from ``at`` on (options and their values skipped), each item
    alternatives split by ``|``, each an fnmatch glob. ``flags``: each item's alternatives, one
    must be present. ``options``: option alternatives -> a regex its value must match.
    ``text``: a regex searched (case-insensitive) in the arguments and the text fed on stdin.
    ``unless``: any of these flags present, no match. ``check``: a named predicate in code.
    """

    words: tuple[tuple[str, ...], ...] = ()
    at: int = 0
    flags: tuple[tuple[str, ...], ...] = ()
    options: tuple[tuple[tuple[str, ...], str], ...] = ()
    text: str = ""
    unless: tuple[str, ...] = ()
    check: str = ""
    env: tuple[tuple[str, str], ...] = ()  # NAME -> regex its value must match
    programs: tuple[str, ...] = ()  # only for these of the rule's programs


@record(frozen=True)
class PackRule:
    id: str
    programs: tuple[str, ...]
    forms: tuple[Form, ...]
    severity: Severity
    destroys: str
    explain: str
    prod_severity: Severity | None = None
    production: tuple[str, ...] = ()
    dry_run: tuple[str, ...] = ()
    doc: str = ""
    dangerous: tuple[str, ...] = ()
    safe: tuple[str, ...] = ()
    engine: str = "pack"  # "python": implemented in rules/*.py, listed here with its examples


@record(frozen=True)
class Program:
    """What a pack knows about one program: options that take a value (so their values are
    not read as words), flags that make any call a dry run, where production context is."""

    with_value: tuple[str, ...] = ()
    dry_run: tuple[str, ...] = ()
    production: tuple[str, ...] = ()
    clusters: bool = True  # ``-rf`` is ``-r -f`` (POSIX style); False for ``-delete`` style
    # Words after which the rest is a command this program runs (``bundle exec``, ``yarn``:
    # "" when its first word already is one): that command is judged too.
    launches: tuple[str, ...] = ()


@record(frozen=True)
class Pack:
    id: str
    title: str
    about: str
    rules: tuple[PackRule, ...]
    programs: dict[str, Program] = field(default_factory=dict)
    source: str = ""


def parse_pack(data: dict[str, Any], source: str) -> Pack:
    """A validated pack from a TOML table; ``source`` names the file in error messages."""
    where = _Where(source)
    _only(data, {"pack", "title", "about", "programs", "rule"}, where)
    pack_id = _text(data, "pack", where, required=True)
    if not _PACK_ID.fullmatch(pack_id):
        raise where.error(
            "pack", f"expected a lower-case id like 'secret-managers', got {pack_id!r}"
        )
    programs_raw = data.get("programs", {})
    if not isinstance(programs_raw, dict):
        raise where.error("programs", "expected a table of program names")
    programs = {
        name: _program(value, where.sub(f"programs.{name}")) for name, value in programs_raw.items()
    }
    rules_raw = data.get("rule", [])
    if not isinstance(rules_raw, list):
        raise where.error("rule", "expected an array of tables ([[rule]])")
    rules = tuple(_rule(item, where.sub(f"rule[{i}]")) for i, item in enumerate(rules_raw))
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        if rule.id in seen:
            raise where.error(f"rule[{i}].id", f"{rule.id!r} is used twice")
        seen.add(rule.id)
    return Pack(
        pack_id,
        _text(data, "title", where) or pack_id,
        _text(data, "about", where),
        rules,
        programs,
        source,
    )


class _Where:
    def __init__(self, source: str, prefix: str = "") -> None:
        self.source, self.prefix = source, prefix

    def sub(self, key: str) -> _Where:
        return _Where(self.source, f"{self.prefix}{key}.")

    def error(self, key: str, problem: str) -> ConfigError:
        return ConfigError(self.source, f"{self.prefix}{key}", problem)


def _only(data: Any, allowed: set[str], where: _Where) -> None:
    if not isinstance(data, dict):
        raise ConfigError(where.source, where.prefix.rstrip(".") or "pack", "expected a table")
    for key in data:
        if key not in allowed:
            raise where.error(str(key), "unknown field")


def _text(data: dict[str, Any], key: str, where: _Where, required: bool = False) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise where.error(key, f"expected a string, got {type(value).__name__}")
    if required and not value.strip():
        raise where.error(key, "is required")
    return value


def _strings(data: dict[str, Any], key: str, where: _Where) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise where.error(key, "expected a list of non-empty strings")
    return tuple(value)


def _regex(data: dict[str, Any], key: str, where: _Where) -> str:
    value = _text(data, key, where)
    try:
        re.compile(value)
    except re.error as exc:
        raise where.error(key, f"not a valid regular expression ({exc})") from None
    return value


def _severity(data: dict[str, Any], key: str, where: _Where) -> Severity | None:
    value = data.get(key)
    if value is None:
        return None
    try:
        return Severity(value)
    except ValueError:
        names = ", ".join(s.value for s in Severity)
        raise where.error(key, f"expected one of {names}, got {value!r}") from None


def _program(data: Any, where: _Where) -> Program:
    _only(data, {"with_value", "dry_run", "production", "clusters", "launches"}, where)
    clusters = data.get("clusters", True)
    if not isinstance(clusters, bool):
        raise where.error("clusters", "expected true or false")
    return Program(
        _strings(data, "with_value", where),
        _strings(data, "dry_run", where),
        _production_keys(data, where),
        clusters,
        _launches(data, where),
    )


def _launches(data: dict[str, Any], where: _Where) -> tuple[str, ...]:
    value = data.get("launches", [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise where.error("launches", 'expected a list of words ("" for the first word)')
    return tuple(value)


def _production_keys(data: dict[str, Any], where: _Where) -> tuple[str, ...]:
    keys = _strings(data, "production", where)
    for key in keys:
        if not (key.startswith(("-", "env:", "@")) or key == "url"):
            raise where.error(
                "production",
                f"{key!r}: expected an option (--namespace), env:NAME, @target, @N or url",
            )
    return keys


_FORM_KEYS = {"words", "at", "flags", "options", "text", "unless", "check", "env", "programs"}
_RULE_KEYS = {
    "id", "programs", "when", "severity", "prod_severity", "destroys", "explain", "production",
    "dry_run", "doc", "dangerous", "safe", "engine",
} | _FORM_KEYS  # fmt: skip


def _rule(data: Any, where: _Where) -> PackRule:
    _only(data, _RULE_KEYS, where)
    rule_id = _text(data, "id", where, required=True)
    if not _ID.fullmatch(rule_id):
        raise where.error(
            "id", f"expected family.name like 'secrets.vault-destroy', got {rule_id!r}"
        )
    engine = data.get("engine", "pack")
    if engine not in ("pack", "python"):
        raise where.error("engine", f"expected pack or python, got {engine!r}")
    severity = _severity(data, "severity", where)
    if severity is None:
        raise where.error("severity", "is required")
    programs = _strings(data, "programs", where)
    forms: tuple[Form, ...] = ()
    if engine == "pack":
        if not programs:
            raise where.error("programs", "name at least one program")
        when = data.get("when")
        if when is None:
            forms = (_form(data, where),)
        elif isinstance(when, list) and when:
            forms = tuple(
                _form(item, where.sub(f"when[{i}]"), only=True) for i, item in enumerate(when)
            )
        else:
            raise where.error("when", "expected a non-empty array of tables ([[rule.when]])")
        if any(replace(f, programs=()) == Form() for f in forms):
            raise where.error("when", "a form needs at least one condition")
        for i, f in enumerate(forms):
            if set(f.programs) - set(programs):
                raise where.error(f"when[{i}].programs", "name only programs the rule lists")
    destroys = _text(data, "destroys", where, required=engine == "pack")
    return PackRule(
        rule_id,
        programs,
        forms,
        severity,
        destroys,
        _text(data, "explain", where, required=True),
        _severity(data, "prod_severity", where),
        _production_keys(data, where),
        _strings(data, "dry_run", where),
        _text(data, "doc", where),
        _strings(data, "dangerous", where),
        _strings(data, "safe", where),
        engine,
    )


def _form(data: Any, where: _Where, only: bool = False) -> Form:
    if only:
        _only(data, _FORM_KEYS, where)
    at = data.get("at", 0)
    if not isinstance(at, int) or at < 0:
        raise where.error("at", "expected a position (0 or more)")
    options_raw = data.get("options", {})
    if not isinstance(options_raw, dict):
        raise where.error("options", "expected a table of option -> regex")
    options = []
    for name, pattern in options_raw.items():
        if not isinstance(pattern, str):
            raise where.error(f"options.{name}", "expected a regular expression")
        _regex({"v": pattern}, "v", where.sub(f"options.{name}"))
        options.append((tuple(name.split("|")), pattern))
    env_raw = data.get("env", {})
    if not isinstance(env_raw, dict) or not all(isinstance(v, str) for v in env_raw.values()):
        raise where.error("env", "expected a table of NAME -> regex")
    check = _text(data, "check", where)
    if check and check not in CHECKS:
        raise where.error("check", f"expected one of {', '.join(CHECKS)}, got {check!r}")
    return Form(
        tuple(tuple(w.split("|")) for w in _strings(data, "words", where)),
        at,
        tuple(tuple(f.split("|")) for f in _strings(data, "flags", where)),
        tuple(options),
        _regex(data, "text", where),
        _strings(data, "unless", where),
        check,
        tuple(env_raw.items()),
        _strings(data, "programs", where) if only else (),
    )
