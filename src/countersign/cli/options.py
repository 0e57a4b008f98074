"""Options shared by several commands, declared once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from countersign.output import FORMATS

F = TypeVar("F", bound=Callable[..., object])

EXIT_CODES = """\b
Exit codes:
  0   pass: no sign-off needed (or all given)
  1   needs approval: sign-offs are missing
  2   blocked: policy forbids the change as it is
  3   usage or configuration error (bad option, invalid .countersign/ file)
  4   input error (not a repository, unknown revision, unreadable patch or plan)
  5   ledger error (unreadable or untrustworthy ledger)
  70  internal error (a bug: a report file is written)
  130 interrupted"""


def format_choice(*formats: str, help: str = "Output format.") -> Callable[[F], F]:  # noqa: A002 - click's name
    """``--format`` with the formats a command renders (text first, the default)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(formats),
        default="text",
        show_default=True,
        help=help,
    )


format_option = format_choice(*FORMATS)


def check_status_option(
    help: str = "Result of an automated check, e.g. tests=success. Repeatable.",  # noqa: A002
    *,
    hidden: bool = False,
) -> Callable[[F], F]:
    """``--check-status NAME=STATUS``, repeatable: what CI says of the change's checks."""
    return click.option(
        "--check-status",
        "checks",
        multiple=True,
        metavar="NAME=STATUS",
        help=help,
        hidden=hidden,
    )


pr_payload_option = click.option(
    "--pr-payload",
    type=click.Path(dir_okay=False),
    help="A GitHub pull_request event JSON (e.g. $GITHUB_EVENT_PATH): labels, body, head branch.",
)

repo_option = click.option(
    "-C",
    "repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    help="Run as if started in this directory.",
)


def range_options(command: F) -> F:
    """--base, --head and --worktree: which change a command is about."""
    for option in reversed(
        (
            click.option("--base", help="Base revision (default: merge-base with main)."),
            click.option("--head", default="HEAD", show_default=True, help="Head revision."),
            click.option("--worktree", is_flag=True, help="Include uncommitted work."),
        )
    ):
        command = option(command)
    return command


def report_option(*formats: str) -> Callable[[F], F]:
    """``--report FORMAT=FILE``, repeatable: the same result in other formats, written to files
    (one run for a job summary, a SARIF upload and a JSON artifact)."""
    return click.option(
        "--report",
        "reports",
        multiple=True,
        metavar="FORMAT=FILE",
        help=f"Also write the result in FORMAT ({', '.join(formats)}) to FILE. Repeatable.",
    )
