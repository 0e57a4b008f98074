"""IAM policies: wildcards, public principals, privilege-escalation actions, and widening —
what the new document allows that the old one did not. Compared, not just linted: a policy
that already had ``Resource: "*"`` is not news; one that gains it is."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from countersign.facts.context import Context
from countersign.facts.hazards import Hazard, Severity, unanalysable
from countersign.facts.hazards.documents import DocumentKind, Unanalysable, documents
from countersign.facts.hazards.parsing import load_json
from countersign.intake.change import Change

# Actions that let a principal grant itself more: the classic escalation paths.
ESCALATION_ACTIONS = frozenset(
    {
        "iam:passrole", "iam:createpolicyversion", "iam:setdefaultpolicyversion",
        "iam:attachuserpolicy", "iam:attachrolepolicy", "iam:attachgrouppolicy",
        "iam:putuserpolicy", "iam:putrolepolicy", "iam:putgrouppolicy",
        "iam:createaccesskey", "iam:createloginprofile", "iam:updateloginprofile",
        "iam:updateassumerolepolicy", "iam:addusertogroup", "iam:createuser",
        "sts:assumerole", "lambda:updatefunctioncode", "iam:putrolepermissionsboundary",
        "iam:deleterolepermissionsboundary",
    }
)  # fmt: skip
READ_PREFIXES = ("get", "list", "describe", "head", "view", "lookup", "batchget", "query")
_MAX_LISTED = 5


@dataclass(frozen=True)
class Grant:
    """One (action, resource, principal) an Allow statement permits. ``negated`` marks
    NotAction/NotResource: everything except the named ones."""

    action: str
    resource: str
    principal: str = ""
    conditional: bool = False

    def covered_by(self, other: Grant) -> bool:
        return (
            fnmatchcase(self.action, other.action)
            and fnmatchcase(self.resource, other.resource)
            and fnmatchcase(self.principal, other.principal or "")
            and (other.conditional <= self.conditional)
        )


@dataclass(frozen=True)
class Policy:
    allows: frozenset[Grant]
    denies: frozenset[Grant]


def analyze(change: Change, context: Context) -> Iterator[Hazard]:
    for doc in documents(change):
        if doc.kind is not DocumentKind.IAM_POLICY or doc.text is None:
            continue
        try:
            new = parse_policy(load_json(doc.text))
        except Unanalysable as exc:
            yield unanalysable(doc.path, f"IAM policy {exc}", exc.line)
            continue
        old: Policy | None = None
        if doc.previous is not None:
            try:
                old = parse_policy(load_json(doc.previous))
            except Unanalysable:
                old = None  # the old side was broken: judge the new one alone
        yield from policy_hazards(doc.path, new, old)


def parse_policy(data: Any) -> Policy:
    """A policy document (a dict, or its JSON text as Terraform stores it) as grants."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise Unanalysable(f"policy is not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict) or "Statement" not in data:
        raise Unanalysable("not an IAM policy document (no Statement)")
    statements = data["Statement"]
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        raise Unanalysable("Statement is neither a list nor an object")
    allows: set[Grant] = set()
    denies: set[Grant] = set()
    for i, st in enumerate(statements):
        if not isinstance(st, dict):
            raise Unanalysable(f"Statement[{i}] is not an object")
        target = denies if str(st.get("Effect", "")).lower() == "deny" else allows
        target.update(_grants(st))
    return Policy(frozenset(allows), frozenset(denies))


def _grants(st: dict[str, Any]) -> Iterator[Grant]:
    actions = [a.lower() for a in _strings(st.get("Action"))]
    if "NotAction" in st:
        actions.append("*")  # everything but a few: as wide as a wildcard
    resources = _strings(st.get("Resource"))
    if "NotResource" in st:
        resources.append("*")
    principals = _principals(st.get("Principal"), st.get("NotPrincipal"))
    conditional = bool(st.get("Condition"))
    for action in actions or ["*"]:
        for resource in resources or ["*"]:
            for principal in principals:
                yield Grant(action, resource, principal, conditional)


def _principals(principal: Any, not_principal: Any) -> list[str]:
    if not_principal is not None or principal == "*":
        return ["*"]
    if isinstance(principal, dict):
        out = [
            f"{kind}:{value}" for kind, values in principal.items() for value in _strings(values)
        ]
        return ["*" if p.endswith(":*") else p for p in out] or [""]
    return [""]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, (str, int))]
    return []


def policy_hazards(
    path: str,
    new: Policy,
    old: Policy | None,
    resource: str | None = None,
    env: str | None = None,
) -> Iterator[Hazard]:
    """Lint what the new policy adds, and report widening against the old one."""
    added = [g for g in new.allows if old is None or not any(g.covered_by(o) for o in old.allows)]
    for kind, severity, grants, what in _lint(added):
        listed = ", ".join(sorted({_show(g) for g in grants})[:_MAX_LISTED])
        yield Hazard(kind, severity, path, f"{what}: {listed}", resource=resource, env=env)
    if old is None:
        return
    if added:
        listed = ", ".join(sorted({_show(g) for g in added})[:_MAX_LISTED])
        more = len({_show(g) for g in added}) - _MAX_LISTED
        yield Hazard(
            "iam.widening",
            Severity.HIGH,
            path,
            f"allows what the previous version did not: {listed}"
            + (f" and {more} more" if more > 0 else ""),
            resource=resource,
            env=env,
        )
    dropped = sorted({_show(g) for g in old.denies - new.denies})
    if dropped:
        yield Hazard(
            "iam.widening",
            Severity.HIGH,
            path,
            f"removes Deny of {', '.join(dropped[:_MAX_LISTED])}",
            resource=resource,
            env=env,
        )


def _lint(grants: Iterable[Grant]) -> Iterator[tuple[str, Severity, list[Grant], str]]:
    grants = list(grants)
    wild = [g for g in grants if g.action == "*"]
    if wild:
        yield "iam.wildcard_action", Severity.CRITICAL, wild, "allows every action"
    service_wild = [g for g in grants if g.action != "*" and g.action.endswith(":*")]
    if service_wild:
        yield "iam.wildcard_action", Severity.HIGH, service_wild, "allows every action of a service"
    any_resource = [
        g for g in grants if g.resource == "*" and g.action != "*" and not _read_only(g.action)
    ]
    if any_resource:
        yield (
            "iam.wildcard_resource",
            Severity.MEDIUM,
            any_resource,
            "allows writes on every resource",
        )
    public = [g for g in grants if g.principal == "*" and not g.conditional]
    if public:
        yield "iam.public_principal", Severity.CRITICAL, public, "allows anyone (Principal *)"
    escalation = [g for g in grants if g.action in ESCALATION_ACTIONS]
    if escalation:
        yield "iam.privilege_escalation", Severity.HIGH, escalation, "allows privilege escalation"


def _read_only(action: str) -> bool:
    _, _, verb = action.partition(":")
    return verb.startswith(READ_PREFIXES)


def _show(g: Grant) -> str:
    who = f" to {g.principal}" if g.principal else ""
    return f"{g.action} on {g.resource}{who}"
