from __future__ import annotations

import pytest

from countersign.decision.policy import default_policy_text, load_policy
from countersign.errors import ConfigError


def policy_with(when: str, extra: str = "") -> str:
    return f"""
version: 1
rules:
  - id: first
    description: first
    when: "true"
    require: {{approvals: {{count: 1}}}}
  - id: second
    description: second
    when: "false"
    require: {{approvals: {{count: 1}}}}
  - id: third
    description: third
    when: '{when}'
    require: {{approvals: {{count: 1}}}}
{extra}"""


def error_of(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        load_policy(text)
    return str(info.value)


def test_the_shipped_default_policy_loads():
    policy = load_policy(default_policy_text())
    assert [r.id for r in policy.rules] == [
        "ai-assisted-below-senior",
        "critical-system",
        "critical-system-low-risk",
        "elevated-risk",
        "destructive-in-production",
        "access-widening",
        "unanalysable-artifact",
        "freeze-window",
        "policy-change",
        "adoption",
        "adoption-scope",
        "unknown-identity",
        "stale-guidance",
    ]


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ('autor.level == "senior"', "policy.yaml: rules[2].when: unknown field 'autor'"),
        ('author.levl == "senior"', "policy.yaml: rules[2].when: unknown field 'author.levl'"),
        (
            'hazards.exists(h, h.knd == "x")',
            "policy.yaml: rules[2].when: unknown field 'hazards[].knd'",
        ),
        (
            "author.level > 2",
            (
                "policy.yaml: rules[2].when: type error: No such overload: the operation is not "
                "defined for the given operand types"
            ),
        ),
        (
            'hazards.exists(h, h.rank > "high")',
            (
                "policy.yaml: rules[2].when: type error: No such overload: the operation is not "
                "defined for the given operand types"
            ),
        ),
        (
            "author.rank +",
            (
                "policy.yaml: rules[2].when: invalid CEL: Syntax error: mismatched input '<EOF>' "
                "at line 1, column 14"
            ),
        ),
        ("author.level", "policy.yaml: rules[2].when: expected a true/false condition, got ''"),
    ],
)
def test_bad_conditions_are_named_by_file_key_and_problem(when, message):
    assert error_of(policy_with(when)) == message


def test_comprehensions_nested_too_deep_are_refused():
    when = (
        "change.paths.all(a, change.paths.all(b, change.paths.all(c, change.paths.all(d, a == d))))"
    )
    assert error_of(policy_with(when)) == (
        "policy.yaml: rules[2].when: comprehensions nested 4 deep; at most 3 "
        "(nesting multiplies evaluation time)"
    )


def test_unknown_rule_key_and_duplicate_id_are_errors():
    bad_key = policy_with("true").replace('    when: "false"', '    wen: "false"')
    assert error_of(bad_key) == (
        "policy.yaml: rules[1].wen: unknown field 'wen' (expected one of: break_glass, "
        "description, effective, expires, id, require, systems, when)"
    )
    dup = policy_with("true").replace("id: second", "id: first")
    assert error_of(dup) == "policy.yaml: rules[1].id: rule id 'first' is used twice"


def test_expiry_before_start_is_an_error():
    text = policy_with("true").replace(
        "  - id: first\n", "  - id: first\n    effective: 2026-03-01\n    expires: 2026-02-01\n"
    )
    assert error_of(text) == (
        "policy.yaml: rules[0].expires: 2026-02-01 is not after effective 2026-03-01"
    )


def test_a_policy_without_a_rule_on_its_own_edits_gets_the_builtin_one():
    policy = load_policy(policy_with("true"))
    assert policy.rules[-1].id == "policy-change"
    assert len(load_policy(default_policy_text()).rules) == 13


def test_a_rule_can_ask_for_several_approval_groups():
    policy = load_policy(
        "rules:\n  - id: r\n    description: d\n    when: 'true'\n    require:\n"
        "      approvals:\n        - {count: 2}\n        - {count: 1, min_level: senior}\n"
    )
    assert [(a.count, a.min_level) for a in policy.rules[0].approvals] == [(2, None), (1, "senior")]


def test_approval_groups_are_validated_by_position():
    text = (
        "rules:\n  - id: r\n    description: d\n    when: 'true'\n    require:\n"
        "      approvals:\n        - {count: 2}\n        - {count: 0}\n"
    )
    assert error_of(text) == (
        "policy.yaml: rules[0].require.approvals[1].count: expected an integer from 1 to 10, got 0"
    )


def test_each_rule_knows_the_line_it_starts_on_and_where_the_policy_came_from():
    text = (
        "version: 1\n# comment\nrules:\n  - id: a\n    description: d\n    when: 'true'\n"
        "    require: {block: stop}\n\n  - id: b\n    description: d\n    when: 'true'\n"
        "    require: {block: stop}\n"
    )
    policy = load_policy(text, source=".countersign/policy.yaml")
    assert [(r.id, r.line) for r in policy.rules] == [("a", 4), ("b", 9), ("policy-change", 0)]
    assert policy.source == ".countersign/policy.yaml"
    assert load_policy(default_policy_text()).source == ""


def test_a_policy_text_read_again_is_the_same_record_and_a_bad_one_fails_every_time():
    text = default_policy_text()
    assert load_policy(text, source="a") is load_policy(text, source="a")
    assert load_policy(text, source="b").source == "b"
    for _ in range(2):
        with pytest.raises(ConfigError):
            load_policy("rules: [{id: x}]")
