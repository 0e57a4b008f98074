"""Commands for coding agents and git hooks: the guard's installer and the commit-msg hook."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.cli.options import repo_option
from countersign.guard.agents import NAMES


@click.group()
def hooks() -> None:
    """git hooks: commit-msg adds an Assisted-by trailer when the guard saw an agent edit;
    pre-push stops unsigned changes from reaching a protected branch."""


@hooks.command("install")
@click.option("--chain", is_flag=True, help="Keep an existing hook of the same name; run it first.")
@click.option(
    "--pre-push",
    "pre_push",
    is_flag=True,
    help="Also install pre-push: a push that moves a protected branch carries only signed-off "
    "changes.",
)
@repo_option
def hooks_install(chain: bool, pre_push: bool, repo: Path) -> int:
    """Install the commit-msg hook, and with --pre-push the pre-push hook (respects
    core.hooksPath)."""
    from countersign.commands.hooks import hooks_install as run

    return run(repo, chain=chain, pre_push=pre_push)


@hooks.command("pre-push")
@click.argument("remote", required=False)
@click.argument("url", required=False)
@click.option(
    "--checks-command",
    metavar="CMD",
    help="Run CMD (sh -c) before the push for the check results the policy may require; it "
    "prints NAME=STATUS lines (default: git config countersign.checksCommand; with neither, "
    "check requirements are left to the server).",
)
@repo_option
def hooks_pre_push(
    remote: str | None, url: str | None, checks_command: str | None, repo: Path
) -> int:
    """Run by the pre-push hook (git gives the pushed refs on stdin; under the pre-commit
    framework, its PRE_COMMIT_* variables): a push that moves a protected branch (guard.yaml
    protected_branches; main, master, release/* ... by default) must carry only signed-off
    changes, each judged as `countersign verify` judges it."""
    import sys

    from countersign.commands.hooks import hooks_pre_push as run

    data = sys.stdin.buffer.read(1_000_000) if not sys.stdin.isatty() else b""
    return run(repo, stdin=data.decode("utf-8", "replace"), checks_command=checks_command)


@hooks.command("uninstall")
@repo_option
def hooks_uninstall(repo: Path) -> int:
    """Remove countersign's git hooks (restores chained ones)."""
    from countersign.commands.hooks import hooks_uninstall as run

    return run(repo)


@hooks.command("commit-msg")
@click.argument("message_file", type=click.Path(dir_okay=False))
def hooks_commit_msg(message_file: str) -> int:
    """Run by the commit-msg hook: add Assisted-by when staged files were edited by an agent."""
    from countersign.hooks.commit_msg import run_commit_msg

    return run_commit_msg([message_file])


@click.group()
def guard() -> None:
    """The agent guard. `countersign guard --agent NAME` is the hook itself (see --help there)."""


_AGENTS = click.Choice(NAMES)
_scope = click.option(
    "--project/--user",
    "project",
    default=True,
    help="The project's settings file (default) or your user settings.",
)


@guard.command("install")
@click.option("--agent", required=True, type=_AGENTS)
@_scope
@repo_option
def guard_install(agent: str, project: bool, repo: Path) -> int:
    """Add the guard's hooks to an agent's settings, keeping what is there."""
    from countersign.commands.guard_install import guard_install as run

    return run(agent, "project" if project else "user", repo, Path.home())


@guard.command("uninstall")
@click.option("--agent", required=True, type=_AGENTS)
@_scope
@repo_option
def guard_uninstall(agent: str, project: bool, repo: Path) -> int:
    """Remove only the guard's hooks from an agent's settings."""
    from countersign.commands.guard_install import guard_install as run

    return run(agent, "project" if project else "user", repo, Path.home(), remove=True)


@guard.command("packs")
@click.argument("rule", required=False)
@repo_option
def guard_packs(rule: str | None, repo: Path) -> int:
    """List the rule packs in force and their rule ids, or explain one RULE."""
    from countersign.commands.guard_packs import guard_packs as run

    return run(rule, repo)
