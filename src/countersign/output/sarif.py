"""SARIF 2.1.0, for code-scanning views: one result per hazard and per open requirement."""

from __future__ import annotations

from typing import Any

from countersign import __version__
from countersign.facts.hazards import Hazard, Severity
from countersign.gate.verdict import Evaluation
from countersign.output.serialize import dumps

LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def sarif(hazards: tuple[Hazard, ...], evaluation: Evaluation | None) -> str:
    rules: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    for h in hazards:
        rules.setdefault(h.kind, {"id": h.kind, "shortDescription": {"text": h.kind}})
        location: dict[str, Any] = {"artifactLocation": {"uri": h.path}}
        if h.line:
            location["region"] = {"startLine": h.line}
        results.append(
            {
                "ruleId": h.kind,
                "level": LEVEL[h.severity],
                "message": {"text": h.detail},
                "locations": [{"physicalLocation": location}],
                "properties": {"severity": str(h.severity), "resource": h.resource, "env": h.env},
            }
        )
    if evaluation is not None:
        for r in evaluation.requirements:
            if r.satisfied:
                continue
            rules.setdefault(r.id, {"id": r.id, "shortDescription": {"text": r.reason}})
            results.append(
                {"ruleId": r.id, "level": "error", "message": {"text": f"{r.reason} ({r.missing})"}}
            )
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "countersign",
                        "version": __version__,
                        "rules": list(rules.values()),
                    }
                },
                "results": results,
            }
        ],
    }
    return dumps(doc)
