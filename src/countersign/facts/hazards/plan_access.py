"""Access changes inside a Terraform plan: IAM policy attributes compared before/after, and
security-group / firewall ingress newly open to the world on admin ports."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from countersign.facts.hazards import Hazard, Severity, unanalysable
from countersign.facts.hazards.documents import Unanalysable
from countersign.facts.hazards.iam import Policy, parse_policy, policy_hazards
from countersign.facts.hazards.iam_bindings import role_hazards
from countersign.facts.hazards.network import Opening, describe, port_range, world_open

# Attributes that hold a JSON policy document, by resource type prefix.
POLICY_ATTRIBUTES = ("policy", "assume_role_policy")
ADMIN_POLICY_SUFFIXES = (":policy/AdministratorAccess", ":policy/IAMFullAccess")


def access_hazards(
    path: str, rtype: str, address: str, change: Mapping[str, Any], env: str | None
) -> Iterator[Hazard]:
    before = change.get("before") if isinstance(change.get("before"), dict) else None
    after = change.get("after") if isinstance(change.get("after"), dict) else None
    unknown = change.get("after_unknown") if isinstance(change.get("after_unknown"), dict) else {}
    if after is None:
        return
    if rtype.startswith("aws_") and ("iam" in rtype or rtype.endswith("_policy")):
        yield from _iam(path, address, before, after, unknown or {}, env)
    if rtype.startswith("google_") and "_iam_" in rtype:
        yield from _gcp_binding(path, address, before, after, env)
    if rtype == "azurerm_role_assignment":
        role = after.get("role_definition_name") or after.get("role_definition_id")
        old = (before or {}).get("role_definition_name") or (before or {}).get("role_definition_id")
        if isinstance(role, str) and role != old:
            who = str(after.get("principal_id") or "?")
            yield from role_hazards(path, role, who, resource=address, env=env)
    openings_after = openings(rtype, after)
    if openings_after:
        openings_before = openings(rtype, before) if before else set()
        for opening in world_open(openings_after, openings_before):
            yield Hazard(
                "net.world_open",
                Severity.CRITICAL if env == "prod" else Severity.HIGH,
                path,
                f"{rtype} {address} opens {describe(opening)}",
                resource=address,
                env=env,
            )


def _iam(
    path: str,
    address: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    unknown: Mapping[str, Any],
    env: str | None,
) -> Iterator[Hazard]:
    arn = after.get("policy_arn")
    if isinstance(arn, str) and arn.endswith(ADMIN_POLICY_SUFFIXES):
        yield Hazard(
            "iam.admin_policy",
            Severity.CRITICAL,
            path,
            f"{address} attaches {arn.rsplit('/', 1)[-1]}",
            resource=address,
            env=env,
        )
    documents: list[tuple[str, Any, Any]] = [
        (attr, after.get(attr), (before or {}).get(attr)) for attr in POLICY_ATTRIBUTES
    ]
    for i, inline in enumerate(after.get("inline_policy") or []):
        if isinstance(inline, dict):
            documents.append((f"inline_policy[{i}]", inline.get("policy"), None))
    for attr, new_text, old_text in documents:
        if unknown.get(attr) is True:
            yield unanalysable(path, f"{address}.{attr} is known only after apply", None)
            continue
        if not new_text or new_text == old_text:
            continue
        try:
            new = parse_policy(new_text)
        except Unanalysable as exc:
            yield unanalysable(path, f"{address}.{attr}: {exc}")
            continue
        old: Policy | None = None
        if old_text:
            try:
                old = parse_policy(old_text)
            except Unanalysable:
                old = None
        yield from policy_hazards(path, new, old, resource=address, env=env)


def _gcp_binding(
    path: str,
    address: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    env: str | None,
) -> Iterator[Hazard]:
    """``google_*_iam_member`` / ``_binding`` (a role and its members); ``_policy`` holds a
    whole policy document as JSON text."""

    def pairs(values: Mapping[str, Any] | None) -> set[tuple[str, str]]:
        if not values:
            return set()
        role = values.get("role")
        members = [values.get("member"), *_list(values.get("members"))]
        out = {(role, m) for m in members if isinstance(role, str) and isinstance(m, str)}
        policy = values.get("policy_data")
        if isinstance(policy, str):
            try:
                data = json.loads(policy)
            except ValueError:
                data = {}
            for binding in data.get("bindings") or [] if isinstance(data, dict) else []:
                if isinstance(binding, dict) and isinstance(binding.get("role"), str):
                    out |= {(binding["role"], m) for m in _list(binding.get("members"))}
        return out

    for role, member in sorted(pairs(after) - pairs(before)):
        yield from role_hazards(path, role, member, resource=address, env=env)


def openings(rtype: str, values: Mapping[str, Any] | None) -> set[Opening]:
    if not values:
        return set()
    if rtype == "aws_security_group":
        rules = values.get("ingress") or []
        return {o for r in rules if isinstance(r, dict) for o in _aws_rule(r, "protocol")}
    if rtype == "aws_security_group_rule" and values.get("type") == "ingress":
        return set(_aws_rule(values, "protocol"))
    if rtype == "aws_vpc_security_group_ingress_rule":
        return set(_aws_rule(values, "ip_protocol"))
    if rtype == "google_compute_firewall":
        return _gcp(values)
    if rtype == "azurerm_network_security_rule":
        return _azure(values)
    return set()


def _aws_rule(rule: Mapping[str, Any], protocol_key: str) -> Iterator[Opening]:
    protocol = str(rule.get(protocol_key, ""))
    low = rule.get("from_port")
    high = rule.get("to_port")
    low = low if isinstance(low, int) else 0
    high = high if isinstance(high, int) else low
    sources = [*_list(rule.get("cidr_blocks")), *_list(rule.get("ipv6_cidr_blocks"))]
    sources += [s for s in (rule.get("cidr_ipv4"), rule.get("cidr_ipv6")) if isinstance(s, str)]
    for source in sources:
        yield Opening(low, high, protocol, source)


def _gcp(values: Mapping[str, Any]) -> set[Opening]:
    if str(values.get("direction") or "INGRESS").upper() != "INGRESS":
        return set()
    out: set[Opening] = set()
    for allow in values.get("allow") or []:
        if not isinstance(allow, dict):
            continue
        protocol = str(allow.get("protocol", ""))
        ports = allow.get("ports") or ["*"]
        for source in _list(values.get("source_ranges")):
            for port in ports:
                rng = port_range(port)
                if rng:
                    out.add(Opening(rng[0], rng[1], protocol, source))
    return out


def _azure(values: Mapping[str, Any]) -> set[Opening]:
    if str(values.get("direction", "")).lower() != "inbound":
        return set()
    if str(values.get("access", "")).lower() != "allow":
        return set()
    sources = [values.get("source_address_prefix"), *_list(values.get("source_address_prefixes"))]
    ports = [values.get("destination_port_range"), *_list(values.get("destination_port_ranges"))]
    out: set[Opening] = set()
    for source in (s for s in sources if isinstance(s, str)):
        for port in ports:
            rng = port_range(port)
            if rng:
                out.add(Opening(rng[0], rng[1], str(values.get("protocol", "")), source))
    return out


def _list(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
