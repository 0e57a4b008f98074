"""``countersign approve --action ID``: a second person allows one exact agent action, once."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import click

from countersign.config import load_config
from countersign.config.roster import Roster, level_rank
from countersign.errors import InputError, UsageError
from countersign.guard.action import APPROVAL, DECISION, expiry, now, stamp
from countersign.guard.journal import open_ledger
from countersign.guard.settings import load_guard_config
from countersign.guard.state import find_repository
from countersign.signoff.identity import identity_from
from countersign.state_dir import state_dir


def approve_action(cwd: Path, *, action: str, identity: str | None, note: str) -> int:
    root, common = find_repository(str(cwd))
    ledger = open_ledger(state_dir(common, os.environ), root)
    asked = [
        e
        for e in ledger.entries(DECISION)
        if e.get("action") == action.strip().lower() and e.get("decision") in ("ask", "deny")
    ]
    if not asked:
        raise InputError(
            f"no guarded agent action {action!r} here; copy the id from the agent's message "
            "and run this in the same repository"
        )
    wanted = asked[-1]
    who = identity_from(root, identity, Roster()).claimed
    roster = load_config(root).roster if root else load_config(cwd).roster
    if not roster.people:
        raise UsageError(
            "no roster: add the people who may approve to .countersign/people.yaml "
            "(`countersign init` writes a starter)"
        )
    person = roster.find(who)
    if person is None:
        raise UsageError(f"{who} is not in .countersign/people.yaml; only people there may approve")
    if person.agent:
        raise UsageError(f"{person.id} is an agent identity; a human must approve agent actions")
    operator = str(wanted.get("operator", ""))
    op = roster.find(operator)
    same = (op is not None and op.id == person.id) or operator.lower() in (
        person.id.lower(),
        *(e.lower() for e in person.emails),
    )
    if same:
        raise UsageError(
            f"{person.id} runs the agent session that asked; the two-person rule needs someone else"
        )
    config = load_guard_config(root)
    if config.approver_level and level_rank(person.level) < level_rank(config.approver_level):
        raise UsageError(
            f"{person.id} is {person.level or 'unlevelled'}; guard.yaml asks for "
            f"{config.approver_level} or above"
        )
    at = now()
    until = expiry(at, config.approval_ttl_seconds)
    ledger.append(
        APPROVAL,
        {
            "action": wanted["action"],
            "fingerprint": wanted["fingerprint"],
            "approver": person.id,
            "operator": operator,
            "note": note,
            "at": stamp(at),
            "expires": until,
        },
    )
    what = wanted.get("command") or ", ".join(wanted.get("paths") or []) or wanted.get("tool")
    shown = datetime.fromisoformat(until).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    click.echo(f"Approved once, until {shown}, as {person.id}: {what} (in {wanted.get('cwd')})")
    return 0
