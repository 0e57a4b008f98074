"""``countersign provenance``: which commits of a range are AI-assisted, and the evidence."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.facts import provenance
from countersign.intake.selection import ChangeSelection
from countersign.workspace import open_workspace, with_edits


def provenance_command(cwd: Path, selection: ChangeSelection, *, fmt: str) -> int:
    ws = with_edits(open_workspace(cwd, selection, reads_patches=True))
    result = provenance.analyze(ws.change, ws.context)
    if fmt == "json":
        from countersign.output.serialize import dumps, provenance_dict

        data = {
            "schema": "countersign/provenance/v1",
            "base": ws.change.base,
            "head": ws.change.head,
        }
        click.echo(dumps({**data, **provenance_dict(result)}), nl=False)
    else:
        from countersign.output.provenance import provenance_text

        click.echo(provenance_text(result), nl=False)
    return 0
