"""``cdk diff`` output (text, colour codes allowed): each resource line starts with ``[-]``
(removed), ``[~]`` (modified) or ``[+]``; a modified resource whose properties say ``requires
replacement`` (or ``may cause replacement``) will be, or may be, destroyed and re-created."""

from __future__ import annotations

import re
from collections.abc import Iterator

from countersign.config.hazards import Production
from countersign.facts.context import Context
from countersign.facts.hazards import Hazard, Severity
from countersign.facts.hazards.documents import DocumentKind, documents
from countersign.facts.hazards.resources import destroy_severity, is_stateful
from countersign.intake.change import Change

_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
# ``[~] AWS::DynamoDB::Table Orders OrdersA9B65338 replace``: sign, type, path, logical id and
# what happens (``destroy``, ``replace``, ``orphan``) when the CLI knows.
_RESOURCE = re.compile(
    r"^\s*\[([-~+])\]\s+((?:AWS|Custom|Alexa)::\S+)\s+\S+(?:\s+(\S+))?(?:\s+(\w+))?\s*$"
)
_STACK = re.compile(r"^Stack\s+(\S+)", re.MULTILINE)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def analyze(change: Change, context: Context) -> Iterator[Hazard]:
    production = context.config.hazards.production
    for doc in documents(change):
        if doc.kind is DocumentKind.CDK_DIFF and doc.text is not None:
            yield from analyze_diff(doc.path, doc.text, production)


def analyze_diff(path: str, text: str, production: Production) -> Iterator[Hazard]:
    text = _COLOUR.sub("", text)
    stack = ""
    current: tuple[str, str, str, int] | None = None
    flagged: set[int] = set()
    for number, line in enumerate(text.splitlines(), 1):
        header = _STACK.match(line)
        if header:
            stack = _CAMEL.sub("-", header.group(1))  # ShopProd: the words Shop and Prod
            continue
        found = _RESOURCE.match(line)
        if found:
            sign, rtype, logical, action = found.groups()
            current = (sign, rtype, logical or "?", number)
            at = (path, rtype, logical or "?", stack, number, production)
            if sign == "-" and action == "orphan":
                yield _hazard(
                    *at, "infra.forget", "leaves the stack, kept (orphaned)", Severity.MEDIUM
                )
            elif sign == "-":
                yield _hazard(*at, "infra.delete", "will be deleted")
            elif sign == "~" and action == "replace":
                flagged.add(number)
                yield _hazard(*at, "infra.replace", "will be replaced")
            continue
        if current and current[0] == "~" and current[3] not in flagged:
            low = line.lower()
            if "requires replacement" in low or "may cause replacement" in low:
                flagged.add(current[3])
                certain = "requires replacement" in low
                at = (path, current[1], current[2], stack, current[3], production)
                if certain:
                    yield _hazard(*at, "infra.replace", "will be replaced")
                else:
                    yield _hazard(*at, "infra.replace", "may be replaced", lower=True)


def _hazard(
    path: str,
    rtype: str,
    logical: str,
    stack: str,
    line: int,
    production: Production,
    kind: str,
    what: str,
    fixed: Severity | None = None,
    lower: bool = False,
) -> Hazard:
    env = "prod" if production.in_address(stack) or production.in_address(logical) else None
    severity = fixed or destroy_severity(is_stateful(rtype), bool(env))
    if lower and severity is not Severity.MEDIUM:
        severity = Severity(list(Severity)[severity.rank - 1])
    where = f" in stack {stack}" if stack else ""
    detail = f"{rtype} {logical}{where} {what}"
    return Hazard(kind, severity, path, detail, line=line, resource=logical, env=env)
