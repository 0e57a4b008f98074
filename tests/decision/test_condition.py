from __future__ import annotations

import pytest

from countersign.decision.condition import Limits, compile_condition, evaluate
from countersign.errors import ConfigError

HUNDRED = "[" + ",".join(str(i) for i in range(100)) + "]"


def test_a_flat_condition_is_cheap_and_a_nested_one_is_not():
    assert compile_condition("change.files > 3", "p", "k").cheap
    nested = compile_condition("change.paths.exists(p, hazards.exists(h, h.path == p))", "p", "k")
    assert not nested.cheap


def test_a_nested_condition_evaluates_correctly_in_the_child_process():
    cond = compile_condition("change.paths.exists(p, hazards.exists(h, h.path == p))", "p", "k")
    facts = {"change": {"paths": ["a", "b"]}, "hazards": [{"path": "b"}]}
    assert evaluate(cond, facts, "p", "k") is True


def test_a_runaway_condition_is_stopped_by_the_time_limit():
    runaway = f"{HUNDRED}.all(a, {HUNDRED}.all(b, {HUNDRED}.all(c, a + b + c >= 0)))"
    limits = Limits(seconds=0.3)
    cond = compile_condition("change.paths.all(a, change.paths.all(b, a == b))", "p", "k")
    cond = type(cond)(runaway, (), cheap=False)
    with pytest.raises(ConfigError, match=r"^policy.yaml: r: evaluation took longer than 0.3 s"):
        evaluate(cond, {}, "policy.yaml", "r", limits)


def test_a_condition_that_allocates_without_bound_is_stopped_by_the_memory_limit():
    big = "'" + "x" * 2000 + "'"
    hog = f"size({HUNDRED}.map(a, {HUNDRED}.map(b, {big} + {big} + string(a) + string(b)))) > 0"
    cond = compile_condition("change.paths.all(a, change.paths.all(b, a == b))", "p", "k")
    cond = type(cond)(hog, (), cheap=False)
    with pytest.raises(ConfigError, match=r"evaluation (needed more than 64 MB|took longer)"):
        evaluate(cond, {}, "policy.yaml", "r", Limits(seconds=5, memory_mb=64))


def test_a_missing_map_key_says_how_to_guard_it():
    cond = compile_condition('checks.tests == "success"', "p", "k")
    with pytest.raises(ConfigError) as info:
        evaluate(cond, {"checks": {}}, "policy.yaml", "rules[0].when")
    assert str(info.value) == (
        "policy.yaml: rules[0].when: no such key 'tests'; guard optional keys with has(), "
        "e.g. has(checks.tests)"
    )


def _every_way(expr: str, facts: dict[str, object]) -> list[object]:
    """What a condition gives over the facts handed as a dict and as one ``Bindings``."""
    from countersign.decision.condition import Bindings

    cond = compile_condition(expr, "p", "k")
    bindings = Bindings(facts)
    out: list[object] = []
    for given in (None, bindings, bindings):  # twice: the second reuses the converted facts
        try:
            out.append(evaluate(cond, facts, "p", "k", bindings=given))
        except ConfigError as exc:
            out.append(f"{type(exc).__name__}: {exc}")
    return out


@pytest.mark.parametrize(
    "expr",
    [
        "change.files > 3",
        "change.paths.exists(p, p.startsWith('a'))",
        "has(checks.tests) && checks.tests == 'passed'",
        "checks.tests == 'passed'",
        "change.files / (change.files - 4) == 1",
    ],
)
def test_a_condition_over_bindings_gives_what_it_gives_over_the_dict(expr):
    from countersign.decision.activation import merged_with_defaults

    facts = merged_with_defaults({"change": {"files": 4, "paths": ["a/x", "b/y"]}})
    first, *again = _every_way(expr, facts)
    assert again == [first, first]


def test_one_bindings_serves_every_rule_of_the_default_policy_as_the_dict_does():
    from countersign.decision.activation import merged_with_defaults
    from countersign.decision.condition import SAMPLES, Bindings
    from countersign.decision.policy import default_policy_text, load_policy

    policy = load_policy(default_policy_text())
    varied = merged_with_defaults(
        {
            "change": {"ai_assisted": True, "kind": "code", "files": 12},
            "author": {"rank": 1},
            "risk": {"score": 0.7, "percentile": 93.0, "reference": "repository"},
            "blast": {"critical": ["payments"], "services": ["payments"]},
            "hazards": [{"kind": "iam.wildcard", "severity": "high", "path": "p.json"}],
        }
    )
    for sample in (*SAMPLES, varied):
        facts = {**sample, "time": {"date": "2026-12-20"}}
        bindings = Bindings(facts)
        for rule in policy.rules:
            assert rule.condition is not None
            assert evaluate(rule.condition, facts, "p", rule.id, bindings=bindings) == evaluate(
                rule.condition, facts, "p", rule.id
            )


FOUR = {"change": {"files": 4, "paths": ["a"]}, "hazards": [{"path": "a"}]}


@pytest.mark.parametrize(
    "expr",
    [
        "change.files / (change.files - 4) == 1",
        "change.paths.exists(p, hazards.exists(h, change.files / (change.files - 4) == 1))",
    ],
)
def test_a_condition_that_divides_by_zero_says_so_in_one_line(expr):
    assert compile_condition(expr, "p", "k").cheap == ("hazards" not in expr)
    # a policy author's arithmetic on facts that can be zero: a clear ConfigError (exit 2), not
    # a traceback, whether the condition runs in process or in the sandboxed child
    cond = compile_condition(expr, "p", "k")
    with pytest.raises(ConfigError) as info:
        evaluate(cond, FOUR, "policy.yaml", "rules[0].when")
    message = str(info.value)
    assert message.startswith("policy.yaml: rules[0].when: cannot evaluate: ")
    assert "\n" not in message
