"""Terraform / OpenTofu plan JSON (``terraform show -json``): resources the plan destroys,
replaces (either order) or forgets, IAM policies it widens and ingress it opens to the world.

Gate on the plan's actions, not on configuration flags: ``prevent_destroy`` does not stop
``-replace`` or a removed block, the actions list says what will really happen.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from countersign.config.hazards import Production
from countersign.facts.context import Context
from countersign.facts.hazards import Hazard, Severity, unanalysable
from countersign.facts.hazards.documents import DocumentKind, Unanalysable, documents
from countersign.facts.hazards.parsing import load_json
from countersign.facts.hazards.plan_access import access_hazards
from countersign.facts.hazards.resources import destroy_severity, is_stateful
from countersign.intake.change import Change

SUPPORTED_FORMATS = ("0.1", "0.2", "1")
KNOWN_ACTIONS = frozenset({"no-op", "create", "read", "update", "delete", "forget"})
PROD = "prod"


def analyze(change: Change, context: Context) -> Iterator[Hazard]:
    for doc in documents(change):
        if doc.kind is DocumentKind.TERRAFORM_PLAN and doc.text is not None:
            yield from analyze_plan(doc.path, doc.text, context)


def analyze_plan(path: str, text: str, context: Context) -> Iterator[Hazard]:
    try:
        plan = _read_plan(text)
    except Unanalysable as exc:
        yield unanalysable(path, f"Terraform plan {exc}", exc.line)
        return
    production = context.config.hazards.production
    plan_env = _plan_env(plan, production, context.terraform_workspace)
    for rc in plan.get("resource_changes") or []:
        if not isinstance(rc, dict) or rc.get("mode") == "data":
            continue
        yield from _resource_change(path, rc, production, plan_env)


def _read_plan(text: str) -> dict[str, Any]:
    plan = load_json(text)
    if not isinstance(plan, dict):
        raise Unanalysable("is not a JSON object")
    version = plan.get("format_version")
    if not isinstance(version, str):
        raise Unanalysable("has no format_version (is it `terraform show -json` output?)")
    if not any(version == v or version.startswith(f"{v}.") for v in SUPPORTED_FORMATS):
        raise Unanalysable(
            f"format_version {version} is not supported (expected 1.x, from Terraform >= 1.0 "
            "or OpenTofu)"
        )
    if not isinstance(plan.get("resource_changes", []), list):
        raise Unanalysable("has a resource_changes that is not a list")
    if plan.get("errored") is True:
        raise Unanalysable("errored while planning, so it may not list every change")
    return plan


def _plan_env(plan: Mapping[str, Any], production: Production, workspace: str | None) -> str | None:
    if workspace and production.is_name(workspace):
        return PROD
    variables = plan.get("variables")
    if isinstance(variables, dict):
        wanted = {v.lower() for v in production.variables}
        for name, var in variables.items():
            value = var.get("value") if isinstance(var, dict) else None
            if name.lower() in wanted and production.is_name(value):
                return PROD
    return None


def _resource_env(
    rc: Mapping[str, Any], production: Production, plan_env: str | None
) -> str | None:
    if plan_env or production.in_address(str(rc.get("address", ""))):
        return PROD
    change = rc.get("change")
    if not isinstance(change, dict):
        return None
    wanted = {t.lower() for t in production.tags}
    for side in (change.get("before"), change.get("after")):
        if not isinstance(side, dict):
            continue
        for attr in ("tags", "tags_all", "labels"):
            tags = side.get(attr)
            if isinstance(tags, dict) and any(
                str(k).lower() in wanted and production.is_name(v) for k, v in tags.items()
            ):
                return PROD
    return None


def _resource_change(
    path: str, rc: Mapping[str, Any], production: Production, plan_env: str | None
) -> Iterator[Hazard]:
    raw_change = rc.get("change")
    change: Mapping[str, Any] = raw_change if isinstance(raw_change, dict) else {}
    actions = change.get("actions")
    address = str(rc.get("address", "?"))
    if not isinstance(actions, list) or not actions:
        yield unanalysable(path, f"{address} has no actions list")
        return
    unknown = [a for a in actions if a not in KNOWN_ACTIONS]
    if unknown:
        yield Hazard(
            "artifact.unanalysable",
            Severity.HIGH,
            path,
            f"{address} has unknown action {unknown[0]!r}; review it by hand",
            resource=address,
        )
        return
    env = _resource_env(rc, production, plan_env)
    rtype = str(rc.get("type", ""))
    reason = rc.get("action_reason")
    why = f" ({reason})" if reason else ""
    what = "stateful " if is_stateful(rtype) else ""
    where = " in production" if env == PROD else ""
    severity = destroy_severity(is_stateful(rtype), env == PROD)
    if "delete" in actions and "create" in actions:
        order = (
            "created before the old one is destroyed"
            if actions.index("create") < actions.index("delete")
            else "destroyed, then created"
        )
        yield Hazard(
            "infra.replace",
            severity,
            path,
            f"{what}{rtype} {address}{where} will be replaced: {order}{why}",
            resource=address,
            env=env,
        )
    elif "delete" in actions:
        yield Hazard(
            "infra.delete",
            severity,
            path,
            f"{what}{rtype} {address}{where} will be destroyed{why}",
            resource=address,
            env=env,
        )
    elif "forget" in actions:
        yield Hazard(
            "infra.forget",
            Severity.MEDIUM,
            path,
            f"{rtype} {address}{where} will be removed from state and keep running unmanaged{why}",
            resource=address,
            env=env,
        )
    if "create" in actions or "update" in actions:
        yield from access_hazards(path, rtype, address, change, env)
