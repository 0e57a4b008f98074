"""Opsgenie's outgoing webhook (``{"action": "Create", "alert": {...}}``), one delivery or a
list: Create starts the incident (``createdAt``, milliseconds), Close resolves it
(``updatedAt``, nanoseconds), AddNote carries root-cause references; ``service:NAME`` tags (or
``details.service``, or the entity) name the services."""

from __future__ import annotations

from typing import Any

from countersign.errors import InputError
from countersign.facts.incidents import Incident, iso, require_id, severity
from countersign.facts.incidents.references import references_in


def _items(payload: Any) -> list[dict[str, Any]]:
    items = payload if isinstance(payload, list) else [payload]
    return [i for i in items if isinstance(i, dict)]


def matches(payload: Any) -> bool:
    items = _items(payload)
    return bool(items) and all(
        isinstance(i.get("alert"), dict) and isinstance(i.get("action"), str) for i in items
    )


def parse(payload: Any) -> list[Incident]:
    out = []
    for n, item in enumerate(_items(payload)):
        where = f"Opsgenie delivery {n + 1}"
        alert = item["alert"]
        action = str(item["action"]).lower()
        alert_id = require_id(alert.get("alertId"), f"{where}: alert.alertId")
        started = iso(alert.get("createdAt"), f"{where}: alert.createdAt")
        text = " ".join(str(alert.get(k) or "") for k in ("message", "description", "note"))
        resolved = ""
        if action == "close":
            resolved = iso(alert.get("updatedAt"), f"{where}: alert.updatedAt")
        out.append(
            Incident(
                id=alert_id,
                title=str(alert.get("message", "")) if action != "addnote" else "",
                started=started,
                severity=severity(alert.get("priority")),
                resolved=resolved,
                services=_services(alert),
                references=references_in(text),
                description=str(alert.get("description") or ""),
                source="opsgenie",
                extra={"tiny_id": alert.get("tinyId"), "alias": alert.get("alias")},
            )
        )
    return out


def _services(alert: dict[str, Any]) -> tuple[str, ...]:
    tags = alert.get("tags") or []
    if not isinstance(tags, list):
        raise InputError("Opsgenie alert: tags must be a list")
    found = [t.split(":", 1)[1].strip() for t in tags if str(t).lower().startswith("service:")]
    details = alert.get("details")
    if isinstance(details, dict) and details.get("service"):
        found.append(str(details["service"]))
    if not found and alert.get("entity"):
        found.append(str(alert["entity"]))
    return tuple(dict.fromkeys(s for s in found if s))
