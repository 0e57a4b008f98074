"""Pulumi previews (``pulumi preview --json``): each step's ``op`` says what the update will do
to the resource its URN names. Replacements (``replace``, ``create-replacement``,
``delete-replaced``) and deletions (``delete``) destroy; ``discard`` drops a resource from the
state and leaves it running unmanaged. The stack is the URN's second part."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from countersign.config.hazards import Production
from countersign.facts.context import Context
from countersign.facts.hazards import Hazard, Severity, unanalysable
from countersign.facts.hazards.documents import DocumentKind, Unanalysable, documents
from countersign.facts.hazards.parsing import load_json
from countersign.facts.hazards.resources import destroy_severity, is_stateful
from countersign.intake.change import Change

REPLACING = frozenset({"replace", "create-replacement", "delete-replaced"})
DELETING = frozenset({"delete"})
FORGETTING = frozenset({"discard", "discard-replaced"})
KNOWN = REPLACING | DELETING | FORGETTING | frozenset(
    {
        "same", "create", "update", "read", "read-replacement", "refresh", "import",
        "import-replacement", "remove-pending-replace", "read-discard",
    }
)  # fmt: skip


def analyze(change: Change, context: Context) -> Iterator[Hazard]:
    production = context.config.hazards.production
    for doc in documents(change):
        if doc.kind is DocumentKind.PULUMI_PREVIEW and doc.text is not None:
            yield from analyze_preview(doc.path, doc.text, production)


def analyze_preview(path: str, text: str, production: Production) -> Iterator[Hazard]:
    try:
        data = load_json(text)
    except Unanalysable as exc:
        yield unanalysable(path, f"Pulumi preview {exc}", exc.line)
        return
    steps = data.get("steps") if isinstance(data, dict) else None
    if not isinstance(steps, list):
        yield unanalysable(
            path, "Pulumi preview has no steps list (is it `pulumi preview --json`?)"
        )
        return
    replaced: set[str] = set()
    for step in steps:
        if not isinstance(step, dict):
            continue
        yield from _step(path, step, production, replaced)


def _step(
    path: str, step: dict[str, Any], production: Production, replaced: set[str]
) -> Iterator[Hazard]:
    op, urn = str(step.get("op", "")), str(step.get("urn", "?"))
    stack, rtype, name = _parts(urn)
    if op not in KNOWN:
        yield unanalysable(path, f"{urn} has unknown op {op!r}")
        return
    env = "prod" if production.in_address(stack) or production.in_address(name) else None
    label = f"{rtype} {name}" + (f" in stack {stack}" if stack else "")
    severity = destroy_severity(is_stateful(rtype), bool(env))
    if op in REPLACING and urn not in replaced:
        replaced.add(urn)
        keys = step.get("replaceReasons") or step.get("keys") or step.get("diffReasons") or []
        because = f" because of {', '.join(map(str, keys[:5]))}" if keys else ""
        yield Hazard(
            "infra.replace", severity, path, f"{label} will be replaced{because}",
            resource=urn, env=env,
        )  # fmt: skip
    elif op in DELETING:
        yield Hazard(
            "infra.delete", severity, path, f"{label} will be deleted", resource=urn, env=env
        )
    elif op in FORGETTING:
        yield Hazard(
            "infra.forget",
            Severity.MEDIUM,
            path,
            f"{label} will be dropped from the state and keep running unmanaged",
            resource=urn,
            env=env,
        )


def _parts(urn: str) -> tuple[str, str, str]:
    """``urn:pulumi:STACK::PROJECT::TYPE::NAME`` (a child's TYPE is ``parent$child``)."""
    head, _, rest = urn.partition("::")
    stack = head.removeprefix("urn:pulumi:")
    pieces = rest.split("::")
    rtype = pieces[1].rsplit("$", 1)[-1] if len(pieces) > 1 else ""
    name = pieces[2] if len(pieces) > 2 else ""
    return stack, rtype, name
