"""Write docs/cli.md from the commands' own --help, so the reference cannot drift.

Run `python scripts/cli_reference.py > docs/cli.md` after changing a command; a test fails
while the two differ.
"""

from __future__ import annotations

import click

from countersign.cli import cli
from countersign.intake import selection


def _sections(command: click.Command, name: str, parent: click.Context | None) -> list[str]:
    settings = {"terminal_width": 100, "max_content_width": 100, **command.context_settings}
    ctx = click.Context(command, info_name=name, parent=parent, **settings)
    out = [f"## {ctx.command_path}", "", "```text", command.get_help(ctx).rstrip(), "```", ""]
    if isinstance(command, click.Group):
        for sub in sorted(command.commands):
            out += _sections(command.commands[sub], sub, ctx)
    return out


def _range_grammar() -> str:
    doc = selection.__doc__ or ""
    return "\n".join(line.strip() for line in doc.split("\n\n", 2)[2].strip().splitlines())


def reference() -> str:
    head = [
        "# Command reference",
        "",
        "Generated from `--help` by `scripts/cli_reference.py`; do not edit by hand.",
        "",
        "## Revision ranges",
        "",
        (
            "`blast` and `provenance` read `[RANGE]` the same way (`countersign.intake.selection`);"
            " `replay` walks the first-parent history of its RANGE as `git rev-list` does."
        ),
        "",
        "```text",
        _range_grammar(),
        "```",
        "",
        (
            "Changed: `countersign provenance REV` used to mean the default merge-base up to"
            " REV; like `blast`, it now means REV..HEAD."
        ),
        "",
    ]
    return "\n".join(head + _sections(cli, "countersign", None))


if __name__ == "__main__":
    print(reference(), end="")
