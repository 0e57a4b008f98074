"""Evaluate a policy over the facts: which rules fire, why, and the requirements they produce
(combined as ``decision.combine`` documents)."""

from __future__ import annotations

from datetime import date
from typing import Any

from countersign.decision.combine import combine
from countersign.decision.condition import Bindings, Limits, compile_condition, evaluate
from countersign.decision.policy import FILE, Policy, Rule
from countersign.decision.requirements import Decision, RuleOutcome


def condition_holds(
    rule: Rule,
    variables: dict[str, Any],
    limits: Limits | None = None,
    key: str = "",
    bindings: Bindings | None = None,
) -> bool:
    where = key or f"rule {rule.id!r}.when"
    condition = rule.condition or compile_condition(rule.when, FILE, where, limits)
    return evaluate(condition, variables, FILE, where, limits, bindings)


def decide(
    policy: Policy, variables: dict[str, Any], today: date, limits: Limits | None = None
) -> Decision:
    outcomes: list[RuleOutcome] = []
    fired: list[Rule] = []
    reached = set(variables.get("blast", {}).get("services", []))
    facts = {**variables, "time": {"date": today.isoformat()}}
    bindings = Bindings(facts)  # the facts converted for CEL once, for every rule
    for rule in policy.rules:
        reason = _why_not(rule, today, reached)
        if reason is None and not condition_holds(rule, facts, limits, bindings=bindings):
            reason = f"condition false: {rule.when.strip()}{_values(rule, facts)}"
        if reason is None:
            fired.append(rule)
            outcomes.append(
                RuleOutcome(
                    rule.id,
                    fired=True,
                    reason=rule.description,
                    line=rule.line,
                    values=_shown(rule, facts),
                )
            )
        else:
            outcomes.append(RuleOutcome(rule.id, fired=False, reason=reason, line=rule.line))
    return Decision(combine(fired), tuple(outcomes), policy.version, policy.source)


def _why_not(rule: Rule, today: date, reached: set[str]) -> str | None:
    if rule.effective and today < rule.effective:
        return f"not in force until {rule.effective}"
    if rule.expires and today >= rule.expires:
        return f"expired on {rule.expires}"
    if rule.systems and not reached.intersection(rule.systems):
        return f"change reaches none of its systems ({', '.join(rule.systems)})"
    return None


def _values(rule: Rule, facts: dict[str, Any]) -> str:
    """The facts the condition names, with their values: the answer to "why not?"."""
    shown = _shown(rule, facts)
    return f" ({shown})" if shown else ""


def _shown(rule: Rule, facts: dict[str, Any]) -> str:
    return "; ".join(f"{path} = {_value(facts, path)}" for path in fact_paths(rule))


def fact_paths(rule: Rule) -> tuple[str, ...]:
    fields = rule.condition.fields if rule.condition else ()
    return tuple(f for f in fields if "[]" not in f)


def _value(facts: dict[str, Any], path: str) -> str:
    value: Any = facts
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list) and len(value) > 5:
        return f"[{', '.join(map(repr, value[:5]))}, ... {len(value)} in all]"
    return repr(value)
