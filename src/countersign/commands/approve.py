"""``countersign approve``: sign off the exact content of a change."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from countersign.commands.workspace import open_workspace
from countersign.errors import UsageError
from countersign.intake.git import git


def identity_of(root: Path | None, given: str | None) -> str:
    if given:
        return given
    if root is not None:
        try:
            email = git(root, "config", "user.email").decode().strip()
        except Exception:  # noqa: BLE001 - any failure means "not configured"
            email = ""
        if email:
            return email
    raise UsageError("who is approving? pass --as IDENTITY or set git config user.email")


def approve(
    cwd: Path,
    *,
    base: str | None,
    head: str,
    worktree: bool,
    identity: str | None,
    requirement: str | None,
    note: str,
) -> int:
    ws = open_workspace(cwd, base=base, head=head, worktree=worktree)
    who = identity_of(ws.root, identity)
    ws.ledger.append(
        "approval",
        {
            "approver": who,
            "fingerprint": ws.change.fingerprint,
            "requirement": requirement,
            "note": note,
            "head": ws.change.head,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )
    click.echo(
        f"Approved {ws.change.fingerprint[:19]} as {who}"
        + (f" for {requirement}" if requirement else "")
    )
    return 0
