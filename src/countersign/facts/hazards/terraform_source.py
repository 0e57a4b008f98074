"""``.tf`` files in the diff, for when no plan is given: resource blocks removed (a plan would
destroy them unless a ``moved``/``removed`` block says otherwise), ``prevent_destroy`` taken
away, ``force_destroy`` turned on, and ingress newly open to the world."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from countersign.config.hazards import Production
from countersign.facts.context import Context
from countersign.facts.hazards import Hazard, Severity, hcl, unanalysable
from countersign.facts.hazards.documents import Document, DocumentKind, Unanalysable, documents
from countersign.facts.hazards.network import describe, world_open
from countersign.facts.hazards.parsing import check_nesting
from countersign.facts.hazards.plan_access import openings
from countersign.facts.hazards.resources import destroy_severity, is_stateful
from countersign.intake.change import Change

# The reader (``hcl``) takes about half a second of CPU a MB, both sides of the change are read:
# past this, a human reads the file.
MAX_TF_CHARS = 4 * 1024 * 1024
Key = tuple[str, str, str]  # (directory, type, name): a resource address within its module


@dataclass
class _Side:
    """All resource blocks of one side of the change, across every .tf file it touches."""

    resources: dict[Key, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    moved_from: set[Key] = field(default_factory=set)
    forgotten: set[Key] = field(default_factory=set)


def analyze(change: Change, context: Context) -> Iterator[Hazard]:
    production = context.config.hazards.production
    old, new = _Side(), _Side()
    lines: dict[str, dict[tuple[str, str], int]] = {}  # path (+ "\0new") -> header lines
    for doc in documents(change):
        if doc.kind is not DocumentKind.TERRAFORM_SOURCE:
            continue
        try:
            _collect(doc, doc.text, new)
            _collect(doc, doc.previous, old)
        except Unanalysable as exc:
            yield unanalysable(doc.path, f"Terraform source {exc}", exc.line)
            continue
        lines[doc.path] = resource_lines(doc.previous or "")
        if doc.text is not None:
            lines[doc.path + "\0new"] = resource_lines(doc.text)
    yield from _removed(old, new, lines, production)
    for key, (path, body) in new.resources.items():
        before = old.resources.get(key, ("", {}))[1]
        yield from _changed(key, path, body, before, lines.get(path + "\0new", {}), production)


def _collect(doc: Document, text: str | None, side: _Side) -> None:
    if text is None:
        return
    if len(text) > MAX_TF_CHARS:
        raise Unanalysable(f"larger than the {MAX_TF_CHARS // 2**20} MiB analysed")
    check_nesting(text, "HCL")
    data = hcl.loads(text)
    directory = str(PurePosixPath(doc.path).parent)
    for block in data.get("resource") or []:
        for rtype, named in (block or {}).items():
            for name, body in (named or {}).items():
                side.resources[directory, rtype, name] = (doc.path, body or {})
    for block in data.get("moved") or []:
        source = _address(block.get("from"))
        if source:
            side.moved_from.add((directory, *source))
    for block in data.get("removed") or []:
        source = _address(block.get("from"))
        if source:
            side.forgotten.add((directory, *source))


def _address(value: Any) -> tuple[str, str] | None:
    if not isinstance(value, str):
        return None
    parts = value.strip().strip("${}").split(".")
    return (parts[0], parts[1]) if len(parts) == 2 else None


def _removed(
    old: _Side, new: _Side, lines: dict[str, dict[tuple[str, str], int]], production: Production
) -> Iterator[Hazard]:
    for key, (path, _) in old.resources.items():
        if key in new.resources or key in new.moved_from:
            continue
        directory, rtype, name = key
        address = f"{rtype}.{name}"
        env = "prod" if production.in_address(f"{directory}/{address}") else None
        if key in new.forgotten:
            yield Hazard(
                "infra.forget",
                Severity.MEDIUM,
                path,
                f"{address} removed with a `removed` block: it leaves state (check "
                "lifecycle destroy)",
                resource=address,
                env=env,
            )
            continue
        stateful = is_stateful(rtype)
        was = lines.get(path, {}).get((rtype, name))
        yield Hazard(
            "infra.delete",
            destroy_severity(stateful, bool(env)),
            path,
            f"{'stateful ' if stateful else ''}resource block {address} removed from "
            f"{path}{f' (line {was} before the change)' if was else ''}: the next apply "
            "destroys it",
            line=None,  # the block is gone: its line was in the old file, named in the detail
            resource=address,
            env=env,
        )


def _changed(
    key: Key,
    path: str,
    body: dict[str, Any],
    before: dict[str, Any],
    lines: dict[tuple[str, str], int],
    production: Production,
) -> Iterator[Hazard]:
    directory, rtype, name = key
    address = f"{rtype}.{name}"
    env = "prod" if production.in_address(f"{directory}/{address}") else None
    line = lines.get((rtype, name))
    if (
        _lifecycle(before, "prevent_destroy") is True
        and _lifecycle(body, "prevent_destroy") is not True
    ):
        yield Hazard(
            "infra.prevent_destroy_removed",
            Severity.HIGH,
            path,
            f"{address} no longer has lifecycle prevent_destroy",
            line=line,
            resource=address,
            env=env,
        )
    if body.get("force_destroy") is True and before.get("force_destroy") is not True:
        yield Hazard(
            "infra.force_destroy_added",
            Severity.HIGH,
            path,
            f"{address} sets force_destroy: destroying it also deletes everything it holds",
            line=line,
            resource=address,
            env=env,
        )
    for opening in world_open(openings(rtype, body), openings(rtype, before) if before else set()):
        yield Hazard(
            "net.world_open",
            Severity.CRITICAL if env else Severity.HIGH,
            path,
            f"{address} opens {describe(opening)}",
            line=line,
            resource=address,
            env=env,
        )


def _lifecycle(body: dict[str, Any], name: str) -> Any:
    blocks = body.get("lifecycle") or []
    for block in blocks if isinstance(blocks, list) else [blocks]:
        if isinstance(block, dict) and name in block:
            return block[name]
    return None


_RESOURCE_LINE = re.compile(r'^[ \t]*resource[ \t]+"([^"\n]*)"[ \t]+"([^"\n]*)"', re.MULTILINE)


def resource_lines(text: str) -> dict[tuple[str, str], int]:
    """The line of each ``resource "TYPE" "NAME"`` header, in one pass (the first wins)."""
    out: dict[tuple[str, str], int] = {}
    line, at = 1, 0
    for match in _RESOURCE_LINE.finditer(text):
        line += text.count("\n", at, match.start())
        at = match.start()
        out.setdefault((match[1], match[2]), line)
    return out
