"""Incidents in the ledger: recorded, updated, resolved, and linked to (or unlinked from) the
changes that caused them by a person with a reason. Entries are only appended; ``book`` folds
them into the current view (the newest record of an incident wins; an unlink after a link
removes it)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from countersign.errors import InputError, UsageError
from countersign.facts.incidents import Incident, from_dict, iso
from countersign.signoff.ledger import Ledger

RECORDED = "incident"
RESOLVED = "incident-resolved"
LINKED = "incident-link"
UNLINKED = "incident-unlink"
KINDS = (RECORDED, RESOLVED, LINKED, UNLINKED)


@dataclass(frozen=True)
class ManualLink:
    incident: str
    change: str
    reason: str
    by: str
    at: str


@dataclass(frozen=True)
class Book:
    """What the ledger says now: every incident, and the links people added or removed."""

    incidents: dict[str, Incident]
    links: tuple[ManualLink, ...]
    unlinks: tuple[ManualLink, ...]

    def get(self, incident_id: str) -> Incident:
        if incident_id not in self.incidents:
            known = ", ".join(sorted(self.incidents)[:5]) or "none recorded"
            raise InputError(f"no incident {incident_id!r} in the ledger (known: {known})")
        return self.incidents[incident_id]


def book(ledger: Ledger) -> Book:
    incidents: dict[str, Incident] = {}
    links: dict[tuple[str, str], ManualLink] = {}
    unlinks: dict[tuple[str, str], ManualLink] = {}
    for e in ledger.entries():
        kind = e["kind"]
        if kind == RECORDED:
            new = from_dict(e["incident"])
            old = incidents.get(new.id)
            incidents[new.id] = old.merged(new) if old else new
        elif kind == RESOLVED and e["id"] in incidents:
            incidents[e["id"]] = replace(incidents[e["id"]], resolved=str(e["resolved"]))
        elif kind in (LINKED, UNLINKED):
            key = (str(e["incident"]), str(e["change"]))
            done = ManualLink(key[0], key[1], str(e["reason"]), str(e["by"]), str(e["at"]))
            if kind == LINKED:
                links[key] = done
                unlinks.pop(key, None)
            else:
                unlinks[key] = done
                links.pop(key, None)
    return Book(incidents, tuple(links.values()), tuple(unlinks.values()))


def record(ledger: Ledger, incident: Incident, by: str, *, action: str = "add") -> bool:
    """Record ``incident`` (new, or news of one already recorded); False, writing nothing, when
    the ledger already says all of it (an import run twice)."""
    current = book(ledger).incidents.get(incident.id)
    if action == "add" and current is not None:
        raise UsageError(
            f"incident {incident.id} is already recorded; `incident resolve` it, or import the "
            "tool's later payloads to update it"
        )
    if current is not None and current.merged(incident).as_dict() == current.as_dict():
        return False
    ledger.append(RECORDED, {"incident": incident.as_dict(), "by": by, "action": action})
    return True


def resolve(ledger: Ledger, incident_id: str, when: datetime | str, by: str) -> Incident:
    incident = book(ledger).get(incident_id)
    at = iso(when.isoformat() if isinstance(when, datetime) else when, "--at")
    if at < incident.started:
        raise UsageError(
            f"incident {incident_id} started at {incident.started}: it cannot be resolved "
            f"before that ({at})"
        )
    ledger.append(RESOLVED, {"id": incident_id, "resolved": at, "by": by})
    return replace(incident, resolved=at)


def link(ledger: Ledger, incident_id: str, change: str, reason: str, by: str, at: str) -> None:
    _check(ledger, incident_id, change, reason)
    ledger.append(LINKED, _entry(incident_id, change, reason, by, at))


def unlink(ledger: Ledger, incident_id: str, change: str, reason: str, by: str, at: str) -> None:
    _check(ledger, incident_id, change, reason)
    ledger.append(UNLINKED, _entry(incident_id, change, reason, by, at))


def _check(ledger: Ledger, incident_id: str, change: str, reason: str) -> None:
    book(ledger).get(incident_id)
    if not reason.strip():
        raise UsageError("a link or an unlink needs --reason: why this change (or not)")
    if not change.strip():
        raise UsageError("name the change: a commit sha or a change fingerprint")


def _entry(incident_id: str, change: str, reason: str, by: str, at: str) -> dict[str, Any]:
    return {"incident": incident_id, "change": change.lower(), "reason": reason, "by": by, "at": at}
