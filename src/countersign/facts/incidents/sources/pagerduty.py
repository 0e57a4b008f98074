"""PagerDuty v3 webhooks (``{"event": {"event_type": "incident.triggered", "data": ...}}``), one
delivery or a list of them: triggered and resolved give the times, priority the severity, the
service its name, and annotations (incident notes) the responders' root-cause references."""

from __future__ import annotations

from typing import Any

from countersign.errors import InputError
from countersign.facts.incidents import Incident, iso, require_id, severity
from countersign.facts.incidents.references import references_in

_URGENCY = {"high": "sev2", "low": "sev4"}


def _events(payload: Any) -> list[dict[str, Any]]:
    items = payload if isinstance(payload, list) else [payload]
    return [i["event"] for i in items if isinstance(i, dict) and isinstance(i.get("event"), dict)]


def matches(payload: Any) -> bool:
    events = _events(payload)
    return bool(events) and all(
        str(e.get("event_type", "")).startswith("incident.") for e in events
    )


def parse(payload: Any) -> list[Incident]:
    out = []
    for n, event in enumerate(_events(payload)):
        where = f"PagerDuty event {n + 1}"
        kind = str(event.get("event_type", ""))
        data = event.get("data")
        if not isinstance(data, dict):
            raise InputError(f"{where}: no data object")
        if kind == "incident.annotated" or data.get("type") == "incident_note":
            ref = data.get("incident") or {}
            out.append(_note(where, ref, str(data.get("content", "")), event))
            continue
        if data.get("type") != "incident":
            continue
        status = str(data.get("status", ""))
        resolved = ""
        if kind == "incident.resolved" or status == "resolved":
            resolved = iso(event.get("occurred_at"), f"{where}: occurred_at")
        priority = (data.get("priority") or {}).get("summary")
        service = (data.get("service") or {}).get("summary")
        urgency = _URGENCY.get(str(data.get("urgency")), "")
        out.append(
            Incident(
                id=require_id(data.get("id"), f"{where}: data.id"),
                title=str(data.get("title", "")),
                started=iso(data.get("created_at"), f"{where}: data.created_at"),
                severity=severity(priority) if priority else urgency,
                resolved=resolved,
                services=(str(service),) if service else (),
                references=references_in(str(data.get("title", ""))),
                source="pagerduty",
                url=str(data.get("html_url", "")),
                extra={"number": data.get("number")},
            )
        )
    return out


def _note(where: str, ref: Any, content: str, event: dict[str, Any]) -> Incident:
    if not isinstance(ref, dict):
        raise InputError(f"{where}: an annotation without its incident")
    return Incident(
        id=require_id(ref.get("id"), f"{where}: data.incident.id"),
        title="",
        started=iso(event.get("occurred_at"), f"{where}: occurred_at"),
        references=references_in(content),
        source="pagerduty",
        url=str(ref.get("html_url", "")),
    )
