"""``countersign approve --action ID``: a second person allows one exact agent action, once."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import click

from countersign.config.roster import level_rank
from countersign.errors import InputError, UsageError
from countersign.guard.action import APPROVAL, DECISION, expiry, now, stamp
from countersign.guard.journal import open_ledger
from countersign.guard.settings import load_guard_config
from countersign.guard.state import find_repository
from countersign.signoff.action_approvals import protected_config, same_person
from countersign.signoff.approve import sign_checked
from countersign.signoff.identity import identity_from
from countersign.state_dir import state_dir


def approve_action(
    cwd: Path, *, action: str, identity: str | None, note: str, key_file: Path | None = None
) -> int:
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
    protected = protected_config(root)
    roster = protected.roster
    if not roster.people:
        raise UsageError(
            "no roster: add the people who may approve to .countersign/people.yaml "
            "(`countersign init` writes a starter) and commit it on the main branch"
        )
    who = identity_from(root, identity, roster, key_file)
    person = roster.find(who.claimed)
    if person is None:
        raise UsageError(
            f"{who.claimed} is not in .countersign/people.yaml (as committed on the main "
            "branch); only people there may approve"
        )
    if person.agent:
        raise UsageError(f"{person.id} is an agent identity; a human must approve agent actions")
    operator = str(wanted.get("operator", ""))
    if same_person(roster, person.id, operator):
        raise UsageError(
            f"{person.id} runs the agent session that asked; the two-person rule needs someone else"
        )
    config = load_guard_config(root)
    if config.approver_level and level_rank(person.level) < level_rank(config.approver_level):
        raise UsageError(
            f"{person.id} is {person.level or 'unlevelled'}; guard.yaml asks for "
            f"{config.approver_level} or above"
        )
    if str(who.strength) not in protected.identities:
        raise UsageError(
            f"cannot approve as {person.id}: an action approval must be "
            f"{' or '.join(protected.identities)}; pass --key with your SSH key listed in "
            "people.yaml"
        )
    at = now()
    until = expiry(at, config.approval_ttl_seconds)
    payload = {
        "action": wanted["action"],
        "fingerprint": wanted["fingerprint"],
        "approver": person.id,
        "identity": who.as_dict(),
        "operator": operator,
        "note": note,
        "at": stamp(at),
        "expires": until,
    }
    if who.key_file is not None:
        payload = sign_checked(APPROVAL, payload, who, person)
    ledger.append(APPROVAL, payload)
    what = wanted.get("command") or ", ".join(wanted.get("paths") or []) or wanted.get("tool")
    shown = datetime.fromisoformat(until).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    click.echo(
        f"Approved once, until {shown}, as {person.id} (identity {who.strength}): {what} "
        f"(in {wanted.get('cwd')})"
    )
    return 0
