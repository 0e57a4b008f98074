"""From findings to an answer: critical is denied, high and medium are asked, the rest passes.
Pure: a normalized tool call and the shell context in, a ``Judgement`` with its reason out."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.finding import Severity, ShellFinding
from countersign.facts.shell.paths import matches
from countersign.guard.protocol import ToolCall

_DECISION = {
    Severity.CRITICAL: "deny",
    Severity.HIGH: "ask",
    Severity.MEDIUM: "ask",
    Severity.LOW: "allow",
    Severity.INFO: "allow",
}


@dataclass(frozen=True)
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

    findings = classify(command, ctx.cwd, ctx) + _self_approval(command, ctx)
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


def _self_approval(command: str, ctx: ShellContext) -> list[ShellFinding]:
    """An agent must not approve its own actions (nor edit the guard's state) through the shell."""
    if "countersign" not in command and "approve" not in command:
        return []
    from countersign.facts.shell.classify import effective_commands

    out: list[ShellFinding] = []
    for inv in effective_commands(command, ctx)[0]:
        words = inv.argv
        runs_countersign = inv.name == "countersign" or (
            inv.name.startswith("python") and "countersign" in words[:3]
        )
        if runs_countersign and "approve" in words:
            out.append(
                ShellFinding(
                    "guard.self-approval",
                    Severity.CRITICAL,
                    "an agent cannot approve actions or changes; a human runs countersign approve",
                    inv.text(),
                )
            )
    return out


def judge_edit(
    call: ToolCall, ctx: ShellContext, migrations: tuple[str, ...], exists: bool
) -> Judgement:
    root = (ctx.project_root or "").rstrip("/")
    for path in call.paths:
        full = path if path.startswith("/") else posixpath.normpath(posixpath.join(call.cwd, path))
        rel = full[len(root) + 1 :] if root and full.startswith(root + "/") else full
        pattern = matches(rel, ctx.protected_paths)
        if pattern:
            return Judgement(
                "ask",
                "edit.protected-path",
                f"{call.tool} of {rel}: a protected path ({pattern})",
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
    return ALLOW
