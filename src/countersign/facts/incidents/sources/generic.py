"""The generic shape, for any tool a webhook or a script can reshape (documented in
docs/insight.md): one object, a list, or ``{"incidents": [...]}``, each with ``id``, ``title``,
``started_at`` and optionally ``severity``, ``resolved_at``, ``services``, ``references``,
``description`` and ``url``. CSV files with the same columns read through ``rows``."""

from __future__ import annotations

import csv
import io
from typing import Any

from countersign.errors import InputError
from countersign.facts.incidents import Incident, iso, require_id, severity
from countersign.facts.incidents.references import references_in

_START = ("started_at", "started", "start", "created_at")
_END = ("resolved_at", "resolved", "end", "ended_at")
KNOWN = {"id", "title", "severity", "services", "service", "references", "root_cause",
         "description", "url", *_START, *_END}  # fmt: skip


def _items(payload: Any) -> list[Any]:
    if isinstance(payload, dict) and isinstance(payload.get("incidents"), list):
        return list(payload["incidents"])
    return list(payload) if isinstance(payload, list) else [payload]


def matches(payload: Any) -> bool:
    items = _items(payload)
    return bool(items) and all(
        isinstance(i, dict) and "id" in i and any(k in i for k in _START) for i in items
    )


def _first(item: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((item[k] for k in keys if item.get(k) not in (None, "")), None)


def _words(value: Any, where: str) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        return tuple(w for w in (p.strip() for p in value.replace(";", ",").split(",")) if w)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    raise InputError(f"{where}: expected a list of strings")


def one(item: Any, where: str) -> Incident:
    if not isinstance(item, dict):
        raise InputError(f"{where}: expected an object")
    unknown = sorted(set(item) - KNOWN)
    if unknown:
        raise InputError(
            f"{where}: unknown field {unknown[0]!r} (known: {', '.join(sorted(KNOWN))})"
        )
    start = _first(item, _START)
    end = _first(item, _END)
    refs = _words(_first(item, ("references", "root_cause")), f"{where}: references")
    description = str(item.get("description") or "")
    return Incident(
        id=require_id(item.get("id"), f"{where}: id"),
        title=str(item.get("title") or ""),
        started=iso(start, f"{where}: started_at"),
        severity=severity(item.get("severity")),
        resolved=iso(end, f"{where}: resolved_at") if end else "",
        services=_words(item.get("services") or item.get("service"), f"{where}: services"),
        references=tuple(dict.fromkeys((*refs, *references_in(description)))),
        description=description,
        source="generic",
        url=str(item.get("url") or ""),
    )


def parse(payload: Any) -> list[Incident]:
    return [one(item, f"incident {n + 1}") for n, item in enumerate(_items(payload))]


def rows(text: str, name: str) -> list[Incident]:
    """Incidents from CSV text with a header row of the generic fields."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "id" not in reader.fieldnames:
        raise InputError(f"{name}: a CSV of incidents needs a header row with an id column")
    out = []
    for n, row in enumerate(reader, start=2):
        if None in row:
            raise InputError(f"{name}:{n}: more cells than header columns")
        item = {k: v for k, v in row.items() if v not in (None, "")}
        out.append(one(item, f"{name}:{n}"))
    return out
