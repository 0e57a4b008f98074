"""An agent action as something a second human can approve: its fingerprint (command, working
directory, the live context it was judged in), a short id, and the single use of an approval."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from countersign.guard.protocol import ToolCall
from countersign.records import record
from countersign.sha256 import sha256

TYPE_CHECKING = False  # typing stays off the guard's ask path
if TYPE_CHECKING:
    from typing import Any

DECISION = "guard-decision"
APPROVAL = "guard-approval"
USED = "guard-approval-used"


@record(frozen=True)
class Action:
    fingerprint: str
    id: str
    context: dict[str, str | None]


def action_of(call: ToolCall, context: dict[str, str | None]) -> Action:
    what: dict[str, Any] = {"kind": call.kind, "cwd": call.cwd, "context": context}
    if call.kind == "shell":
        what["command"] = call.command
    else:
        what["tool"] = call.tool
        what["paths"] = list(call.paths)
        what["content"] = sha256(call.content.encode("utf-8", "replace")).hexdigest()
    digest = sha256(json.dumps(what, sort_keys=True).encode("utf-8", "replace")).hexdigest()
    return Action(fingerprint=f"action:sha256:{digest}", id=digest[:8], context=context)


def now() -> datetime:
    return datetime.now(UTC)


def stamp(at: datetime) -> str:
    return at.isoformat(timespec="microseconds")


def unused_approval(
    entries: list[dict[str, Any]],
    fingerprint: str,
    at: datetime,
    valid: Callable[[dict[str, Any]], bool] = lambda _entry: True,
) -> dict[str, Any] | None:
    """The newest approval of exactly this action that has not expired, was not used and is
    ``valid`` (given by someone who may, proven as the policy asks)."""
    used = {(e.get("fingerprint"), e.get("approval_at")) for e in entries if e.get("kind") == USED}
    for entry in reversed(entries):
        if entry.get("kind") != APPROVAL or entry.get("fingerprint") != fingerprint:
            continue
        if (fingerprint, entry.get("at")) in used:
            continue
        try:
            expires = datetime.fromisoformat(str(entry.get("expires")))
        except ValueError:
            continue
        if expires >= at and valid(entry):
            return dict(entry)
    return None


def expiry(at: datetime, ttl_seconds: int) -> str:
    return stamp(at + timedelta(seconds=ttl_seconds))
