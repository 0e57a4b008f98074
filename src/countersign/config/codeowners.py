"""CODEOWNERS, read with GitHub's rules, so teams reuse the owners they already declared.

GitHub's rules: one pattern and its owners per line, ``#`` starts a comment, the *last* matching
line wins (a line with no owners un-owns its paths), paths are case-sensitive, and gitignore
syntax applies except ``!`` negation, ``[ ]`` ranges and ``\\#`` escapes, which GitHub rejects.
Invalid lines are skipped, as GitHub does, and reported with file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from countersign.config.globs import Glob, PathIndex, compile_glob
from countersign.config.problems import Problem

# Where GitHub looks, in its order: the first file found is used.
LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")

_USER = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\Z")
_TEAM = re.compile(r"@[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")


@dataclass(frozen=True)
class Rule:
    pattern: str
    owners: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class OwnersMatch:
    """The rule that decided a path's owners (the last matching line)."""

    path: str
    owners: tuple[str, ...]
    file: str
    line: int
    pattern: str


@dataclass(frozen=True)
class CodeOwners:
    file: str
    rules: tuple[Rule, ...] = ()
    problems: tuple[Problem, ...] = ()

    @cached_property
    def index(self) -> PathIndex:
        return PathIndex(
            [compile_glob(r.pattern, r.line, r, floating=True) for r in self.rules],
        )

    def match(self, path: str) -> OwnersMatch | None:
        best: Glob | None = None
        for glob in self.index.matches(path):
            if best is None or glob.order > best.order:
                best = glob
        if best is None:
            return None
        rule = best.value
        assert isinstance(rule, Rule)  # noqa: S101 - the index holds only rules
        return OwnersMatch(path, rule.owners, self.file, rule.line, rule.pattern)


def owner_team(owner: str) -> str | None:
    """``@org/payments`` -> ``payments``: the team name as the roster and catalog write it."""
    if _TEAM.match(owner):
        return owner.split("/", 1)[1]
    return None


def parse_codeowners(text: str, file: str) -> CodeOwners:
    rules: list[Rule] = []
    problems: list[Problem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        tokens = line.split()
        cut = next((i for i, t in enumerate(tokens) if t.startswith("#")), len(tokens))
        pattern, owners = tokens[0], tokens[1:cut]
        problem = _pattern_problem(pattern) or next(
            (
                f"{owner!r} is not an owner; write @user, @org/team or an email address"
                for owner in owners
                if not (_USER.match(owner) or _TEAM.match(owner) or _EMAIL.match(owner))
            ),
            None,
        )
        if problem:
            problems.append(Problem(f"{file}:{number}", f"{problem}; line ignored"))
            continue
        rules.append(Rule(pattern, tuple(owners), number))
    return CodeOwners(file, tuple(rules), tuple(problems))


def _pattern_problem(pattern: str) -> str | None:
    if pattern.startswith("!"):
        return f"pattern {pattern!r}: negation with '!' is not supported by CODEOWNERS"
    if "[" in pattern or "]" in pattern:
        return f"pattern {pattern!r}: character ranges '[ ]' are not supported by CODEOWNERS"
    if pattern.startswith("\\"):
        return f"pattern {pattern!r}: escaping with '\\' is not supported by CODEOWNERS"
    return None
