"""Policy test cases (``countersign policy test``): YAML files of facts in and the requirement
ids expected out, validated once into records with errors that name the key."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from countersign.config.window import parse_date
from countersign.config.yamlfile import (
    expect_list,
    expect_mapping,
    expect_str,
    expect_str_list,
    parse_yaml,
    reject_unknown,
)
from countersign.decision.activation import merged_with_defaults
from countersign.decision.engine import decide
from countersign.decision.policy import Policy
from countersign.errors import ConfigError, InputError

DEFAULT_TODAY = date(2026, 6, 1)
FACTS = ("change", "author", "blast", "hazards", "risk", "checks", "approvals")


@dataclass(frozen=True)
class Outcome:
    """One case run: the requirement ids it expected and those the policy gave."""

    name: str
    expected: tuple[str, ...]
    got: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return sorted(self.expected) == sorted(self.got)


def run_cases(policy: Policy, path: str) -> Iterator[Outcome]:
    """Every case of the file at ``path`` (all read first) run against ``policy``, one by one."""
    for name, facts, today, expected in load_cases(path):
        got = decide(policy, merged_with_defaults(facts), today).requirements
        yield Outcome(name, tuple(expected), tuple(r.id for r in got))


def load_cases(path: str) -> list[tuple[str, dict[str, Any], date, list[str]]]:
    file = Path(path).name
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the test cases ({exc.strerror})") from None
    data = expect_mapping(parse_yaml(text, file) or {}, file, "")
    reject_unknown(data, {"cases"}, file, "")
    out = []
    for i, raw in enumerate(expect_list(data.get("cases", []), file, "cases")):
        key = f"cases[{i}]"
        case = expect_mapping(raw, file, key)
        reject_unknown(case, {"name", "facts", "today", "expect"}, file, key)
        facts = dict(expect_mapping(case.get("facts", {}), file, f"{key}.facts"))
        for name in facts:
            if name not in FACTS:
                raise ConfigError(file, f"{key}.facts.{name}", f"unknown fact {name!r}")
        out.append(
            (
                expect_str(case.get("name"), file, f"{key}.name"),
                facts,
                parse_date(case.get("today"), file, f"{key}.today") or DEFAULT_TODAY,
                list(expect_str_list(case.get("expect", []), file, f"{key}.expect")),
            )
        )
    return out
