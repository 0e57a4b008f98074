"""``countersign config check``: validate the working tree's ``.countersign/`` before it is
committed, with the loaders (and so the messages) the gate uses when it reads the base."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.config import CONFIG_DIR
from countersign.errors import ExitCode
from countersign.gate.configuration import check_configuration
from countersign.intake.git import repo_root


def config_check(cwd: Path) -> int:
    root = repo_root(cwd)
    checked = check_configuration(root)
    for one in checked:
        click.echo(
            f"error: {one.error}" if one.error else f"ok    {CONFIG_DIR}/{one.name}: {one.said}"
        )
    errors = sum(1 for c in checked if c.error)
    if not checked:
        click.echo(f"no {CONFIG_DIR}/ files in {root}: run `countersign init` first")
        return int(ExitCode.USAGE)
    if errors:
        click.echo(
            f"{errors} file{'s' if errors > 1 else ''} would stop the gate once committed; fix "
            "the key named, then run `countersign config check` again"
        )
        return int(ExitCode.USAGE)
    return 0
