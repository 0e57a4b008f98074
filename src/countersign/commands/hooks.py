"""``countersign hooks install|uninstall``: manage the git hooks of the repository."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.hooks.install import install_hook, uninstall_hook
from countersign.intake.git import repo_root


def hooks_install(cwd: Path, *, chain: bool) -> int:
    click.echo(install_hook(repo_root(cwd), "commit-msg", chain=chain))
    return 0


def hooks_uninstall(cwd: Path) -> int:
    click.echo(uninstall_hook(repo_root(cwd), "commit-msg"))
    return 0
