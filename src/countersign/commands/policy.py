"""``countersign policy test|explain``: run a policy's YAML test cases (facts in, expected
requirements out), and show for a change why each rule fired or not."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from countersign.config.window import parse_date
from countersign.config.yamlfile import (
    expect_list,
    expect_mapping,
    expect_str,
    expect_str_list,
    parse_yaml,
    reject_unknown,
)
from countersign.decision.activation import activation, merged_with_defaults
from countersign.decision.engine import decide
from countersign.decision.policy import Policy, default_policy_text, load_policy
from countersign.errors import ConfigError, InputError
from countersign.facts import gather
from countersign.intake.selection import ChangeSelection
from countersign.workspace import analysed, open_workspace

DEFAULT_TODAY = date(2026, 6, 1)


def test(cwd: Path, *, cases: tuple[str, ...], policy_file: str | None) -> int:
    policy = _policy(cwd, policy_file)
    failures = total = 0
    for path in cases:
        for name, facts, today, expected in _cases(path):
            total += 1
            got = [r.id for r in decide(policy, merged_with_defaults(facts), today).requirements]
            if sorted(got) == sorted(expected):
                click.echo(f"PASS {name}")
            else:
                failures += 1
                click.echo(f"FAIL {name}: expected {sorted(expected)}, got {sorted(got)}")
    click.echo(f"{total - failures} of {total} cases pass")
    return 1 if failures else 0


def _policy(cwd: Path, policy_file: str | None) -> Policy:
    path = Path(policy_file) if policy_file else cwd / ".countersign" / "policy.yaml"
    if policy_file and not path.is_file():
        raise InputError(f"{path}: no such policy file")
    if not path.is_file():
        return load_policy(default_policy_text())
    return load_policy(path.read_text(encoding="utf-8"), path.name)


def _cases(path: str) -> list[tuple[str, dict[str, Any], date, list[str]]]:
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
            if name not in ("change", "author", "blast", "hazards", "risk", "checks"):
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


def explain(cwd: Path, selection: ChangeSelection, *, checks: dict[str, str]) -> int:
    ws = analysed(open_workspace(cwd, selection), remember_scans=True, mine=True)
    facts = gather(ws.change, ws.context)
    decision = decide(ws.policy, activation(facts, checks), ws.context.today)
    click.echo(
        f"Policy version {ws.policy.version} (from {ws.change.base or 'the working tree'}) on "
        f"change {ws.change.fingerprint[:19]}:"
    )
    rules = {r.id: r for r in ws.policy.rules}
    for outcome in decision.outcomes:
        mark = "FIRED  " if outcome.fired else "skipped"
        click.echo(f"  {mark} {outcome.rule}: {outcome.reason}")
        if outcome.fired:
            click.echo(f"          when: {rules[outcome.rule].when.strip()}")
    if decision.requirements:
        click.echo("Requirements (combined):")
        for req in decision.requirements:
            click.echo(f"  - {req.id} [{req.rule}]: {req.reason}")
    else:
        click.echo("No requirements: the fast lane.")
    return 0
