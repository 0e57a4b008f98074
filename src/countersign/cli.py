"""Command-line surface: options and help only; each command's work is in ``commands/``."""

from __future__ import annotations

from pathlib import Path

import click

from countersign import __version__
from countersign.output import FORMATS

EXIT_CODES = """\b
Exit codes:
  0   pass: no sign-off needed (or all given)
  1   needs approval: sign-offs are missing
  2   blocked: policy forbids the change as it is
  3   usage or configuration error (bad option, invalid .countersign/ file)
  4   input error (not a repository, unknown revision, unreadable patch or plan)
  5   ledger error (unreadable or untrustworthy ledger)
  70  internal error (a bug: a report file is written)
  130 interrupted"""

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)


@click.group(epilog=EXIT_CODES, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="countersign")
def cli() -> None:
    """countersign: risk-proportional sign-off for AI-assisted changes, bound to exact content."""


@cli.command(epilog=EXIT_CODES)
@click.option("--base", help="Base revision (default: merge-base with the default branch).")
@click.option("--head", default="HEAD", show_default=True, help="Head revision.")
@click.option("--worktree", is_flag=True, help="Include uncommitted work (tracked and untracked).")
@click.option("--patch", "patch", type=click.Path(dir_okay=False), help="Check a patch file.")
@click.option(
    "--plan",
    "plans",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="An artifact to analyse with the change (Terraform plan JSON, ...). Repeatable.",
)
@click.option(
    "--pr-payload",
    type=click.Path(dir_okay=False),
    help="A GitHub pull_request event JSON (e.g. $GITHUB_EVENT_PATH): labels, body, head branch.",
)
@click.option(
    "--check-status",
    "checks",
    multiple=True,
    metavar="NAME=STATUS",
    help="Result of an automated check, e.g. tests=success. Repeatable.",
)
@click.option(
    "-C",
    "repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    help="Run as if started in this directory.",
)
@format_option
def check(
    base: str | None,
    head: str,
    worktree: bool,
    patch: str | None,
    plans: tuple[str, ...],
    pr_payload: str | None,
    checks: tuple[str, ...],
    repo: Path,
    fmt: str,
) -> int:
    """Decide what sign-off a change needs, and whether it has it."""
    from countersign.commands.check import check as run

    return run(
        repo,
        base=base,
        head=head,
        worktree=worktree,
        patch=patch,
        plans=plans,
        pr_payload=pr_payload,
        checks=checks,
        fmt=fmt,
    )


@cli.command()
@click.argument("rev_range", metavar="[RANGE]", required=False)
@click.option("--worktree", is_flag=True, help="Include uncommitted work (tracked and untracked).")
@click.option(
    "--pr-payload",
    type=click.Path(dir_okay=False),
    help="A GitHub pull_request event JSON (e.g. $GITHUB_EVENT_PATH): labels, body, head branch.",
)
@click.option("-C", "repo", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option(
    "--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True
)
def provenance(
    rev_range: str | None, worktree: bool, pr_payload: str | None, repo: Path, fmt: str
) -> int:
    """Which commits are AI-assisted, how sure, and the evidence.

    RANGE is BASE..HEAD, or HEAD alone (default: from the merge-base with the default branch to
    HEAD)."""
    from countersign.commands.provenance import provenance_command

    return provenance_command(
        repo, rev_range=rev_range, worktree=worktree, pr_payload=pr_payload, fmt=fmt
    )


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@format_option
def scan(files: tuple[str, ...], fmt: str) -> int:
    """Find hazards in plans, SQL, manifests and policies given as files.

    Exit 0 when none, 1 when hazards were found (or a file could not be analysed), 4 when a
    file cannot be read.
    """
    from countersign.commands.scan import scan as run

    return run(files, fmt)


@cli.command()
@click.argument("spec", metavar="[RANGE]", required=False)
@click.option("--worktree", is_flag=True, help="Include uncommitted work (tracked and untracked).")
@click.option(
    "--plan",
    "plans",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="A plan or manifest whose resources count too (Terraform plan JSON, ...). Repeatable.",
)
@click.option(
    "-C",
    "repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    help="Run as if started in this directory.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json", "markdown")),
    default="text",
    show_default=True,
    help="Output format (Markdown draws the graph in Mermaid).",
)
def blast(spec: str | None, worktree: bool, plans: tuple[str, ...], repo: Path, fmt: str) -> int:
    """Show the blast radius of a change: services, critical systems, dependents, environments,
    owners and the score, explained.

    RANGE is BASE..HEAD, or BASE (to HEAD); by default, the merge-base with the default branch
    to HEAD."""
    from countersign.commands.blast import blast as run

    return run(repo, spec=spec, worktree=worktree, plans=plans, fmt=fmt)


@cli.command()
@click.option("-C", "repo", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
def init(repo: Path, force: bool) -> int:
    """Write a commented starter .countersign/ (policy, catalog, people)."""
    from countersign.commands.init import init as run

    return run(repo, force=force)


@cli.command()
@click.option("--base")
@click.option("--head", default="HEAD", show_default=True)
@click.option("--worktree", is_flag=True)
@click.option("--as", "identity", help="Approver identity (default: git user.email).")
@click.option(
    "--requirement",
    help="Only this requirement or rule (default: every one you may sign); "
    "break-glass/follow-up reviews a break-glass.",
)
@click.option("--note", default="", help="Why you approve.")
@click.option(
    "--key",
    "key_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Sign as the owner of this Ed25519 key (PEM), registered in people.yaml keys.",
)
@click.option("--check-status", "checks", multiple=True, metavar="NAME=STATUS", hidden=True)
@click.option(
    "--action",
    "action",
    metavar="ID",
    help="Approve one agent action the guard stopped (the id in the agent's message), once.",
)
@click.option("-C", "repo", type=click.Path(file_okay=False, path_type=Path), default=".")
def approve(
    base: str | None,
    head: str,
    worktree: bool,
    identity: str | None,
    requirement: str | None,
    note: str,
    key_file: Path | None,
    checks: tuple[str, ...],
    action: str | None,
    repo: Path,
) -> int:
    """Approve the exact content of a change (bound to its fingerprint), or with --action one
    agent action the guard stopped.

    Refused when it would not count: an author of the change, an agent identity, someone not
    in the roster, or below the level or outside the team a requirement asks for."""
    if action:
        from countersign.commands.approve_action import approve_action

        return approve_action(repo, action=action, identity=identity, note=note)
    from countersign.commands.approve import approve as run
    from countersign.commands.check import parse_checks

    return run(
        repo,
        base=base,
        head=head,
        worktree=worktree,
        identity=identity,
        requirement=requirement,
        note=note,
        key_file=key_file,
        checks=parse_checks(checks),
    )


@cli.command()
@click.option("--base")
@click.option("--head", default="HEAD", show_default=True)
@click.option("--worktree", is_flag=True)
@click.option("--check-status", "checks", multiple=True, metavar="NAME=STATUS")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text")
@click.option("-C", "repo", type=click.Path(file_okay=False, path_type=Path), default=".")
def status(
    base: str | None,
    head: str,
    worktree: bool,
    checks: tuple[str, ...],
    fmt: str,
    repo: Path,
) -> int:
    """Show a change's requirements, its approvals (and why any do not count), stale approvals
    and break-glass follow-up reviews still due."""
    from countersign.commands.check import parse_checks
    from countersign.commands.status import status as run

    return run(repo, base=base, head=head, worktree=worktree, checks=parse_checks(checks), fmt=fmt)


@cli.command("break-glass")
@click.option("--reason", required=True, help="Why the rules must be bypassed now.")
@click.option("--incident", required=True, help="Incident reference, e.g. INC-1234.")
@click.option(
    "--hours", type=float, default=4.0, show_default=True, help="How long it lasts (max 72)."
)
@click.option("--base")
@click.option("--head", default="HEAD", show_default=True)
@click.option("--worktree", is_flag=True)
@click.option("--as", "identity", help="Who breaks the glass (default: git user.email).")
@click.option("-C", "repo", type=click.Path(file_okay=False, path_type=Path), default=".")
def break_glass(
    reason: str,
    incident: str,
    hours: float,
    base: str | None,
    head: str,
    worktree: bool,
    identity: str | None,
    repo: Path,
) -> int:
    """Lift every requirement on this exact change during an incident, for a limited time.

    Recorded in the ledger; leaves a follow-up review (by someone else) that status shows."""
    from countersign.commands.break_glass import break_glass as run

    return run(
        repo,
        base=base,
        head=head,
        worktree=worktree,
        identity=identity,
        reason=reason,
        incident=incident,
        hours=hours,
    )


ledger_option = click.option(
    "--ledger",
    "location",
    help="SQLite file or postgresql:// URL (default: $COUNTERSIGN_LEDGER or "
    ".countersign/ledger.db).",
)


@cli.group()
def ledger() -> None:
    """Verify or export the signed, hash-chained ledger."""


@ledger.command("verify")
@ledger_option
@click.option("-C", "repo", type=click.Path(file_okay=False, path_type=Path), default=".")
def ledger_verify(location: str | None, repo: Path) -> int:
    """Check every entry's chain link and signature; say where anything was edited, deleted,
    inserted or reordered, or where an older policy version came back. Exit 5 if so."""
    from countersign.commands.ledger import verify

    return verify(repo, location=location)


@ledger.command("export")
@ledger_option
@click.option("-o", "--output", help="Write entries (JSON lines) here (default: stdout).")
@click.option("--dsse", help="Also write a DSSE/in-toto envelope per approval (JSON lines).")
@click.option("-C", "repo", type=click.Path(file_okay=False, path_type=Path), default=".")
def ledger_export(location: str | None, output: str | None, dsse: str | None, repo: Path) -> int:
    """Export the verified ledger for auditors."""
    from countersign.commands.ledger import export

    return export(repo, location=location, output=output, dsse=dsse)


@cli.group()
def policy() -> None:
    """Test and explain the policy."""


@policy.command("test")
@click.argument("cases", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--policy",
    "policy_file",
    help="Policy file (default: .countersign/policy.yaml in the working tree).",
)
@click.option("-C", "repo", type=click.Path(file_okay=False, path_type=Path), default=".")
def policy_test(cases: tuple[str, ...], policy_file: str | None, repo: Path) -> int:
    """Run YAML test cases: facts in, expected requirement ids out. Exit 1 if any fails."""
    from countersign.commands.policy import test

    return test(repo, cases=cases, policy_file=policy_file)


@policy.command("explain")
@click.option("--base")
@click.option("--head", default="HEAD", show_default=True)
@click.option("--worktree", is_flag=True)
@click.option("--check-status", "checks", multiple=True, metavar="NAME=STATUS")
@click.option("-C", "repo", type=click.Path(file_okay=False, path_type=Path), default=".")
def policy_explain(
    base: str | None, head: str, worktree: bool, checks: tuple[str, ...], repo: Path
) -> int:
    """Show each rule and why it fired or not for a change, with the fact values it read."""
    from countersign.commands.check import parse_checks
    from countersign.commands.policy import explain

    return explain(repo, base=base, head=head, worktree=worktree, checks=parse_checks(checks))


@cli.command()
@click.argument("revs", required=False, metavar="[RANGE]")
@click.option("--merges", is_flag=True, help="Each merge is a change (default: each commit).")
@click.option("--limit", type=int, default=200, show_default=True, help="At most this many.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text")
@click.option("-C", "repo", type=click.Path(file_okay=False, path_type=Path), default=".")
def replay(revs: str | None, merges: bool, limit: int, fmt: str, repo: Path) -> int:
    """Shadow mode: what the policy would have required of past changes (first-parent history
    of RANGE, default HEAD), load per reviewer level, fast-lane share. Records nothing."""
    from countersign.commands.replay import replay as run

    return run(repo, revs=revs, merges=merges, limit=limit, fmt=fmt)


@cli.command()
@click.option("--base")
@click.option("--head", default="HEAD", show_default=True)
@click.option("--worktree", is_flag=True)
@click.option("--summary", default="", help="What changes and why.")
@click.option("--test-evidence", default="", help="How it was tested.")
@click.option("--rollback-plan", default="", help="How to undo it.")
@click.option("--as", "identity", help="Author of the record (default: git user.email).")
@click.option("-C", "repo", type=click.Path(file_okay=False, path_type=Path), default=".")
def record(
    base: str | None,
    head: str,
    worktree: bool,
    summary: str,
    test_evidence: str,
    rollback_plan: str,
    identity: str | None,
    repo: Path,
) -> int:
    """Write the change record (summary, test evidence, rollback plan) for a change."""
    from countersign.commands.record import record as run

    return run(
        repo,
        base=base,
        head=head,
        worktree=worktree,
        identity=identity,
        fields={"summary": summary, "test_evidence": test_evidence, "rollback_plan": rollback_plan},
    )


@cli.command()
@click.option("--keep", is_flag=True, help="Keep the sample repository and print its path.")
def demo(keep: bool) -> int:
    """Build a sample monorepo and walk through a risky AI-assisted change, end to end."""
    from countersign.commands.demo import demo as run

    return run(keep=keep)


@cli.group()
def hooks() -> None:
    """git hooks: commit-msg adds an Assisted-by trailer when the guard saw an agent edit."""


@hooks.command("install")
@click.option("--chain", is_flag=True, help="Keep an existing commit-msg hook and run it first.")
@click.option("-C", "repo", type=click.Path(file_okay=False, path_type=Path), default=".")
def hooks_install(chain: bool, repo: Path) -> int:
    """Install the commit-msg hook (respects core.hooksPath)."""
    from countersign.commands.hooks import hooks_install as run

    return run(repo, chain=chain)


@hooks.command("uninstall")
@click.option("-C", "repo", type=click.Path(file_okay=False, path_type=Path), default=".")
def hooks_uninstall(repo: Path) -> int:
    """Remove countersign's commit-msg hook (restores a chained one)."""
    from countersign.commands.hooks import hooks_uninstall as run

    return run(repo)


@hooks.command("commit-msg")
@click.argument("message_file", type=click.Path(dir_okay=False))
def hooks_commit_msg(message_file: str) -> int:
    """Run by the commit-msg hook: add Assisted-by when staged files were edited by an agent."""
    from countersign.hooks.commit_msg import run_commit_msg

    return run_commit_msg([message_file])


@cli.group()
def guard() -> None:
    """The agent guard. `countersign guard --agent NAME` is the hook itself (see --help there)."""


_AGENTS = click.Choice(["claude-code", "codex", "cursor", "gemini", "kiro"])
_scope = click.option(
    "--project/--user",
    "project",
    default=True,
    help="The project's settings file (default) or your user settings.",
)


@guard.command("install")
@click.option("--agent", required=True, type=_AGENTS)
@_scope
@click.option("-C", "repo", type=click.Path(file_okay=False, path_type=Path), default=".")
def guard_install(agent: str, project: bool, repo: Path) -> int:
    """Add the guard's hooks to an agent's settings, keeping what is there."""
    from countersign.commands.guard_install import guard_install as run

    return run(agent, "project" if project else "user", repo, Path.home())


@guard.command("uninstall")
@click.option("--agent", required=True, type=_AGENTS)
@_scope
@click.option("-C", "repo", type=click.Path(file_okay=False, path_type=Path), default=".")
def guard_uninstall(agent: str, project: bool, repo: Path) -> int:
    """Remove only the guard's hooks from an agent's settings."""
    from countersign.commands.guard_install import guard_install as run

    return run(agent, "project" if project else "user", repo, Path.home(), remove=True)
