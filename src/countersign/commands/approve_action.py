"""``countersign approve --action ID``: a second person allows one exact agent action, once; the
rules are ``signoff.action_approvals``'s."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import click

from countersign.guard.action import now
from countersign.guard.journal import open_ledger
from countersign.guard.settings import protected_guard_config
from countersign.guard.state import find_repository
from countersign.signoff.action_approvals import approve_action as record_action_approval
from countersign.state_dir import state_dir


def approve_action(
    cwd: Path, *, action: str, identity: str | None, note: str, key_file: Path | None = None
) -> int:
    root, common = find_repository(str(cwd))
    state = state_dir(common, os.environ)
    ledger = open_ledger(state, root)
    config = protected_guard_config(root, common)
    done = record_action_approval(
        ledger,
        root,
        action,
        identity=identity,
        key_file=key_file,
        note=note,
        approver_level=config.approver_level,
        ttl_seconds=config.approval_ttl_seconds,
        now=now(),
    )
    wanted = done.asked
    what = wanted.get("command") or ", ".join(wanted.get("paths") or []) or wanted.get("tool")
    shown = datetime.fromisoformat(done.expires).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    click.echo(
        f"Approved once, until {shown}, as {done.approver} (identity {done.who.strength}): "
        f"{what} (in {wanted.get('cwd')})"
    )
    return 0
