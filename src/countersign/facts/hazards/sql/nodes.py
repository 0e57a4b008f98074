"""Small readers of libpg_query's protobuf nodes: names, enum values."""

from __future__ import annotations

from functools import cache
from typing import Any


def enum_name(message: Any, field: str) -> str:
    return _enum_values(message.DESCRIPTOR.full_name, message.DESCRIPTOR, field)[
        getattr(message, field)
    ]


@cache
def _enum_values(_: str, descriptor: Any, field: str) -> dict[int, str]:
    """Number to name of an enum field (descriptor look-ups cost more than the rules)."""
    enum = descriptor.fields_by_name[field].enum_type
    return {number: str(value.name) for number, value in enum.values_by_number.items()}


def name(relation: Any) -> str:
    return f"{relation.schemaname}.{relation.relname}" if relation.schemaname else relation.relname


def dotted(node: Any) -> str:
    which = node.WhichOneof("node")
    if which == "list":
        return ".".join(item.string.sval for item in node.list.items if item.HasField("string"))
    if which == "string":
        return str(node.string.sval)
    if which == "type_name":
        return ".".join(n.string.sval for n in node.type_name.names)
    return "?"


def type_name(type_node: Any) -> str:
    """``varchar(20)``, ``int4``: the last part of the name, with its modifiers."""
    base = type_node.names[-1].string.sval if type_node.names else "?"
    mods = [str(m.a_const.ival.ival) for m in type_node.typmods if m.HasField("a_const")]
    return f"{base}({','.join(mods)})" if mods else base
