"""``countersign scan``: run the artifact analyzers on files given directly."""

from __future__ import annotations

import click

from countersign.facts.context import Context
from countersign.facts.hazards import find_hazards
from countersign.intake.artifacts import load_artifact
from countersign.intake.change import Change
from countersign.output import render_hazards


def scan(files: tuple[str, ...], fmt: str) -> int:
    artifacts = tuple(load_artifact(path) for path in files)
    change = Change(base=None, head=None, fingerprint="", artifacts=artifacts, source="scan")
    hazards = find_hazards(change, Context())
    click.echo(render_hazards(hazards, fmt, files), nl=False)
    return 0
