"""Incident webhook deliveries from tests/fixtures/incidents (README there for provenance),
their times moved to now so the receiver does not refuse them as stale replays."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "incidents"
PD_SECRET = b"pagerduty-signing-secret-0001"
OG_TOKEN = b"opsgenie-custom-header-token-1"
GENERIC = b"generic-incident-secret-00001"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def pagerduty(index: int = 0, **event: Any) -> dict[str, Any]:
    """One delivery of the PagerDuty fixture (triggered, annotated, resolved), happening now."""
    deliveries = json.loads((FIXTURES / "pagerduty_v3.json").read_text())
    delivery: dict[str, Any] = copy.deepcopy(deliveries[index])
    delivery["event"]["occurred_at"] = now_iso()
    delivery["event"].update(event)
    return delivery


def opsgenie(name: str = "opsgenie_create") -> dict[str, Any]:
    delivery: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    now = datetime.now(UTC)
    delivery["alert"]["createdAt"] = int(now.timestamp() * 1000) - 60_000
    delivery["alert"]["updatedAt"] = int(now.timestamp() * 1e9)
    return delivery


def generic() -> dict[str, Any]:
    return {
        "id": "INC-2041",
        "title": "Payments double-charged after retry change",
        "started_at": now_iso(),
        "severity": "sev1",
        "services": ["payments"],
        "references": ["#88"],
    }
