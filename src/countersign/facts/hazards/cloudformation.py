"""CloudFormation change sets (``aws cloudformation describe-change-set`` output): resources
removed, and resources modified with ``Replacement`` True or Conditional."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from countersign.config.hazards import Production
from countersign.facts.context import Context
from countersign.facts.hazards import Hazard, Severity, unanalysable
from countersign.facts.hazards.documents import DocumentKind, Unanalysable, documents
from countersign.facts.hazards.parsing import load_json
from countersign.facts.hazards.resources import destroy_severity, is_stateful
from countersign.intake.change import Change

KNOWN_ACTIONS = frozenset({"Add", "Modify", "Remove", "Import", "Dynamic"})
# PolicyAction values that keep the data (DeletionPolicy/UpdateReplacePolicy Retain/Snapshot).
KEEPS_DATA = frozenset({"Retain", "Snapshot", "ReplaceAndRetain", "ReplaceAndSnapshot"})


def analyze(change: Change, context: Context) -> Iterator[Hazard]:
    production = context.config.hazards.production
    for doc in documents(change):
        if doc.kind is DocumentKind.CLOUDFORMATION_CHANGE_SET and doc.text is not None:
            yield from analyze_change_set(doc.path, doc.text, production)


def analyze_change_set(path: str, text: str, production: Production) -> Iterator[Hazard]:
    try:
        data = load_json(text)
    except Unanalysable as exc:
        yield unanalysable(path, f"CloudFormation change set {exc}", exc.line)
        return
    if not isinstance(data, dict) or not isinstance(data.get("Changes"), list):
        yield unanalysable(path, "CloudFormation change set has no Changes list")
        return
    stack_env = _stack_env(data, production)
    for i, entry in enumerate(data["Changes"]):
        rc = entry.get("ResourceChange") if isinstance(entry, dict) else None
        if not isinstance(rc, dict):
            yield unanalysable(path, f"Changes[{i}] has no ResourceChange")
            continue
        yield from _resource_change(path, rc, stack_env or _env(rc, production))


def _stack_env(data: Mapping[str, Any], production: Production) -> str | None:
    if production.in_address(str(data.get("StackName", ""))):
        return "prod"
    wanted = {v.lower() for v in (*production.variables, *production.tags)}
    pairs = [
        (p.get("ParameterKey"), p.get("ParameterValue"))
        for p in data.get("Parameters") or []
        if isinstance(p, dict)
    ] + [(t.get("Key"), t.get("Value")) for t in data.get("Tags") or [] if isinstance(t, dict)]
    if any(str(k).lower() in wanted and production.is_name(v) for k, v in pairs):
        return "prod"
    return None


def _env(rc: Mapping[str, Any], production: Production) -> str | None:
    ids = (rc.get("LogicalResourceId"), rc.get("PhysicalResourceId"))
    return "prod" if any(isinstance(i, str) and production.in_address(i) for i in ids) else None


def _resource_change(path: str, rc: Mapping[str, Any], env: str | None) -> Iterator[Hazard]:
    action = rc.get("Action")
    logical = str(rc.get("LogicalResourceId", "?"))
    rtype = str(rc.get("ResourceType", ""))
    label = f"{rtype} {logical}"
    if action not in KNOWN_ACTIONS:
        yield unanalysable(path, f"{label} has unknown Action {action!r}")
        return
    stateful = is_stateful(rtype)
    kept = rc.get("PolicyAction") in KEEPS_DATA
    where = " in production" if env else ""
    policy = f"; PolicyAction {rc['PolicyAction']}" if rc.get("PolicyAction") else ""
    if action == "Remove":
        yield Hazard(
            "infra.delete",
            destroy_severity(stateful and not kept, bool(env)),
            path,
            f"{label}{where} will be deleted{policy}",
            resource=logical,
            env=env,
        )
    elif action == "Modify" and rc.get("Replacement") in {"True", "Conditional"}:
        conditional = rc.get("Replacement") == "Conditional"
        severity = destroy_severity(stateful and not kept, bool(env))
        if conditional and severity is not Severity.MEDIUM:
            severity = Severity(list(Severity)[severity.rank - 1])
        causes = sorted(
            {
                str(d["Target"].get("Name") or d["Target"].get("Attribute"))
                for d in rc.get("Details") or []
                if isinstance(d, dict)
                and isinstance(d.get("Target"), dict)
                and d["Target"].get("RequiresRecreation") in {"Always", "Conditionally"}
            }
        )
        because = f" because of {', '.join(causes)}" if causes else ""
        yield Hazard(
            "infra.replace",
            severity,
            path,
            f"{label}{where} {'may be' if conditional else 'will be'} replaced{because}{policy}",
            resource=logical,
            env=env,
        )
    elif action == "Dynamic":
        yield unanalysable(path, f"{label} changes are decided at deploy time (Dynamic)")
