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
from countersign.facts.hazards import Hazard, Severity, unanalysable
from countersign.facts.hazards.documents import Document, DocumentKind, Unanalysable, documents
from countersign.facts.hazards.network import describe, world_open
from countersign.facts.hazards.parsing import check_nesting
from countersign.facts.hazards.plan_access import openings
from countersign.facts.hazards.resources import destroy_severity, is_stateful
from countersign.intake.change import Change

# The HCL grammar (lark) reads 30 to 70 KB a second: past this, a human reads the file.
MAX_TF_CHARS = 128 * 1024
CHUNK_CHARS = 8 * 1024
_TOP_BLOCK = re.compile(r'^[A-Za-z_][\w-]*(?:\s+"[^"]*")*\s*\{\s*$')
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
    texts: dict[str, str] = {}
    for doc in documents(change):
        if doc.kind is not DocumentKind.TERRAFORM_SOURCE:
            continue
        try:
            _collect(doc, doc.text, new)
            _collect(doc, doc.previous, old)
        except Unanalysable as exc:
            yield unanalysable(doc.path, f"Terraform source {exc}", exc.line)
            continue
        texts[doc.path] = doc.previous or ""
        if doc.text is not None:
            texts[doc.path + "\0new"] = doc.text
    yield from _removed(old, new, texts, production)
    for key, (path, body) in new.resources.items():
        before = old.resources.get(key, ("", {}))[1]
        yield from _changed(key, path, body, before, texts.get(path + "\0new", ""), production)


def _collect(doc: Document, text: str | None, side: _Side) -> None:
    if text is None:
        return
    if len(text) > MAX_TF_CHARS:
        raise Unanalysable(f"larger than the {MAX_TF_CHARS // 1024} KiB analysed")
    check_nesting(text, "HCL")
    data = _parse_blocks(text)
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


def _parse_blocks(text: str) -> dict[str, Any]:
    """The grammar's cost grows faster than the file: parse it in pieces of whole top-level
    blocks (each piece about ``CHUNK_CHARS``) and join their block lists. A piece that does not
    parse alone (a cut in the wrong place) sends the whole file to the grammar at once."""
    pieces = _pieces(text)
    if len(pieces) <= 1:
        return _parse(text)
    data: dict[str, Any] = {}
    try:
        for piece in pieces:
            for key, value in _parse(piece).items():
                if isinstance(value, list):
                    data.setdefault(key, []).extend(value)
                else:
                    data[key] = value
    except Unanalysable:
        return _parse(text)
    return data


def _pieces(text: str) -> list[str]:
    """Cut before a line that opens a top-level block (``resource "x" "y" {`` at column 0)
    once the current piece is big enough and its brackets are balanced."""
    pieces: list[str] = []
    current: list[str] = []
    size = depth = 0
    for line in text.splitlines(keepends=True):
        if depth == 0 and size >= CHUNK_CHARS and _TOP_BLOCK.match(line):
            pieces.append("".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line)
        depth += line.count("{") - line.count("}")
    pieces.append("".join(current))
    return pieces


def _parse(text: str) -> dict[str, Any]:
    import hcl2  # lark grammar: loaded only when a .tf file is in the change

    try:
        data = hcl2.loads(
            text,
            serialization_options=hcl2.SerializationOptions(
                strip_string_quotes=True, explicit_blocks=False
            ),
        )
    except Exception as exc:  # noqa: BLE001 - lark raises many types; any means "cannot read"
        line = getattr(exc, "line", None)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise Unanalysable(f"does not parse as HCL ({first[:120]})", line) from None
    if not isinstance(data, dict):
        raise Unanalysable("does not parse as HCL")
    return data


def _address(value: Any) -> tuple[str, str] | None:
    if not isinstance(value, str):
        return None
    parts = value.strip().strip("${}").split(".")
    return (parts[0], parts[1]) if len(parts) == 2 else None


def _removed(
    old: _Side, new: _Side, texts: dict[str, str], production: Production
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
        was = _line(texts.get(path, ""), rtype, name)
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
    text: str,
    production: Production,
) -> Iterator[Hazard]:
    directory, rtype, name = key
    address = f"{rtype}.{name}"
    env = "prod" if production.in_address(f"{directory}/{address}") else None
    line = _line(text, rtype, name)
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


def _line(text: str, rtype: str, name: str) -> int | None:
    match = re.search(
        rf'^\s*resource\s+"{re.escape(rtype)}"\s+"{re.escape(name)}"', text, re.MULTILINE
    )
    return text.count("\n", 0, match.start()) + 1 if match else None
