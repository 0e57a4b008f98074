"""Python's public surface: the names a module offers other code, with their signatures.

Public names are those in ``__all__`` when the module sets it to a literal list, else every
top-level name not starting with ``_``. For each: a function's decorators and signature, a
class's bases, decorators, public methods' signatures and annotated fields, a constant's
literal value, an imported name (a re-export). Bodies, docstrings, comments and private names
are not surface.

Not understood: ``__all__`` built at run time (then every public name counts), names added to
a module from outside it, what ``__getattr__`` returns.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator


def surface(text: str, path: str = "") -> frozenset[str]:
    """Each public name as one line. An imported name is surface in a package's
    ``__init__.py`` or when ``__all__`` lists it (a re-export), not elsewhere: a module's own
    imports are how it works, not what it offers."""
    tree = ast.parse(text)
    exported = _all(tree)
    reexports = exported is not None or path.endswith("__init__.py")
    found: set[str] = set()
    if exported is not None:
        found.add(f"__all__ = {sorted(exported)}")
    for name, line, imported in _top_level(tree):
        if imported and not reexports:
            continue
        if (name in exported) if exported is not None else not name.startswith("_"):
            found.add(line)
    return frozenset(found)


def _all(tree: ast.Module) -> set[str] | None:
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign | ast.AugAssign)
            else []
        )
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            value = getattr(node, "value", None)
            if isinstance(value, ast.List | ast.Tuple) and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts
            ):
                return {str(e.value) for e in value.elts if isinstance(e, ast.Constant)}
            return None
    return None


def _top_level(tree: ast.Module) -> Iterator[tuple[str, str, bool]]:
    """(name, the line that stands for it, whether imported) for each top-level name."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, _function(node), False
        elif isinstance(node, ast.ClassDef):
            yield node.name, _class(node), False
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in _names(target):
                    yield name, _assignment(name, node), False
        elif isinstance(node, ast.Import | ast.ImportFrom):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                source = f"from {'.' * getattr(node, 'level', 0)}{module or ''} " if module else ""
                yield name, f"{source}import {alias.name} as {name}", True


def _names(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            yield from _names(element)


def _function(node: ast.FunctionDef | ast.AsyncFunctionDef, prefix: str = "") -> str:
    decorators = "".join(f"@{ast.unparse(d)} " for d in node.decorator_list)
    returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    kind = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    return f"{decorators}{kind} {prefix}{node.name}({ast.unparse(node.args)}){returns}"


def _class(node: ast.ClassDef) -> str:
    decorators = "".join(f"@{ast.unparse(d)} " for d in node.decorator_list)
    bases = ", ".join(ast.unparse(b) for b in (*node.bases, *node.keywords))
    members: list[str] = []
    for item in node.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            if not item.name.startswith("_") or item.name.startswith("__"):
                members.append(_function(item, f"{node.name}."))
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            if not item.target.id.startswith("_"):
                members.append(f"{item.target.id}: {ast.unparse(item.annotation)}")
        elif isinstance(item, ast.Assign):
            members.extend(
                _assignment(n, item)
                for t in item.targets
                for n in _names(t)
                if not n.startswith("_")
            )
    return f"{decorators}class {node.name}({bases}): " + "; ".join(members)


def _assignment(name: str, node: ast.Assign | ast.AnnAssign) -> str:
    """A name and its annotation; its value only when a literal (a constant others read)."""
    annotation = f": {ast.unparse(node.annotation)}" if isinstance(node, ast.AnnAssign) else ""
    value = node.value
    literal = ""
    if value is not None:
        try:
            ast.literal_eval(value)
            literal = f" = {ast.unparse(value)}"
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            literal = ""
    return f"{name}{annotation}{literal}"
