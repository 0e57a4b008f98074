"""Command-line surface: options and help only; each command's work is in ``commands/``.

Every command is listed here, explicitly; defining one does not register it.
"""

from __future__ import annotations

import click

from countersign import __version__
from countersign.cli import agents, change, docs, incidents, insight, risk, service, signoff
from countersign.cli.options import EXIT_CODES


@click.group(epilog=EXIT_CODES, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="countersign")
def cli() -> None:
    """countersign: risk-proportional sign-off for AI-assisted changes, bound to exact content."""


for command in (
    change.check,
    change.verify,
    change.scan,
    change.blast,
    change.provenance,
    change.init,
    change.adopt,
    change.config,
    change.demo,
    signoff.approve,
    signoff.record,
    signoff.status,
    signoff.break_glass,
    signoff.ledger,
    signoff.policy,
    signoff.replay,
    risk.risk,
    incidents.incident,
    insight.insight,
    docs.docs,
    agents.guard,
    agents.hooks,
    service.serve,
):
    cli.add_command(command)
