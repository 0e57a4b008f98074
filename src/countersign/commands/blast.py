"""``countersign blast [RANGE]``: what a change touches, what depends on it, how critical it is,
where it runs and who owns it, with the reasons."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.commands.workspace import open_workspace
from countersign.errors import UsageError
from countersign.facts.blast_radius import analyze


def parse_range(spec: str | None) -> tuple[str | None, str]:
    """``A..B`` or ``A...B`` (both: from the merge-base of A and B to B), ``REV`` (REV..HEAD),
    or nothing (the merge-base with the default branch to HEAD)."""
    if not spec:
        return None, "HEAD"
    sep = "..." if "..." in spec else ".." if ".." in spec else None
    if sep is None:
        return spec, "HEAD"
    base, head = spec.split(sep, 1)
    if not base:
        raise UsageError(f"range {spec!r} has no base; write BASE..HEAD, e.g. main..HEAD")
    return base, head or "HEAD"


def blast(
    cwd: Path,
    *,
    spec: str | None,
    worktree: bool,
    plans: tuple[str, ...],
    fmt: str,
) -> int:
    base, head = parse_range(spec)
    ws = open_workspace(cwd, base=base, head=head, worktree=worktree, plans=plans)
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
