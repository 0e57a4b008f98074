"""From findings to an answer: critical is denied, high and medium are asked, the rest passes.
Pure: a normalized tool call and the shell context in, a ``Judgement`` with its reason out."""

from __future__ import annotations

import posixpath
import shlex

from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.finding import Severity, ShellFinding
from countersign.facts.shell.paths import matches, protected_pattern
from countersign.guard.protocol import ToolCall
from countersign.records import record

_DECISION = {
    Severity.CRITICAL: "deny",
    Severity.HIGH: "ask",
    Severity.MEDIUM: "ask",
    Severity.LOW: "allow",
    Severity.INFO: "allow",
}


@record(frozen=True)
class Judgement:
    decision: str  # allow | ask | deny
    rule: str
    reason: str
    severity: str = ""
    findings: tuple[ShellFinding, ...] = ()


ALLOW = Judgement("allow", "", "no rule matched")


def judge(
    call: ToolCall, ctx: ShellContext, migrations: tuple[str, ...] = (), exists: bool = False
) -> Judgement:
    if call.kind == "shell":
        return judge_command(call.command, ctx)
    if call.kind == "edit":
        return judge_edit(call, ctx, migrations, exists)
    return ALLOW


def judge_command(command: str, ctx: ShellContext) -> Judgement:
    from countersign.facts.shell.classify import classify

    findings = classify(command, ctx.cwd, ctx)
    if not findings:
        return ALLOW
    top = max(findings, key=lambda f: f.severity.rank)
    where = f" [{top.command}]" if top.command != command.strip() else ""
    via = f" (via {' > '.join(top.via)})" if top.via else ""
    return Judgement(
        _DECISION[top.severity],
        top.rule,
        f"{top.reason}{where}{via}",
        top.severity.value,
        tuple(findings),
    )


def judge_edit(
    call: ToolCall, ctx: ShellContext, migrations: tuple[str, ...], exists: bool
) -> Judgement:
    root = (ctx.project_root or "").rstrip("/")
    for path in call.paths:
        full = path if path.startswith("/") else posixpath.normpath(posixpath.join(call.cwd, path))
        rel = full[len(root) + 1 :] if root and full.startswith(root + "/") else full
        pattern = protected_pattern(full, call.cwd, ctx)
        if pattern:
            return Judgement(
                "ask",
                "edit.protected-path",
                f"{call.tool} of {_shown(rel, ctx)}: a protected path ({pattern})",
                "medium",
            )
        pattern = matches(rel, migrations)
        if pattern and exists:
            return Judgement(
                "ask",
                "edit.applied-migration",
                f"{call.tool} of {rel}: an existing migration, which databases may have applied",
                "medium",
            )
    return _written_script(call, ctx)


def _shown(path: str, ctx: ShellContext) -> str:
    home = (ctx.home or "").rstrip("/")
    return "~/" + path[len(home) + 1 :] if home and path.startswith(home + "/") else path


def _written_script(call: ToolCall, ctx: ShellContext) -> Judgement:
    """A file written with commands that lift the gate (``countersign approve``, ``guard
    uninstall``), to be run later: asked now, since running it is asked only if the guard can
    read the script then. Its text is judged as shell, or as Python for a ``.py`` file."""
    if "countersign" not in call.content:
        return ALLOW
    from countersign.facts.shell.classify import classify

    python = any(p.endswith(".py") for p in call.paths) or call.content.startswith(
        "#!/usr/bin/env python"
    )
    if python:
        command = f"python3 -c {shlex.quote(call.content[:100_000])}"
    else:
        command = call.content[:100_000]
    findings = [f for f in classify(command, ctx.cwd, ctx) if f.rule.startswith("guard.")]
    if not findings:
        return ALLOW
    top = max(findings, key=lambda f: f.severity.rank)
    return Judgement(
        "ask",
        top.rule,
        f"{call.tool} of {', '.join(call.paths)} writes a script that {top.reason} [{top.command}]",
        top.severity.value,
        tuple(findings),
    )
