"""A rule's ``when``: a CEL condition, checked once at load and evaluated within bounds.

At load: syntax, every fact field it names (against ``activation.DEFAULTS``), its size and
comprehension depth, and a trial run on sample facts that catches type errors and non-boolean
results. At run time a condition with no nested comprehension and under ``cheap_length``
characters is provably cheap (its cost is linear in its length times the longest fact list) and
runs in process (~30 µs); anything else runs in a child process with time and memory limits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from countersign.decision.activation import DEFAULTS, ELEMENTS
from countersign.decision.references import References, references
from countersign.decision.sandbox import LimitExceeded, evaluate_in_child
from countersign.errors import ConfigError


@dataclass(frozen=True)
class Limits:
    seconds: float = 2.0  # wall clock per evaluation in the child process
    memory_mb: int = 512  # address space of the child process
    max_length: int = 8000  # longer conditions are refused at load
    max_depth: int = 3  # deeper comprehension nesting is refused at load
    cheap_length: int = 2000  # at most this long and not nested: evaluated in process


@dataclass(frozen=True)
class Condition:
    expr: str
    fields: tuple[str, ...] = ()
    cheap: bool = True


def _sample() -> dict[str, Any]:
    """Facts with one element in every list, so a trial run enters comprehension bodies."""
    out: dict[str, Any] = {}
    for name, value in DEFAULTS.items():
        if isinstance(value, dict):
            out[name] = {k: ([""] if isinstance(v, list) else v) for k, v in value.items()}
        elif isinstance(value, list):
            out[name] = [dict(ELEMENTS[name])] if name in ELEMENTS else [""]
        else:
            out[name] = value
    return out


SAMPLES = (DEFAULTS, _sample())


def compile_condition(expr: str, file: str, key: str, limits: Limits | None = None) -> Condition:
    from countersign.decision.cel_runtime import load

    cel = load()

    lim = limits or Limits()
    text = expr.strip()
    if len(text) > lim.max_length:
        raise ConfigError(
            file, key, f"condition is {len(text)} characters long; at most {lim.max_length}"
        )
    try:
        cel.compile(text)
    except ValueError as exc:
        raise ConfigError(file, key, f"invalid CEL: {_syntax(str(exc))}") from None
    refs: References = references(text)
    if refs.unknown:
        raise ConfigError(file, key, f"unknown field {refs.unknown[0]!r}")
    if refs.depth > lim.max_depth:
        raise ConfigError(
            file,
            key,
            f"comprehensions nested {refs.depth} deep; at most {lim.max_depth} "
            "(nesting multiplies evaluation time)",
        )
    condition = Condition(
        text, refs.fields, cheap=refs.depth <= 1 and len(text) <= lim.cheap_length
    )
    # Trial runs catch type errors and non-boolean results; a key absent from an open map
    # (``checks.tests``) is a fact of that change, not an error in the policy.
    for sample in SAMPLES if condition.cheap else SAMPLES[1:]:
        try:
            evaluate(condition, sample, file, key, lim)
        except ConfigError as exc:
            if not exc.problem.startswith("no such key"):
                raise
    return condition


class Bindings:
    """One set of facts for every condition evaluated over it in process (a decision's rules):
    converted to CEL's values once and kept (a ``cel.Context``), where a dict is converted
    again by each evaluation. The conversion is most of a cheap condition's cost: the default
    policy's 13 conditions over a Nomad change's facts took 1.0 ms from the dict, 0.09 ms from
    one context. The facts must not change while it is in use."""

    def __init__(self, variables: dict[str, Any]) -> None:
        self.variables = variables
        self._context: Any = None

    def context(self) -> Any:
        if self._context is None:
            from countersign.decision.cel_runtime import load

            self._context = load().Context(variables=self.variables)
        return self._context


def evaluate(
    condition: Condition,
    variables: dict[str, Any],
    file: str,
    key: str,
    limits: Limits | None = None,
    bindings: Bindings | None = None,
) -> bool:
    """``bindings``: ``variables`` converted for CEL (``Bindings``), used in process."""
    lim = limits or Limits()
    if condition.cheap:
        result = _in_process(condition.expr, variables, file, key, bindings)
    else:
        try:
            outcome = evaluate_in_child(condition.expr, variables, lim.seconds, lim.memory_mb)
        except LimitExceeded as exc:
            raise ConfigError(
                file, key, f"evaluation {exc}; simplify the condition (fewer nested comprehensions)"
            ) from None
        if outcome.error:
            raise ConfigError(file, key, _runtime(outcome.error, outcome.message))
        result = outcome.value
    if not isinstance(result, bool):
        raise ConfigError(file, key, f"expected a true/false condition, got {result!r}")
    return result


_PROGRAMS: dict[str, Any] = {}


def _in_process(
    expr: str, variables: dict[str, Any], file: str, key: str, bindings: Bindings | None = None
) -> Any:
    from countersign.decision.cel_runtime import load

    cel = load()

    program = _PROGRAMS.get(expr)
    if program is None:
        program = _PROGRAMS[expr] = cel.compile(expr)
    try:
        return program.execute(variables if bindings is None else bindings.context())
    except (ValueError, TypeError, RuntimeError, KeyError, ArithmeticError) as exc:
        raise ConfigError(file, key, _runtime(type(exc).__name__, str(exc))) from None


def _runtime(error: str, message: str) -> str:
    first = message.split(". ", maxsplit=1)[0].rstrip(".")
    if error == "TypeError":
        return f"type error: {first}"
    if error == "KeyError":
        return f"no such key {first}; guard optional keys with has(), e.g. has(checks.tests)"
    return f"cannot evaluate: {first}"


_POSITION = re.compile(r"<input>:(\d+):(\d+): (.*)")


def _syntax(message: str) -> str:
    for line in message.splitlines():
        match = _POSITION.search(line)
        if match:
            row, col, what = match.groups()
            what = re.sub(r" expecting \{.*", "", what)
            return f"{what} at line {row}, column {col}"
    return message.splitlines()[0] if message else "syntax error"
