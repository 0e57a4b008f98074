"""Write docs/cli.md from the commands' own --help, so the reference cannot drift.

Run `python scripts/cli_reference.py > docs/cli.md` after changing a command; a test fails
while the two differ.
"""

from __future__ import annotations

import click

from countersign.cli import cli


def _walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            found.extend(_walk(command.commands[name], [*path, name]))
    return found


def reference() -> str:
    out = [
        "# Command reference",
        "",
        "Generated from `--help` by `scripts/cli_reference.py`; do not edit by hand.",
        "",
    ]
    for path, command in _walk(cli, ["countersign"]):
        name = " ".join(path)
        with click.Context(
            command, info_name=name, terminal_width=100, max_content_width=100
        ) as ctx:
            text = command.get_help(ctx)
        out += [f"## {name}", "", "```text", text.rstrip(), "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    print(reference(), end="")
