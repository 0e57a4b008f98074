"""``countersign policy test|explain``: run a policy's YAML test cases (facts in, expected
requirements out), and show for a change why each rule fired or not."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.decision.cases import run_cases
from countersign.decision.policy import Policy, default_policy_text, load_policy
from countersign.errors import InputError
from countersign.gate.evaluate import evaluate
from countersign.intake.selection import ChangeSelection
from countersign.signoff.ledger import signoffs_for
from countersign.workspace import analysed, open_workspace


def test(cwd: Path, *, cases: tuple[str, ...], policy_file: str | None) -> int:
    policy = _policy(cwd, policy_file)
    failures = total = 0
    for path in cases:
        for o in run_cases(policy, path):  # a file's cases are read, then run
            total += 1
            failures += not o.passed
            if o.passed:
                click.echo(f"PASS {o.name}")
            else:
                click.echo(f"FAIL {o.name}: expected {sorted(o.expected)}, got {sorted(o.got)}")
    click.echo(f"{total - failures} of {total} cases pass")
    return 1 if failures else 0


def _policy(cwd: Path, policy_file: str | None) -> Policy:
    path = Path(policy_file) if policy_file else cwd / ".countersign" / "policy.yaml"
    if policy_file and not path.is_file():
        raise InputError(f"{path}: no such policy file")
    if not path.is_file():
        return load_policy(default_policy_text())
    return load_policy(path.read_text(encoding="utf-8"), path.name)


def explain(cwd: Path, selection: ChangeSelection, *, checks: dict[str, str]) -> int:
    ws = analysed(open_workspace(cwd, selection), remember_scans=True, mine=True)
    # the approvals recorded so far are facts too (``approvals``), as at check time
    signoffs = signoffs_for(ws.ledger, ws.change.fingerprint)
    decision = evaluate(ws.change, ws.context, ws.policy, signoffs, checks).decision
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
            if outcome.values:
                click.echo(f"          read: {outcome.values}")
    if decision.requirements:
        click.echo("Requirements (combined):")
        for req in decision.requirements:
            click.echo(f"  - {req.id} [{req.rule}]: {req.reason}")
    else:
        click.echo("No requirements: the fast lane.")
    return 0
