"""``countersign provenance``: which commits of a range are AI-assisted, and the evidence."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.commands.workspace import open_workspace
from countersign.errors import UsageError
from countersign.facts import provenance


def parse_range(rev_range: str | None) -> tuple[str | None, str]:
    """``A..B`` -> (A, B); ``B`` -> (default base, B); nothing -> (default base, HEAD)."""
    if not rev_range:
        return None, "HEAD"
    base, sep, head = rev_range.partition("..")
    if not sep:
        return None, rev_range
    return base or None, head.lstrip(".") or "HEAD"


def provenance_command(
    cwd: Path,
    *,
    rev_range: str | None,
    worktree: bool,
    pr_payload: str | None,
    fmt: str,
    patch: str | None = None,
) -> int:
    if patch and (rev_range or worktree):
        raise UsageError("--patch reads the change from the file: give no RANGE or --worktree")
    base, head = parse_range(rev_range)
    ws = open_workspace(
        cwd, base=base, head=head, worktree=worktree, patch=patch, pr_payload=pr_payload
    )
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
