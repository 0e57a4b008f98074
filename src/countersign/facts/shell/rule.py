"""The one signature every shell rule has, and the small readers rules share (flags, options)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.finding import Severity, ShellFinding
from countersign.facts.shell.invocation import Invocation

Rule = Callable[[Invocation, ShellContext], Iterable[ShellFinding]]


def hit(
    rule: str,
    severity: Severity,
    reason: str,
    inv: Invocation,
    production: str | None = None,
    prod_severity: Severity | None = None,
) -> ShellFinding:
    """A finding; in production context (``production`` names why) severity rises."""
    if production:
        severity = prod_severity or _raise(severity)
        reason = f"{reason} (production context: {production})"
    return ShellFinding(rule, severity, reason, inv.text(), bool(production), inv.via)


def _raise(severity: Severity) -> Severity:
    order = list(Severity)
    return order[min(order.index(severity) + 1, len(order) - 1)]


def has_flag(args: Iterable[str], short: str = "", long: tuple[str, ...] = ()) -> bool:
    """``-rf``, ``-r -f``, ``--recursive`` and ``--recursive=...`` count; ``--`` ends options."""
    for arg in args:
        if arg == "--":
            return False
        if arg.startswith("--"):
            if arg.split("=", 1)[0] in long:
                return True
        elif arg.startswith("-") and len(arg) > 1 and short and any(c in arg[1:] for c in short):
            return True
    return False


def option(args: tuple[str, ...] | list[str], *names: str) -> str | None:
    """The value of ``--name VALUE``, ``--name=VALUE`` or ``-n VALUE`` (the last one given)."""
    found: str | None = None
    for i, arg in enumerate(args):
        for name in names:
            if arg == name and i + 1 < len(args):
                found = args[i + 1]
            elif name.startswith("--") and arg.startswith(name + "="):
                found = arg[len(name) + 1 :]
            elif (
                not name.startswith("--")
                and len(name) == 2
                and arg.startswith(name)
                and len(arg) > 2
                and not arg.startswith("--")
            ):
                found = arg[2:]
    return found


def positionals(args: tuple[str, ...] | list[str], with_value: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """Arguments that are not options (nor option values), in order."""
    out: list[str] = []
    skip = False
    for i, arg in enumerate(args):
        if skip:
            skip = False
            continue
        if arg == "--":
            out.extend(args[i + 1 :])
            break
        if arg.startswith("-") and arg != "-":
            skip = arg in with_value
            continue
        out.append(arg)
    return out


def env_or_probe(inv: Invocation, ctx: ShellContext, name: str) -> str | None:
    value = inv.envvar(name)
    if value is not None:
        return value
    return ctx.env.get(name)
