"""Deployments in the ledger: ``verify --deployed-to ENV`` records, for a release that passed,
where it went, when, which services it touched and which changes it carried. Incident linkage
reads them for the deployment window."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from countersign.signoff.ledger import Ledger

KIND = "deployment"


@dataclass(frozen=True)
class Deployment:
    environment: str
    at: str
    head: str
    changes: tuple[str, ...]
    services: tuple[str, ...]


def record(
    ledger: Ledger,
    environment: str,
    at: str,
    head: str,
    changes: tuple[str, ...],
    services: tuple[str, ...],
) -> None:
    payload: dict[str, Any] = {
        "environment": environment,
        "deployed_at": at,
        "head": head,
        "changes": list(changes),
        "services": sorted(set(services)),
    }
    ledger.append(KIND, payload)


def deployments(ledger: Ledger) -> tuple[Deployment, ...]:
    return tuple(
        Deployment(
            str(e["environment"]),
            str(e["deployed_at"]),
            str(e.get("head", "")),
            tuple(str(c) for c in e.get("changes", ())),
            tuple(str(s) for s in e.get("services", ())),
        )
        for e in ledger.entries(KIND)
    )
