from __future__ import annotations

from datetime import date

from countersign.decision.activation import merged_with_defaults
from countersign.decision.engine import decide
from countersign.decision.policy import load_policy

RESET = """
version: 2
rules:
  - id: safety-reset
    description: 90-day safety reset on payments
    when: "true"
    effective: 2026-01-05
    expires: 2026-04-05
    systems: [payments]
    require: {approvals: {count: 2}}
"""


def outcome(today: date, services: list[str]):
    policy = load_policy(RESET)
    d = decide(policy, merged_with_defaults({"blast": {"services": services}}), today)
    return d.outcomes[0], d.requirements


def test_time_boxed_rule_applies_only_between_effective_and_expires():
    assert outcome(date(2026, 1, 4), ["payments"])[0].reason == "not in force until 2026-01-05"
    assert outcome(date(2026, 1, 5), ["payments"])[0].fired
    assert outcome(date(2026, 4, 4), ["payments"])[0].fired
    assert outcome(date(2026, 4, 5), ["payments"])[0].reason == "expired on 2026-04-05"


def test_system_scoped_rule_applies_only_to_changes_reaching_its_systems():
    rule, reqs = outcome(date(2026, 2, 1), ["search"])
    assert rule.reason == "change reaches none of its systems (payments)"
    assert reqs == ()


def test_decision_carries_the_policy_version():
    d = decide(load_policy(RESET), merged_with_defaults({}), date(2026, 2, 1))
    assert d.policy_version == "2"
