"""Commands for coding agents and git hooks: the guard's installer and the commit-msg hook."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.cli.options import repo_option


@click.group()
def hooks() -> None:
    """git hooks: commit-msg adds an Assisted-by trailer when the guard saw an agent edit."""


@hooks.command("install")
@click.option("--chain", is_flag=True, help="Keep an existing commit-msg hook and run it first.")
@repo_option
def hooks_install(chain: bool, repo: Path) -> int:
    """Install the commit-msg hook (respects core.hooksPath)."""
    from countersign.commands.hooks import hooks_install as run

    return run(repo, chain=chain)


@hooks.command("uninstall")
@repo_option
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


@click.group()
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
