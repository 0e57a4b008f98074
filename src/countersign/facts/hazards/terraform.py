"""Terraform / OpenTofu plan JSON: resources the plan deletes, replaces or forgets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from countersign.facts.context import Context
from countersign.facts.hazards import Hazard, Severity
from countersign.intake.change import Artifact, Change

STATEFUL_MARKERS = (
    "db",
    "database",
    "rds",
    "bucket",
    "volume",
    "disk",
    "queue",
    "cluster",
    "zone",
    "kms",
    "table",
    "storage",
    "redis",
    "elasticache",
    "efs",
)
PROD_MARKERS = ("prod", "production", "live")


def analyze(change: Change, context: Context) -> Iterator[Hazard]:
    for artifact in change.artifacts:
        if looks_like_plan(artifact):
            yield from analyze_plan(artifact)


def looks_like_plan(artifact: Artifact) -> bool:
    head = artifact.text[:4096]
    return artifact.path.endswith(".json") and (
        '"resource_changes"' in head or '"format_version"' in head or '"terraform_version"' in head
    )


def analyze_plan(artifact: Artifact) -> Iterator[Hazard]:
    try:
        plan = json.loads(artifact.text)
    except json.JSONDecodeError as exc:
        yield Hazard(
            "artifact.unanalysable",
            Severity.HIGH,
            artifact.path,
            f"not valid JSON ({exc.msg} at line {exc.lineno}); review it by hand",
            line=exc.lineno,
        )
        return
    if not isinstance(plan, dict) or not isinstance(plan.get("resource_changes", []), list):
        yield Hazard(
            "artifact.unanalysable",
            Severity.HIGH,
            artifact.path,
            "not a Terraform plan (no resource_changes list); review it by hand",
        )
        return
    for rc in plan.get("resource_changes", []):
        yield from _resource_change(artifact.path, rc)


def _resource_change(path: str, rc: Any) -> Iterator[Hazard]:
    if not isinstance(rc, dict):
        return
    change = rc.get("change")
    actions = (change.get("actions") if isinstance(change, dict) else None) or []
    address = str(rc.get("address", "?"))
    rtype = str(rc.get("type", ""))
    reason = rc.get("action_reason")
    env = "prod" if any(m in address.lower() for m in PROD_MARKERS) else None
    stateful = any(m in rtype.lower() for m in STATEFUL_MARKERS)
    why = f" ({reason})" if reason else ""
    if "delete" in actions and "create" in actions:
        order = "create before destroy" if actions[0] == "create" else "destroy then create"
        yield Hazard(
            "infra.replace",
            _severity(stateful, env),
            path,
            f"{address} will be replaced, {order}{why}",
            resource=address,
            env=env,
        )
    elif "delete" in actions:
        yield Hazard(
            "infra.delete",
            _severity(stateful, env),
            path,
            f"{address} will be destroyed{why}",
            resource=address,
            env=env,
        )
    elif "forget" in actions:
        yield Hazard(
            "infra.forget",
            Severity.MEDIUM,
            path,
            f"{address} will be removed from state but kept running{why}",
            resource=address,
            env=env,
        )


def _severity(stateful: bool, env: str | None) -> Severity:
    if stateful and env:
        return Severity.CRITICAL
    if stateful or env:
        return Severity.HIGH
    return Severity.MEDIUM
