"""``classify``: what a shell command will really do, as findings with stable rule ids.

Pure: the command, the working directory and a ``ShellContext`` in, findings out. Work is bounded
(command length, syntax nodes, nesting of ``bash -c``/``eval``), and a command that cannot be read
completely is itself a finding, never a silent pass.
"""

from __future__ import annotations

from countersign.facts.shell.catalog import PackSet, shipped
from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.finding import Severity, ShellFinding
from countersign.facts.shell.hidden import hidden
from countersign.facts.shell.interpreter import code_of, shell_strings
from countersign.facts.shell.invocation import Invocation
from countersign.facts.shell.rules import ANY, rules_for
from countersign.facts.shell.rules.execution import DESTRUCTIVE_WORDS
from countersign.facts.shell.rules.infrastructure import destroy_plans
from countersign.facts.shell.rules.packed import dry_run, pack_findings
from countersign.facts.shell.rules.secrets import exfiltration
from countersign.facts.shell.syntax import parse
from countersign.facts.shell.unwrap import MAX_NESTING, effective
from countersign.records import replace

MAX_COMMAND_CHARS = 100_000
MAX_INVOCATIONS = 2_000


class _Budget:
    def __init__(self, ctx: ShellContext) -> None:
        self.ctx = ctx
        self.errors = False
        self.truncated = False
        self.count = 0
        self.environment = frozenset(ctx.env)

    def parse(self, text: str, outer: Invocation) -> list[Invocation]:
        if (
            outer.depth > MAX_NESTING
            or self.count > MAX_INVOCATIONS
            or len(text) > MAX_COMMAND_CHARS
        ):
            self.truncated = True
            return []
        script = parse(
            text,
            cwd=outer.cwd,
            via=outer.via,
            depth=outer.depth,
            read_file=self.ctx.read_file,
            exported=outer.env,
            environment=self.environment,
        )
        self.errors = self.errors or script.errors
        self.truncated = self.truncated or script.truncated
        self.count += len(script.invocations)
        return script.invocations

    def expand(self, invocations: list[Invocation]) -> list[Invocation]:
        out: list[Invocation] = []
        for inv in invocations:
            for eff in effective(inv, self.parse, self.ctx.read_file):
                out.append(eff)
                code = code_of(eff)
                if code is not None and eff.depth <= MAX_NESTING:
                    for text in shell_strings(code):
                        marker = eff.nested(eff.argv, f"{eff.name} code")
                        out.extend(self.expand(self.parse(text, marker)))
                if len(out) > MAX_INVOCATIONS:
                    self.truncated = True
                    return out
        return out


def effective_commands(command: str, context: ShellContext) -> tuple[list[Invocation], _Budget]:
    budget = _Budget(context)
    root = Invocation(argv=(), cwd=context.cwd, depth=-1)
    return budget.expand(budget.parse(command, replace(root, depth=0))), budget


def classify(
    command: str, cwd: str | None = None, context: ShellContext | None = None
) -> list[ShellFinding]:
    """Findings for one shell command line, most severe first."""
    ctx = context or ShellContext()
    if cwd is not None and ctx.cwd != cwd:
        ctx = replace(ctx, cwd=cwd)
    if len(command) > MAX_COMMAND_CHARS:
        return [
            _whole(
                "shell.too-complex",
                f"the command is {len(command)} characters long, too long to analyse",
                command,
            )
        ]
    invocations, budget = effective_commands(command, ctx)
    packs = ctx.packs or shipped()
    findings: list[ShellFinding] = []
    for inv in invocations:
        found = _findings(inv, ctx, packs)
        findings.extend(found)
        findings.extend(hidden(inv, ctx, bool(found)))
    findings.extend(exfiltration(invocations, ctx))
    findings.extend(destroy_plans(invocations, ctx))
    findings = [f for f in findings if packs.enabled(f.rule)]
    if budget.truncated:
        findings.append(
            _whole(
                "shell.too-complex",
                "the command nests too deeply or runs too many commands to analyse completely",
                command,
            )
        )
    elif (
        budget.errors
        and DESTRUCTIVE_WORDS.search(command)
        and not any(f.severity.rank >= Severity.HIGH.rank for f in findings)
    ):
        verb = DESTRUCTIVE_WORDS.search(command)
        word = verb.group(0) if verb else "a destructive verb"
        findings.append(
            _whole(
                "shell.unparseable",
                f"the command does not parse as shell and mentions {word!r}",
                command,
            )
        )
    return _dedupe(findings)


def _findings(
    inv: Invocation, ctx: ShellContext, packs: PackSet, depth: int = 0
) -> list[ShellFinding]:
    """What the rules for this program, the pack rules and the rules for every command find;
    a dry run (``kubectl delete --dry-run=server``) is not judged by the program's own rules,
    and the command a launcher runs (``bundle exec rake db:drop``) is judged too."""
    found: list[ShellFinding] = []
    inner = packs.launched(inv.name, inv.args) if depth < 4 else None
    if inner:
        found.extend(_findings(inv.nested(inner, inv.name), ctx, packs, depth + 1))
    if not dry_run(inv.args, packs.dry_runs.get(inv.name, ()), packs.clusters.get(inv.name, True)):
        for rule in rules_for(inv.name):
            found.extend(rule(inv, ctx))
    found.extend(pack_findings(inv, ctx, packs))
    for rule in ANY:
        found.extend(rule(inv, ctx))
    return found


def _whole(rule: str, reason: str, command: str) -> ShellFinding:
    return ShellFinding(rule, Severity.HIGH, reason, command[:200])


def _dedupe(findings: list[ShellFinding]) -> list[ShellFinding]:
    seen: set[tuple[str, str]] = set()
    out: list[ShellFinding] = []
    for finding in sorted(findings, key=lambda f: -f.severity.rank):
        key = (finding.rule, finding.command)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out
