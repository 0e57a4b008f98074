"""``countersign guard install|uninstall``: the guard's hooks in an agent's settings file."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from countersign.errors import InputError
from countersign.guard.install import (
    read_settings,
    settings_path,
    with_ours,
    without_ours,
    write_settings,
)
from countersign.guard.state import find_repository


def guard_install(agent: str, scope: str, cwd: Path, home: Path, remove: bool = False) -> int:
    root = cwd
    if scope == "project":
        found, _ = find_repository(str(cwd))
        root = found or cwd
    path = settings_path(agent, scope, root, home)
    try:
        settings = read_settings(path)
    except (ValueError, TypeError, OSError) as exc:
        raise InputError(
            f"{path}: cannot merge into it ({exc}); fix the file or move it away"
        ) from None
    if remove:
        if not path.exists():
            click.echo(f"Nothing to remove: {path} does not exist")
            return 0
        write_settings(path, without_ours(settings))
        click.echo(f"Removed the countersign guard from {path}")
        return 0
    program = shutil.which("countersign") or "countersign"
    write_settings(path, with_ours(settings, agent, program))
    click.echo(f"Installed the countersign guard for {agent} in {path}")
    if agent == "codex":
        click.echo("Codex runs hooks only with `[features] codex_hooks = true` in its config.toml.")
    return 0
