"""The packs in force: the shipped ones (compiled at build time into ``packs/compiled.json``,
which loads in well under a millisecond), a repository's own, and the ones it disables.

``PackSet`` is what ``classify`` consults: the pack rules of a program, the flags that make a
call of it a dry run, and whether a rule id is switched off.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from pathlib import Path

from countersign.errors import ConfigError
from countersign.facts.severity import Severity
from countersign.facts.shell.pack import UNDISABLEABLE, Form, Pack, PackRule, Program, parse_pack
from countersign.records import asdict, field, record, replace

TYPE_CHECKING = False  # typing stays off the guard's full path
if TYPE_CHECKING:
    from typing import Any

PACKS_DIR = Path(__file__).parent / "packs"
COMPILED = PACKS_DIR / "compiled.json"
FORMAT = 1


@record(frozen=True)
class PackSet:
    packs: tuple[Pack, ...]
    disabled: frozenset[str] = frozenset()
    by_program: dict[str, tuple[tuple[PackRule, Program], ...]] = field(
        default_factory=dict, compare=False
    )
    dry_runs: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    clusters: dict[str, bool] = field(default_factory=dict, compare=False)
    programs: dict[str, Program] = field(default_factory=dict, compare=False)
    pack_of: dict[str, str] = field(default_factory=dict, compare=False)  # rule id -> pack id

    @classmethod
    def of(cls, packs: Iterable[Pack], disabled: Iterable[str] = ()) -> PackSet:
        packs = tuple(packs)
        off = frozenset(disabled)
        programs = merged_programs(packs)
        by_program: dict[str, list[tuple[PackRule, Program]]] = {}
        for pack in packs:
            if pack.id in off:
                continue
            for rule in pack.rules:
                if rule.engine != "pack" or rule.id in off:
                    continue
                for name in rule.programs:
                    by_program.setdefault(name, []).append((rule, programs.get(name, Program())))
        return cls(
            packs,
            off,
            {k: tuple(v) for k, v in by_program.items()},
            {k: p.dry_run for k, p in programs.items() if p.dry_run},
            {k: p.clusters for k, p in programs.items()},
            programs,
            {rule.id: pack.id for pack in packs for rule in pack.rules},
        )

    def plus(self, packs: Iterable[Pack], disabled: Iterable[str] = ()) -> PackSet:
        """These packs, and those disabled, on top of this set's."""
        return PackSet.of((*self.full_packs(), *packs), (*self.disabled, *disabled))

    def full_packs(self) -> tuple[Pack, ...]:
        return self.packs

    def rules_for(self, name: str) -> tuple[tuple[PackRule, Program], ...]:
        return self.by_program.get(name, ())

    def launched(self, name: str, args: tuple[str, ...]) -> tuple[str, ...] | None:
        """The command a launcher runs (``bundle exec rake db:drop`` -> ``rake db:drop``)."""
        program = self.programs.get(name)
        if program is None or not program.launches:
            return None
        with_value = set(program.with_value)
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--":
                return args[i + 1 :] or None
            if arg.startswith("-"):
                i += 2 if arg in with_value else 1
                continue
            if arg not in program.launches or not arg:
                return args[i:] if "" in program.launches else None
            rest = args[i + 1 :]
            while rest and rest[0].startswith("-") and rest[0] != "--":
                rest = rest[2:] if rest[0] in with_value else rest[1:]
            return (rest[1:] if rest[:1] == ("--",) else rest) or None
        return None

    def enabled(self, rule_id: str) -> bool:
        if rule_id.startswith(UNDISABLEABLE):
            return True
        if not self.disabled:
            return True
        return rule_id not in self.disabled and self.pack_of.get(rule_id) not in self.disabled

    def rule(self, rule_id: str) -> tuple[Pack, PackRule] | None:
        for pack in self.packs:
            for rule in pack.rules:
                if rule.id == rule_id:
                    return pack, rule
        return None


def merged_programs(packs: Iterable[Pack]) -> dict[str, Program]:
    """What every pack says about each program, together: a program's options that take a
    value are the same whichever pack's rule reads its words."""
    out: dict[str, Program] = {}
    for pack in packs:
        for name, p in pack.programs.items():
            q = out.get(name, Program())
            out[name] = Program(
                tuple(dict.fromkeys((*q.with_value, *p.with_value))),
                tuple(dict.fromkeys((*q.dry_run, *p.dry_run))),
                tuple(dict.fromkeys((*q.production, *p.production))),
                q.clusters and p.clusters,
                tuple(dict.fromkeys((*q.launches, *p.launches))),
            )
    return out


def load_sources(directory: Path = PACKS_DIR) -> list[Pack]:
    """Parse every ``*.toml`` pack of a directory (build time, or a repository's own packs)."""
    return [
        parse_text(path.read_text(encoding="utf-8"), path.name)
        for path in sorted(directory.glob("*.toml"))
    ]


def parse_text(text: str, source: str) -> Pack:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, "", f"not valid TOML ({exc})") from None
    return parse_pack(data, source)


def compile_data(packs: Iterable[Pack]) -> dict[str, Any]:
    """The JSON form of validated packs (a repository's packs, cached per commit)."""
    return {"format": FORMAT, "packs": [asdict(p) for p in packs]}


def from_data(data: dict[str, Any]) -> list[Pack]:
    return [_pack(p) for p in data["packs"]]


def compile_runtime(packs: Iterable[Pack]) -> dict[str, Any]:
    """What ``shipped()`` loads: per program, its rules as one JSON string parsed only when a
    command runs that program, so the size of the packs does not add to each call's start-up.
    Explanations and examples are left out (``guard packs`` reads them from the sources)."""
    packs = tuple(packs)
    programs = merged_programs(packs)
    rules: dict[str, str] = {}
    index: dict[str, list[str]] = {}
    for pack in packs:
        for rule in pack.rules:
            if rule.engine != "pack":
                continue
            light = {**asdict(rule), "explain": "", "doc": "", "dangerous": [], "safe": []}
            rules[rule.id] = json.dumps(light, sort_keys=True, separators=(",", ":"))
            for name in rule.programs:
                index.setdefault(name, []).append(rule.id)
    return {
        "format": FORMAT,
        "packs": [{"id": p.id, "title": p.title, "source": p.source} for p in packs],
        "pack_of": {rule.id: pack.id for pack in packs for rule in pack.rules},
        "programs": {name: asdict(p) for name, p in sorted(programs.items())},
        "index": dict(sorted(index.items())),
        "rules": rules,
    }


class _LazyRules:
    """A program's pack rules, parsed from their JSON the first time the program is seen."""

    def __init__(
        self, index: dict[str, list[str]], raw: dict[str, str], programs: dict[str, Program]
    ) -> None:
        self.index, self.raw, self.programs = index, raw, programs
        self.rules: dict[str, PackRule] = {}
        self.parsed: dict[str, tuple[tuple[PackRule, Program], ...]] = {}

    def rule(self, rule_id: str) -> PackRule:
        found = self.rules.get(rule_id)
        if found is None:
            found = self.rules[rule_id] = _rule(json.loads(self.raw[rule_id]))
        return found

    def get(
        self, name: str, default: tuple[tuple[PackRule, Program], ...] = ()
    ) -> tuple[tuple[PackRule, Program], ...]:
        found = self.parsed.get(name)
        if found is None:
            ids = self.index.get(name)
            if ids is None:
                return default
            program = self.programs.get(name, Program())
            found = self.parsed[name] = tuple((self.rule(i), program) for i in ids)
        return found

    def all_rules(self) -> list[PackRule]:
        return [self.rule(i) for i in self.raw]


@record(frozen=True)
class _ShippedSet(PackSet):
    lazy: _LazyRules | None = field(default=None, compare=False)

    def rules_for(self, name: str) -> tuple[tuple[PackRule, Program], ...]:
        return self.lazy.get(name) if self.lazy is not None else ()

    def full_packs(self) -> tuple[Pack, ...]:
        """The packs with their rules (a repository adds its own): every program's options,
        merged already, ride on the first pack."""
        rules = self.lazy.all_rules() if self.lazy is not None else []
        return tuple(
            replace(
                pack,
                rules=tuple(r for r in rules if self.pack_of.get(r.id) == pack.id),
                programs=dict(self.programs) if i == 0 else {},
            )
            for i, pack in enumerate(self.packs)
        )


@functools.cache
def shipped() -> PackSet:
    """The packs that ship with countersign, from their compiled form (no explanations)."""
    data = json.loads(COMPILED.read_text(encoding="utf-8"))
    programs = {name: _program(p) for name, p in data["programs"].items()}
    return _ShippedSet(
        tuple(Pack(p["id"], p["title"], "", (), {}, p["source"]) for p in data["packs"]),
        frozenset(),
        {},
        {k: p.dry_run for k, p in programs.items() if p.dry_run},
        {k: p.clusters for k, p in programs.items()},
        programs,
        data["pack_of"],
        _LazyRules(data["index"], data["rules"], programs),
    )


@functools.cache
def shipped_explained() -> PackSet:
    """The shipped packs with their explanations and examples, from the sources."""
    return PackSet.of(load_sources())


def _pack(d: dict[str, Any]) -> Pack:
    return Pack(
        d["id"],
        d["title"],
        d["about"],
        tuple(_rule(r) for r in d["rules"]),
        {name: _program(p) for name, p in d["programs"].items()},
        d["source"],
    )


def _program(d: dict[str, Any]) -> Program:
    return Program(
        tuple(d["with_value"]),
        tuple(d["dry_run"]),
        tuple(d["production"]),
        d["clusters"],
        tuple(d["launches"]),
    )


def _rule(d: dict[str, Any]) -> PackRule:
    prod = d["prod_severity"]
    return PackRule(
        d["id"],
        tuple(d["programs"]),
        tuple(_form(f) for f in d["forms"]),
        Severity(d["severity"]),
        d["destroys"],
        d["explain"],
        Severity(prod) if prod else None,
        tuple(d["production"]),
        tuple(d["dry_run"]),
        d["doc"],
        tuple(d["dangerous"]),
        tuple(d["safe"]),
        d["engine"],
    )


def _form(d: dict[str, Any]) -> Form:
    return Form(
        tuple(tuple(w) for w in d["words"]),
        d["at"],
        tuple(tuple(f) for f in d["flags"]),
        tuple((tuple(names), pattern) for names, pattern in d["options"]),
        d["text"],
        tuple(d["unless"]),
        d["check"],
        tuple((k, v) for k, v in d["env"]),
        tuple(d["programs"]),
    )


INTERPRETERS = ("python", "node", "deno", "bun", "ruby", "perl", "php")


def vocabulary(packs: Iterable[Pack]) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """What the prescreen must send to full analysis for the pack rules to see every match:
    programs always (``ALWAYS``), or programs with a word one of whose forms needs (``GATED``).

    A form is gated by a literal word it requires: a positional word item whose alternatives
    are plain words, or a flag item whose alternatives are long options (compared without any
    ``=value``). A form with neither (globs, short clustered flags, text, checks) sends its
    program always. Interpreters are left to the prescreen, which already sends every call that
    carries code (``-c``, ``-e``, a pipe) to full analysis; pack forms read only that code."""
    packs = tuple(packs)
    programs = merged_programs(packs)
    always: set[str] = set()
    gated: dict[str, set[str]] = {}
    for pack in packs:
        for rule in pack.rules:
            if rule.engine != "pack":
                continue
            for name in rule.programs:
                if name.rstrip("0123456789.") in INTERPRETERS:
                    continue
                clusters = programs.get(name, Program()).clusters
                for form in rule.forms:
                    if form.programs and name not in form.programs:
                        continue
                    gate = _gate(form, clusters)
                    if gate is None:
                        always.add(name)
                    else:
                        gated.setdefault(name, set()).update(gate)
    return frozenset(always), {k: frozenset(v) for k, v in sorted(gated.items()) if k not in always}


def _literal(word: str) -> bool:
    return bool(word) and not set(word) & set("*?[/=")


def _gate(form: Form, clusters: bool) -> tuple[str, ...] | None:
    for alternatives in form.words:
        if all(_literal(w) for w in alternatives):
            return alternatives
    for alternatives in form.flags:
        if all(_literal(f) and (len(f) > 2 or not clusters) for f in alternatives):
            return alternatives
    for names, _pattern in form.options:
        if all(_literal(n) and n.startswith("--") for n in names):
            return names
    return None
