"""``countersign config check``: validate the working tree's ``.countersign/`` before it is
committed, with the loaders (and so the messages) the gate uses when it reads the base."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from countersign.config import CONFIG_DIR
from countersign.config.catalog import load_catalog
from countersign.config.hazards import load_hazard_settings
from countersign.config.roster import load_roster
from countersign.config.skeleton import FILL_IN, LEVEL_LINE
from countersign.config.sources import read_catalog
from countersign.decision.policy import load_policy
from countersign.errors import ConfigError, ExitCode
from countersign.facts.provenance.directory import load_directory
from countersign.guard.settings import parse_guard_config
from countersign.intake.git import repo_root
from countersign.intake.tree import DirTree


def _loaders(root: Path) -> dict[str, Callable[[str], str]]:
    def policy(text: str) -> str:
        return f"{len(load_policy(text).rules)} rules"

    def catalog(text: str) -> str:
        load_catalog(text)  # the file's own errors first, as the gate raises them
        merged = read_catalog(text, DirTree(root))
        notes = "".join(f"\n    note: {p}" for p in merged.problems)
        return f"{len(merged.services)} services (Backstage and CODEOWNERS included){notes}"

    def people(text: str) -> str:
        roster = load_roster(text)
        todo = sum(1 for line in text.splitlines() if line.strip().startswith(LEVEL_LINE))
        unset = f"; {todo} levels still to fill in ({FILL_IN})" if todo else ""
        return f"{len(roster.people)} people, {len(roster.agent_emails)} agent identities{unset}"

    def hazards(text: str) -> str:
        load_hazard_settings(text)
        return "ok"

    def provenance(text: str) -> str:
        load_directory(text)
        return "ok"

    def guard(text: str) -> str:
        parse_guard_config(text)
        return "ok"

    return {
        "policy.yaml": policy,
        "catalog.yaml": catalog,
        "people.yaml": people,
        "hazards.yaml": hazards,
        "provenance.yaml": provenance,
        "guard.yaml": guard,
    }


def config_check(cwd: Path) -> int:
    root = repo_root(cwd)
    directory = root / CONFIG_DIR
    errors = 0
    seen = 0
    for name, load in _loaders(root).items():
        path = directory / name
        if not path.is_file():
            continue
        seen += 1
        try:
            said: Any = load(path.read_text(encoding="utf-8", errors="replace"))
        except ConfigError as exc:
            errors += 1
            click.echo(f"error: {exc}")
            continue
        click.echo(f"ok    {CONFIG_DIR}/{name}: {said}")
    if not seen:
        click.echo(f"no {CONFIG_DIR}/ files in {root}: run `countersign init` first")
        return int(ExitCode.USAGE)
    if errors:
        click.echo(
            f"{errors} file{'s' if errors > 1 else ''} would stop the gate once committed; fix "
            "the key named, then run `countersign config check` again"
        )
        return int(ExitCode.USAGE)
    return 0
