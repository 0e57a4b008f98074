"""IAM policies: wildcards, public principals, privilege-escalation actions, and widening —
what the new document allows that the old one did not. Compared, not just linted: a policy
that already had ``Resource: "*"`` is not news; one that gains it is."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from countersign.facts.context import Context
from countersign.facts.hazards import Hazard, Severity, unanalysable
from countersign.facts.hazards.documents import DocumentKind, Unanalysable, documents
from countersign.facts.hazards.iam_bindings import binding_hazards, is_binding_document
from countersign.facts.hazards.iam_lint import CALLER_KEYS, lint, listed
from countersign.facts.hazards.parsing import load_json, load_yaml_documents
from countersign.intake.change import Change

_MAX_LISTED = 5
# A statement is the product of its actions, resources and principals: bounded, so a policy
# of a few thousand names each cannot take gigabytes.
MAX_GRANTS = 200_000
MAX_COMPARISONS = 20_000_000
_WILD = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class Grant:
    """One (action, resource, principal) an Allow statement permits. ``negated`` marks
    NotAction/NotResource: everything except the named ones."""

    action: str
    resource: str
    principal: str = ""
    conditional: bool = False
    # A condition narrows who the caller is (org, account, VPC endpoint, source ARN).
    restricted: bool = False

    @property
    def shown(self) -> str:
        who = f" to {self.principal}" if self.principal else ""
        return f"{self.action} on {self.resource}{who}"

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
            data = _load(doc.path, doc.text)
            if is_binding_document(data):
                previous = _load(doc.path, doc.previous) if doc.previous else None
                yield from binding_hazards(doc.path, data, previous)
                continue
            new = parse_policy(data)
        except Unanalysable as exc:
            yield unanalysable(doc.path, f"IAM policy {exc}", exc.line)
            continue
        old: Policy | None = None
        if doc.previous is not None:
            try:
                old = parse_policy(_load(doc.path, doc.previous))
            except Unanalysable:
                old = None  # the old side was broken: judge the new one alone
        yield from policy_hazards(doc.path, new, old)


def _load(path: str, text: str) -> Any:
    """JSON, or the YAML gcloud prints by default."""
    if path.lower().endswith((".yaml", ".yml")):
        docs = load_yaml_documents(text)
        return docs[0][1] if docs else None
    return load_json(text)


def _not_covered(grants: list[Grant], old: frozenset[Grant]) -> list[Grant]:
    """The grants no old grant covers. Equal grants were removed by set difference; an old
    pattern can only cover a grant whose resource starts with the pattern's literal prefix, so
    old patterns are indexed by (action, prefix) and each grant looks up its own prefixes:
    linear in the grants, not their product."""
    index: dict[tuple[str | None, str], list[Grant]] = {}
    exact = set()
    for o in old:
        if not o.conditional:
            exact.add((o.action, o.resource, o.principal))
        action = None if _WILD.search(o.action) else o.action
        prefix = _WILD.split(o.resource, maxsplit=1)[0]
        index.setdefault((action, prefix), []).append(o)
    budget = MAX_COMPARISONS
    out = []
    for g in grants:
        if (g.action, g.resource, g.principal) in exact:
            continue
        covered = False
        for i in range(len(g.resource) + 1):
            for action in (g.action, None):
                candidates = index.get((action, g.resource[:i]), ())
                budget -= len(candidates)
                if any(g.covered_by(o) for o in candidates):
                    covered = True
                    break
            if covered:
                break
        if budget < 0:
            raise Unanalysable("too many wildcard grants to compare with the previous version")
        if not covered:
            out.append(g)
    return out


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
        if len(allows) + len(denies) > MAX_GRANTS:
            raise Unanalysable(f"the policy expands to more than {MAX_GRANTS:,} grants")
    return Policy(frozenset(allows), frozenset(denies))


def _grants(st: dict[str, Any]) -> Iterator[Grant]:
    actions = [a.lower() for a in _strings(st.get("Action"))]
    if "NotAction" in st:
        actions.append("*")  # everything but a few: as wide as a wildcard
    resources = _strings(st.get("Resource"))
    if "NotResource" in st:
        resources.append("*")
    principals = _principals(st.get("Principal"), st.get("NotPrincipal"))
    condition = st.get("Condition")
    conditional = bool(condition)
    restricted = isinstance(condition, dict) and any(
        isinstance(keys, dict) and any(str(k).lower() in CALLER_KEYS for k in keys)
        for keys in condition.values()
    )
    if len(actions or "*") * len(resources or "*") * len(principals) > MAX_GRANTS:
        raise Unanalysable(f"a statement expands to more than {MAX_GRANTS:,} grants")
    for action in actions or ["*"]:
        for resource in resources or ["*"]:
            for principal in principals:
                yield Grant(action, resource, principal, conditional, restricted)


def _principals(principal: Any, not_principal: Any) -> list[str]:
    if not_principal is not None or principal == "*":
        return ["*"]
    if isinstance(principal, dict):
        out = [
            f"{kind.lower()}:{value}"
            for kind, values in principal.items()
            for value in _strings(values)
        ]
        return ["*" if p.endswith((":*", ":arn:aws:iam::*:root")) else p for p in out] or [""]
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
    added = sorted(new.allows - old.allows if old else new.allows, key=lambda g: g.shown)
    if old is not None:
        try:
            added = _not_covered(added, old.allows)
        except Unanalysable as exc:
            yield unanalysable(path, f"IAM policy {exc}")
            return
    for finding in lint(added):
        yield Hazard(
            finding.kind,
            finding.severity,
            path,
            f"{finding.what}: {listed(finding.grants)}",
            resource=resource,
            env=env,
        )
    if old is None:
        return
    if added:
        more = len({g.shown for g in added}) - _MAX_LISTED
        yield Hazard(
            "iam.widening",
            Severity.HIGH,
            path,
            f"allows what the previous version did not: {listed(added)}"
            + (f" and {more} more" if more > 0 else ""),
            resource=resource,
            env=env,
        )
    dropped = sorted({g.shown for g in old.denies - new.denies})
    if dropped:
        yield Hazard(
            "iam.widening",
            Severity.HIGH,
            path,
            f"removes Deny of {', '.join(dropped[:_MAX_LISTED])}",
            resource=resource,
            env=env,
        )
