"""Python: a service depends on another when its code imports a module the other one provides.

A file's module name comes from its packages: walk up while the directory has ``__init__.py``
(``svc/src/checkout/api.py`` with ``svc/src/checkout/__init__.py`` is ``checkout.api``). An
import resolves to the longest module prefix a service provides; a service importing its own
modules adds no edge; a module two other services both provide is reported, not guessed.
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Iterator
from typing import Any

from countersign.config.problems import Problem
from countersign.facts.blast_radius.languages.sources import Inferred, Linker, Sources, link_all


def infer(src: Sources) -> Inferred:
    providers, resolved = _resolver(src)
    linker = Linker("module")
    # the providers are rebuilt only when a path or an owner changed, so the same dict means
    # the same resolution
    memo = src.memo("python", providers)

    def fill(part: Linker, path: str, owner: str) -> None:
        found = src.scan(path, SCANNER, scan)
        if "error" in found:
            where, why = found["error"]
            part.problems.append(
                Problem(where, f"cannot parse Python ({why}); its imports are not counted")
            )
            return
        for line, names in found["imports"]:
            key = tuple(names)
            if key not in resolved:
                resolved[key] = _resolve(key, providers)
            target, module = resolved[key]
            part.link(owner, target, f"{path}:{line}", module)

    return link_all(src, "python", memo, linker, fill)


def module_name(path: str, packages: set[str]) -> str:
    """Walk up while the directory is a package. Where that stops below a ``src`` directory,
    the directories between are namespace packages (PEP 420, no ``__init__.py``), as in
    ``api/src/opentelemetry/trace/__init__.py``: ``opentelemetry.trace``."""
    directory, name = posixpath.split(path[: -len(".py")])
    parts = [] if name == "__init__" else [name]
    while directory and directory in packages:
        directory, package = posixpath.split(directory)
        parts.insert(0, package)
    segments = directory.split("/") if directory else []
    if parts and "src" in segments[:-1] and segments[-1] != "src":
        below = segments[len(segments) - segments[::-1].index("src") :]
        parts = [*below, *parts]
    return ".".join(parts)


# The providers of the last tree seen, and the imports resolved against them: consecutive
# commits (a replay, a release) mostly change file contents, not which files exist or who owns
# them, so their imports resolve the same way. One entry: bounded, and never stale, since the
# key is every path with its owner.
_LAST: dict[tuple[tuple[str, str | None], ...], tuple[dict[str, set[str]], dict[Any, Any]]] = {}


def _resolver(src: Sources) -> tuple[dict[str, set[str]], dict[Any, Any]]:
    key = tuple((p, src.owner_of(p)) for p in src.paths)
    if key not in _LAST:
        _LAST.clear()
        _LAST[key] = (_providers(src), {})
    return _LAST[key]


def _providers(src: Sources) -> dict[str, set[str]]:
    packages = {posixpath.dirname(p) for p in src.paths if posixpath.basename(p) == "__init__.py"}
    out: dict[str, set[str]] = {}
    for path in src.paths:
        owner = src.owner_of(path)
        module = module_name(path, packages)
        if owner is not None and module:
            out.setdefault(module, set()).add(owner)
    return out


SCANNER = "python:1"


def scan(text: str, path: str) -> dict[str, Any]:
    """The file's imports as JSON values (``{"imports": [[line, [names]]]}``), or where and why
    it does not parse (``{"error": [where, why]}``)."""
    try:
        return {"imports": [[line, list(names)] for line, names in _imports(text, path)]}
    except SyntaxError as exc:
        return {"error": [f"{path}:{exc.lineno or 0}", str(exc.msg)]}
    except (ValueError, RecursionError) as exc:
        return {"error": [path, str(exc)]}


def _imports(text: str, path: str) -> Iterator[tuple[int, tuple[str, ...]]]:
    """Each absolute import as (line, candidate module names, most precise first)."""
    if "import" not in text:
        return
    for node in ast.walk(ast.parse(text, path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, (alias.name,)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                yield node.lineno, (f"{node.module}.{alias.name}", node.module)


def _resolve(names: tuple[str, ...], providers: dict[str, set[str]]) -> tuple[set[str] | None, str]:
    for name in names:
        parts = name.split(".")
        for end in range(len(parts), 0, -1):
            module = ".".join(parts[:end])
            if module in providers:
                return providers[module], module
    return None, names[-1]
