"""``countersign guard install|uninstall``: the guard's hooks in an agent's settings file.

A project settings file is committed and shared, so the command written there is the bare
``countersign`` that each person's PATH resolves, never the path into one person's virtualenv;
a user-level install may name this installation's absolute path."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from countersign.config.starter import GITIGNORE
from countersign.errors import InputError
from countersign.guard import agents, launcher
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
    found_on_path = shutil.which("countersign")
    program = "countersign" if scope == "project" else (found_on_path or "countersign")
    write_settings(path, with_ours(settings, agent, program))
    click.echo(f"Installed the countersign guard for {agent} in {path}")
    written = launcher.write(home)
    if written is not None:
        click.echo(f"Wrote {written}: the hook starts the guard from there (it is faster)")
    if scope == "project":
        ignore = ignore_state(root)
        if ignore is not None:
            click.echo(f"Wrote {ignore} so the guard's ledger stays out of commits")
        if found_on_path is None:
            click.echo(
                "Note: `countersign` is not on PATH here; the hook runs the `countersign` on "
                "each person's PATH (install it there, e.g. with pipx), or use --user."
            )
    note = agents.get(agent).note
    if note:
        click.echo(note)
    return 0


def ignore_state(root: Path) -> Path | None:
    """Write ``.countersign/.gitignore`` (the one ``init`` writes) when there is none: the guard
    keeps its ledger there, which must not be committed. None when one already exists."""
    ignore = root / ".countersign" / ".gitignore"
    if ignore.exists():
        return None
    ignore.parent.mkdir(parents=True, exist_ok=True)
    ignore.write_text(GITIGNORE, encoding="utf-8")
    return ignore
