"""Evaluation bounds: a cheap condition in process, a nested one in the limited child process,
and runaway conditions stopped by the time and memory limits (baseline: the same runaway
unbounded in process at a size that still finishes).
Usage: .venv/bin/python benchmarks/condition_bounds.py
"""

from __future__ import annotations

import time

import cel

from countersign.decision.condition import Condition, Limits, evaluate
from countersign.decision.policy import default_policy_text, load_policy
from countersign.errors import ConfigError

HUNDRED = "[" + ",".join(str(i) for i in range(100)) + "]"


def timed(label: str, fn) -> None:
    start = time.perf_counter()
    try:
        result = fn()
    except ConfigError as exc:
        result = f"stopped: {exc.problem}"
    print(f"  {label}: {time.perf_counter() - start:.3f} s -> {result}")


def main() -> None:
    policy = load_policy(default_policy_text())
    cond = policy.rules[2].condition
    assert cond is not None  # noqa: S101 - the default policy has it
    facts = {"hazards": [{"kind": "infra.destroy", "rank": 4, "env": "prod"}] * 50}
    n = 10_000
    start = time.perf_counter()
    for _ in range(n):
        evaluate(cond, facts, "p", "k")
    print(f"  cheap rule in process: {(time.perf_counter() - start) / n * 1e6:.1f} us/eval")
    three = f"{HUNDRED}.all(a, {HUNDRED}.all(b, {HUNDRED}.all(c, a + b + c >= 0)))"
    timed("baseline: 10^6-step runaway unbounded in process", lambda: cel.evaluate(three))
    nested = Condition("change.paths.exists(p, hazards.exists(h, h.path == p))", (), cheap=False)
    timed(
        "nested condition in child process",
        lambda: evaluate(
            nested, {"change": {"paths": ["a"] * 100}, "hazards": [{"path": "b"}] * 100}, "p", "k"
        ),
    )
    four = f"{HUNDRED}.all(a, {HUNDRED}.all(b, {HUNDRED}.all(c, {HUNDRED}.all(d, a+b+c+d >= 0))))"
    timed(
        "10^8-step runaway, limit 2 s",
        lambda: evaluate(Condition(four, (), cheap=False), {}, "p", "k", Limits()),
    )
    big = "'" + "x" * 4000 + "'"
    hog = f"size({HUNDRED}.map(a, {HUNDRED}.map(b, {HUNDRED}.map(c, {big} + string(a))))) > 0"
    timed(
        "memory hog (~4 GB), limit 256 MB / 10 s",
        lambda: evaluate(
            Condition(hog, (), cheap=False), {}, "p", "k", Limits(seconds=10, memory_mb=256)
        ),
    )


if __name__ == "__main__":
    main()
