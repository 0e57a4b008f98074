"""``countersign blast [RANGE]``: what a change touches, what depends on it, how critical it is,
where it runs and who owns it, with the reasons."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.facts.blast_radius import analyze
from countersign.intake.selection import ChangeSelection
from countersign.workspace import analysed, open_workspace


def blast(cwd: Path, selection: ChangeSelection, *, fmt: str) -> int:
    ws = analysed(open_workspace(cwd, selection), remember_scans=True)
    result = analyze(ws.change, ws.context)
    if fmt == "json":
        from countersign.output.serialize import blast_dict, dumps

        text = dumps({"schema": "countersign/blast/v1", **blast_dict(result)})
    elif fmt == "markdown":
        from countersign.output.blast_radius import blast_markdown

        text = blast_markdown(result, ws.change)
    else:
        from countersign.output.blast_radius import blast_text

        text = blast_text(result, ws.change)
    click.echo(text, nl=False)
    return 0
