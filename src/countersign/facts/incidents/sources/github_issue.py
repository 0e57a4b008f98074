"""GitHub issues labelled as incidents: an ``issues`` webhook delivery (``{"action", "issue"}``),
one issue as the REST API returns it, or a list of them. Only issues with a label naming an
incident count; ``service:NAME`` labels name services, ``sev1``/``P1``/``severity: high``
labels the severity, the body's references the root cause. The id is ``#NUMBER``, as a fix
commit would cite it."""

from __future__ import annotations

import re
from typing import Any

from countersign.errors import InputError
from countersign.facts.incidents import Incident, iso, severity
from countersign.facts.incidents.references import references_in

_SERVICE = re.compile(r"^(?:service|svc|component)\s*[:/]\s*(.+)$", re.IGNORECASE)
_SEVERITY = re.compile(
    r"^(?:severity\s*[:/]\s*)?(sev[\s-]?[1-5]|p[1-5]|s[1-5]|critical|high|medium|low)$",
    re.IGNORECASE,
)


def _issues(payload: Any) -> list[dict[str, Any]]:
    if isinstance(payload, dict) and isinstance(payload.get("issue"), dict):
        return [payload["issue"]]
    items = payload if isinstance(payload, list) else [payload]
    return [i for i in items if isinstance(i, dict) and "number" in i and "labels" in i]


def matches(payload: Any) -> bool:
    issues = _issues(payload)
    items = payload if isinstance(payload, list) else [payload]
    return bool(issues) and len(issues) == len(items)


def _labels(issue: dict[str, Any]) -> list[str]:
    labels = issue.get("labels") or []
    if not isinstance(labels, list):
        raise InputError(f"GitHub issue #{issue.get('number')}: labels must be a list")
    return [str(x.get("name", "")) if isinstance(x, dict) else str(x) for x in labels]


_INCIDENT = re.compile(r"(?<![\w-])incidents?(?![\w-])", re.IGNORECASE)
_NEGATED = re.compile(r"\b(?:not?|non)[\s_-]*(?:an?[\s_-]+)?incidents?\b", re.IGNORECASE)


def is_incident(labels: list[str]) -> bool:
    """A label naming an incident as a word (``incident``, ``type: incident``, ``incident:sev1``),
    not a negation of one (``not-an-incident``, ``non-incident``)."""
    return any(_INCIDENT.search(x) and not _NEGATED.search(x) for x in labels)


def parse(payload: Any) -> list[Incident]:
    out = []
    for issue in _issues(payload):
        if "pull_request" in issue:  # the issues API lists pull requests too
            continue
        labels = _labels(issue)
        if not is_incident(labels):
            continue
        where = f"GitHub issue #{issue.get('number')}"
        number = issue.get("number")
        if not isinstance(number, int) or isinstance(number, bool):
            raise InputError(f"{where}: number must be an integer")
        sev = next((m.group(1) for x in labels if (m := _SEVERITY.match(x.strip()))), None)
        closed = issue.get("closed_at") if issue.get("state") == "closed" else None
        body = str(issue.get("body") or "")
        out.append(
            Incident(
                id=f"#{number}",
                title=str(issue.get("title", "")),
                started=iso(issue.get("created_at"), f"{where}: created_at"),
                severity=severity(sev.replace(" ", "")) if sev else "",
                resolved=iso(closed, f"{where}: closed_at") if closed else "",
                services=tuple(m.group(1).strip() for x in labels if (m := _SERVICE.match(x))),
                references=tuple(r for r in references_in(body) if r != f"#{number}"),
                description=body,
                source="github",
                url=str(issue.get("html_url", "")),
            )
        )
    return out
