"""What a CEL condition refers to, found before it ever runs: the fact fields it names (checked
against the documented activation, so ``autor.level`` is an error at load, not a silent false)
and how deeply its comprehensions nest (what decides whether it is provably cheap)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from countersign.decision.activation import DEFAULTS, ELEMENTS, OPEN_MAPS

MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})
GLOBALS = frozenset(
    {
        "size", "has", "int", "uint", "double", "string", "bool", "bytes", "dyn", "type",
        "matches", "timestamp", "duration", "true", "false", "null", "in",
    }
)  # fmt: skip

_TOKEN = re.compile(
    r"""(?P<str>[rRbB]{0,2}(?:'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\"|'(?:\\.|[^'\\\n])*'"""
    r"""|"(?:\\.|[^"\\\n])*"))"""
    r"|(?P<num>\d[\w.]*)"
    r"|(?P<ident>[A-Za-z_]\w*)"
    r"|(?P<punct>\S)"
)


@dataclass(frozen=True)
class References:
    fields: tuple[
        str, ...
    ]  # dotted paths of facts named, e.g. ("author.rank", "change.ai_assisted")
    unknown: tuple[str, ...]  # names that are not facts, in order of appearance
    depth: int  # deepest nesting of comprehension macros (0: none)


def references(expr: str) -> References:
    tokens = [(m.lastgroup or "", m.group()) for m in _TOKEN.finditer(expr)]
    fields: list[str] = []
    unknown: list[str] = []
    bound: dict[str, Any] = {}
    stack: list[bool] = []  # one entry per open bracket: does it open a macro call?
    depth = 0
    i = 0
    while i < len(tokens):
        kind, text = tokens[i]
        if kind == "punct":
            if text in "([{":
                stack.append(False)
            elif text in ")]}" and stack:
                stack.pop()
            i += 1
            continue
        if kind != "ident" or (i > 0 and tokens[i - 1][1] == "."):
            i += 1
            continue
        chain, i = _chain(tokens, i)
        method = chain.pop() if i < len(tokens) and tokens[i][1] == "(" and len(chain) > 1 else None
        root = chain[0]
        if root in GLOBALS and len(chain) == 1:
            continue
        shape = _resolve(chain, bound, fields, unknown)
        if method in MACROS and i + 2 < len(tokens) and tokens[i + 2][1] == ",":
            var = tokens[i + 1][1]
            bound[var] = (_element(chain, shape), [f"{'.'.join(chain)}[]"])
            stack.append(True)
            depth = max(depth, sum(stack))
            i += 1
    return References(tuple(dict.fromkeys(fields)), tuple(dict.fromkeys(unknown)), depth)


def _chain(tokens: list[tuple[str, str]], i: int) -> tuple[list[str], int]:
    chain = [tokens[i][1]]
    i += 1
    while i + 1 < len(tokens) and tokens[i][1] == "." and tokens[i + 1][0] == "ident":
        chain.append(tokens[i + 1][1])
        i += 2
    return chain, i


_NO_SHAPE = object()


def _resolve(chain: list[str], bound: dict[str, Any], fields: list[str], unknown: list[str]) -> Any:
    """Walk a dotted chain through the schema, noting each known field and the first unknown."""
    root = chain[0]
    if root in bound:
        shape, path = bound[root][0], list(bound[root][1])
    elif root in DEFAULTS:
        shape, path = DEFAULTS[root], [root]
    else:
        unknown.append(root)
        return _NO_SHAPE
    for name in chain[1:]:
        if shape is _NO_SHAPE or (path and path[0] in OPEN_MAPS):
            return _NO_SHAPE
        if not isinstance(shape, dict):
            unknown.append(".".join([*path, name]))
            return _NO_SHAPE
        if name not in shape:
            unknown.append(".".join([*path, name]))
            return _NO_SHAPE
        shape = shape[name]
        path.append(name)
    if len(path) > 1 or not path[0].endswith("[]"):
        fields.append(".".join(path))
    return shape if not (path and path[0] in OPEN_MAPS and len(path) > 1) else _NO_SHAPE


def _element(chain: list[str], shape: Any) -> Any:
    """The shape of one element of the list a macro iterates over."""
    if len(chain) == 1 and chain[0] in ELEMENTS:
        return ELEMENTS[chain[0]]
    if isinstance(shape, list):
        return ""  # a list of scalars: the element has no fields
    return _NO_SHAPE
