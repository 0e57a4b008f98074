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
_RESOURCE = re.compile(r"^\s*\[([-~+])\]\s+((?:AWS|Custom|Alexa)::\S+)\s+(\S+)(?:\s+(\S+))?")
_STACK = re.compile(r"^Stack\s+(\S+)", re.MULTILINE)


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
            stack = header.group(1)
            continue
        found = _RESOURCE.match(line)
        if found:
            sign, rtype, logical, _ = found.groups()
            current = (sign, rtype, logical, number)
            if sign == "-":
                yield _hazard(
                    path,
                    "infra.delete",
                    rtype,
                    logical,
                    stack,
                    number,
                    production,
                    "will be deleted",
                )
            continue
        if current and current[0] == "~" and current[3] not in flagged:
            low = line.lower()
            if "requires replacement" in low or "may cause replacement" in low:
                flagged.add(current[3])
                certain = "requires replacement" in low
                yield _hazard(
                    path, "infra.replace", current[1], current[2], stack, current[3], production,
                    "will be replaced" if certain else "may be replaced", lower=not certain,
                )  # fmt: skip


def _hazard(
    path: str,
    kind: str,
    rtype: str,
    logical: str,
    stack: str,
    line: int,
    production: Production,
    what: str,
    lower: bool = False,
) -> Hazard:
    env = "prod" if production.in_address(stack) or production.in_address(logical) else None
    severity = destroy_severity(is_stateful(rtype), bool(env))
    if lower and severity is not Severity.MEDIUM:
        severity = Severity(list(Severity)[severity.rank - 1])
    where = f" in stack {stack}" if stack else ""
    return Hazard(
        kind,
        severity,
        path,
        f"{rtype} {logical}{where} {what}",
        line=line,
        resource=logical,
        env=env,
    )
