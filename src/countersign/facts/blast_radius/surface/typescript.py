"""JavaScript and TypeScript's exported surface: every ``export`` statement (and CommonJS
``module.exports``/``exports.x`` assignment) at the top of a module, with function and method
bodies left out, and the declarations an ``export { a, b }`` clause names. A ``.d.ts`` file is
all surface. Comments never count.

Not understood: what a re-exported module (``export * from``) itself exports (the statement
counts, not the other file), values computed at run time, JSX components' prop usage.
"""

from __future__ import annotations

import tree_sitter

from countersign.facts.blast_radius.languages.javascript import _dialect

_FUNCTIONS = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",
        "generator_function_declaration",
        "generator_function",
        "arrow_function",
        "method_definition",
    }
)
_DECLARATIONS = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "class_declaration",
        "abstract_class_declaration",
        "lexical_declaration",
        "variable_declaration",
        "interface_declaration",
        "type_alias_declaration",
        "enum_declaration",
    }
)


class TypeScriptSyntaxError(ValueError):
    pass


def _root(text: str, path: str) -> tree_sitter.Node:
    root = _dialect(path).parser.parse(text.encode("utf-8", "replace")).root_node
    if root.has_error:
        raise TypeScriptSyntaxError(f"syntax error at line {_first_error_line(root)}")
    return root


def _first_error_line(node: tree_sitter.Node) -> int:
    while True:
        if node.is_error or node.is_missing:
            return node.start_point.row + 1
        broken = next((c for c in node.children if c.has_error or c.is_missing), None)
        if broken is None:
            return node.start_point.row + 1
        node = broken


def surface(text: str, path: str) -> frozenset[str]:
    root = _root(text, path)
    if path.endswith((".d.ts", ".d.mts", ".d.cts")):
        return frozenset({" ".join(_leaves(root, bodies=True))})
    found: set[str] = set()
    named: set[str] = set()
    declared: dict[str, tree_sitter.Node] = {}
    for node in root.named_children:
        if node.type == "export_statement":
            found.add(" ".join(_leaves(node, bodies=False)))
            clause = next((c for c in node.named_children if c.type == "export_clause"), None)
            if clause is not None and node.child_by_field_name("source") is None:
                named.update(_clause_names(clause))
        elif node.type in _DECLARATIONS:
            for name in _declared_names(node):
                declared[name] = node
        elif node.type == "expression_statement" and _is_commonjs_export(node):
            found.add(" ".join(_leaves(node, bodies=False)))
    for name in sorted(named):
        if name in declared:
            found.add(f"{name}: {' '.join(_leaves(declared[name], bodies=False))}")
    return frozenset(found)


def _leaves(node: tree_sitter.Node, *, bodies: bool) -> list[str]:
    """Leaf token texts, comments left out; without ``bodies``, a function's body is ``{}``."""
    out: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "comment":
            continue
        if (
            not bodies
            and current.type == "statement_block"
            and current.parent is not None
            and current.parent.type in _FUNCTIONS
        ):
            out.append("{}")
            continue
        if current.child_count == 0 or current.type in {"string", "template_string"}:
            out.append((current.text or b"").decode("utf-8", "replace"))
            continue
        stack.extend(reversed(current.children))
    return out


def _clause_names(clause: tree_sitter.Node) -> set[str]:
    names: set[str] = set()
    for spec in clause.named_children:
        name = spec.child_by_field_name("name")
        if name is not None and name.text:
            names.add(name.text.decode("utf-8", "replace"))
    return names


def _declared_names(node: tree_sitter.Node) -> list[str]:
    name = node.child_by_field_name("name")
    if name is not None and name.text:
        return [name.text.decode("utf-8", "replace")]
    out = []
    for declarator in node.named_children:
        if declarator.type == "variable_declarator":
            inner = declarator.child_by_field_name("name")
            if inner is not None and inner.text:
                out.append(inner.text.decode("utf-8", "replace"))
    return out


def _is_commonjs_export(node: tree_sitter.Node) -> bool:
    expression = node.named_children[0] if node.named_children else None
    if expression is None or expression.type != "assignment_expression":
        return False
    left = expression.child_by_field_name("left")
    text = (left.text or b"").decode("utf-8", "replace") if left is not None else ""
    return text == "module.exports" or text.startswith(("module.exports.", "exports."))
