"""``countersign hooks install|uninstall|pre-push``: manage the git hooks of the repository, and
the pre-push hook's check (the commit-msg hook runs from ``hooks.commit_msg``, before click)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from countersign.errors import InputError
from countersign.gate.verdict import Verdict
from countersign.hooks.checks_command import CONFIG_KEY
from countersign.hooks.install import hooks_dir, install_hook, is_ours, uninstall_hook
from countersign.hooks.pre_push import pre_commit_refs, protected_pushes, without_checks
from countersign.intake.git import repo_root


def hooks_install(cwd: Path, *, chain: bool, pre_push: bool = False) -> int:
    root = repo_root(cwd)
    for name in ("commit-msg", "pre-push") if pre_push else ("commit-msg",):
        click.echo(install_hook(root, name, chain=chain))
    return 0


def hooks_uninstall(cwd: Path) -> int:
    root = repo_root(cwd)
    click.echo(uninstall_hook(root, "commit-msg"))
    if is_ours(hooks_dir(root) / "pre-push"):  # someone else's pre-push hook is theirs
        click.echo(uninstall_hook(root, "pre-push"))
    return 0


def _checkpoints_taken_back(root: Path, branch: str, old: str, new: str) -> bool:
    """Whether the push removes, rewinds or replaces a ledger checkpoint the branch holds (said
    on stderr); a checkpoint file the push makes unreadable is refused as well."""
    from countersign.errors import ConfigError
    from countersign.signoff.checkpoint import CHECKPOINT_FILE, checkpoints_in, taken_back

    try:
        problems = taken_back(checkpoints_in(root, (old,)), checkpoints_in(root, (new,)))
    except ConfigError as exc:
        problems = [f"leaves a checkpoint file that cannot be read ({exc})"]
    for problem in problems:
        click.echo(
            f"countersign: push to {branch} takes the ledger checkpoints back: it {problem}",
            err=True,
        )
    if problems:
        click.echo(
            f"Keep every line of .countersign/{CHECKPOINT_FILE} that {branch} has (a checkpoint "
            "only moves forward: `countersign ledger checkpoint`), then push again.",
            err=True,
        )
    return bool(problems)


def hooks_pre_push(cwd: Path, *, stdin: str, checks_command: str | None = None) -> int:
    """Block the push (exit 1) when it moves a protected branch over changes not signed off.

    Check requirements are judged with the results of the checks command (``--checks-command``
    or ``git config countersign.checksCommand``); with none, they are left to the server's
    required checks, and the report says which."""
    from countersign.facts.shell.context import PROTECTED_BRANCHES
    from countersign.gate.release import release_verdict, verify_release
    from countersign.guard.settings import committed_guard_config
    from countersign.hooks.checks_command import configured, run_checks
    from countersign.intake.repository import Repository
    from countersign.output.release import render_release
    from countersign.signoff.pins import protected_rev
    from countersign.workspace import Environment

    root = repo_root(cwd)
    repository, environment = Repository(root), Environment.from_process()
    settings = committed_guard_config(root, protected_rev(root))
    protected = settings.protected_branches or PROTECTED_BRANCHES
    command = checks_command or configured(root)
    blocked = False
    for push in protected_pushes(stdin or pre_commit_refs(os.environ), protected):
        if _checkpoints_taken_back(root, push.branch, push.old, push.new):
            blocked = True
            continue
        try:
            statuses = (
                run_checks(command, root, branch=push.branch, old=push.old, new=push.new)
                if command
                else {}
            )
            results = verify_release(
                repository, push.old, push.new, statuses, environment=environment
            )
        except InputError as exc:
            click.echo(
                f"countersign: cannot verify the push to {push.branch} ({exc}); fix that, then "
                "push again",
                err=True,
            )
            blocked = True
            continue
        left: tuple[str, ...] = ()
        if not command:
            results, left = without_checks(results)
        if left:
            click.echo(
                f"countersign: checks {', '.join(left)} are left to the server's required "
                f"checks (no check results here; `git config {CONFIG_KEY} CMD` runs a command "
                "that prints NAME=STATUS lines before each push)",
                err=True,
            )
        if release_verdict(results) is Verdict.PASS:
            continue
        blocked = True
        click.echo(f"countersign: push to {push.branch} stopped", err=True)
        report = render_release(results, push.old[:12], push.new[:12], "text")
        click.echo(report, err=True, nl=False)
    if blocked:
        click.echo("Sign the changes off (the commands above), then push again.", err=True)
    return 1 if blocked else 0
