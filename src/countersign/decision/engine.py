"""Evaluate a policy over the facts: which rules fire, and the requirements they produce."""

from __future__ import annotations

from datetime import date
from typing import Any

from countersign.decision.policy import Policy, Rule
from countersign.decision.requirements import Decision, Kind, Requirement, RuleOutcome
from countersign.errors import ConfigError


def condition_holds(rule: Rule, variables: dict[str, Any]) -> bool:
    import cel

    try:
        result = cel.evaluate(rule.when, variables)
    except (ValueError, TypeError, RuntimeError, KeyError) as exc:
        raise ConfigError(
            "policy.yaml", f"rule {rule.id!r}.when", f"cannot evaluate {rule.when.strip()!r}: {exc}"
        ) from None
    if not isinstance(result, bool):
        raise ConfigError(
            "policy.yaml",
            f"rule {rule.id!r}.when",
            f"expected a true/false condition, got {result!r}",
        )
    return result


def decide(policy: Policy, variables: dict[str, Any], today: date) -> Decision:
    outcomes: list[RuleOutcome] = []
    requirements: list[Requirement] = []
    systems_reached = set(variables.get("blast", {}).get("services", []))
    for rule in policy.rules:
        if not rule.active(today):
            outcomes.append(RuleOutcome(rule.id, fired=False, reason="not in force today"))
            continue
        if rule.systems and not systems_reached.intersection(rule.systems):
            outcomes.append(
                RuleOutcome(rule.id, fired=False, reason="change reaches none of its systems")
            )
            continue
        if not condition_holds(rule, {**variables, "time": {"date": today.isoformat()}}):
            outcomes.append(
                RuleOutcome(rule.id, fired=False, reason=f"condition false: {rule.when.strip()}")
            )
            continue
        outcomes.append(RuleOutcome(rule.id, fired=True, reason=rule.description))
        requirements.extend(_requirements(rule))
    return Decision(tuple(requirements), tuple(outcomes), policy.version)


def _requirements(rule: Rule) -> list[Requirement]:
    out: list[Requirement] = []
    if rule.block:
        out.append(Requirement(f"{rule.id}/block", rule.id, Kind.BLOCK, rule.block))
    if rule.approvals:
        spec = rule.approvals
        who = f"{spec.count} approval{'s' if spec.count > 1 else ''}"
        if spec.min_level:
            who += f" from {spec.min_level} or above"
        if spec.from_owners:
            who += ", one from the owning team"
        if spec.teams:
            who += f" from team {', '.join(spec.teams)}"
        out.append(
            Requirement(
                f"{rule.id}/approvals",
                rule.id,
                Kind.APPROVAL,
                f"{rule.description}: {who}",
                count=spec.count,
                min_level=spec.min_level,
                teams=spec.teams,
                fields=("from_owners",) if spec.from_owners else (),
            )
        )
    if rule.change_record:
        out.append(
            Requirement(
                f"{rule.id}/change-record",
                rule.id,
                Kind.CHANGE_RECORD,
                f"{rule.description}: a change record with {', '.join(rule.change_record)}",
                fields=rule.change_record,
            )
        )
    if rule.checks:
        out.append(
            Requirement(
                f"{rule.id}/checks",
                rule.id,
                Kind.CHECKS,
                f"{rule.description}: checks {', '.join(rule.checks)} green",
                checks=rule.checks,
            )
        )
    return out
