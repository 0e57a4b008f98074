"""``countersign scan``: run every hazard analyzer on files given directly.

Exit codes: 0 no hazards, 1 hazards found (including files that could not be analysed),
4 a file could not be read at all. Production names and the SQL dialect come from
``.countersign/hazards.yaml`` in the current directory when it exists; the Terraform workspace
from ``TF_WORKSPACE``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import click

from countersign.config import CONFIG_DIR, Config, load_config
from countersign.errors import ExitCode
from countersign.facts.context import Context
from countersign.facts.hazards import find_hazards
from countersign.intake.artifacts import load_artifact
from countersign.intake.change import Change
from countersign.output import render_hazards


def scan(
    files: tuple[str, ...],
    fmt: str,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    cwd = cwd or Path.cwd()
    environ = os.environ if environ is None else environ
    artifacts = tuple(load_artifact(path) for path in files)
    change = Change(base=None, head=None, fingerprint="", artifacts=artifacts, source="scan")
    config = load_config(cwd) if (cwd / CONFIG_DIR).is_dir() else Config()
    context = Context(config=config, terraform_workspace=environ.get("TF_WORKSPACE") or None)
    hazards = find_hazards(change, context)
    click.echo(render_hazards(hazards, fmt, files), nl=False)
    return ExitCode.NEEDS_APPROVAL if hazards else ExitCode.PASS
