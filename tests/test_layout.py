"""The layout's rules, read from the source: the CLI tier (``cli/``, ``commands/``) is imported by
nothing else, commands never import each other, and no two packages import each other."""

from __future__ import annotations

import ast
from pathlib import Path

import countersign

SRC = Path(countersign.__file__).parent
CLI_TIER = ("countersign.cli", "countersign.commands")


def _imports() -> dict[str, set[str]]:
    """Every module of the package and the countersign modules it imports (anywhere in it)."""
    found: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
        found[module] = {n for n in names if n.split(".")[0] == "countersign"}
    return found


def _module(name: str, modules: set[str]) -> str:
    while name not in modules and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def _unit(module: str) -> str:
    """A first-level package (``countersign.facts``) or top-level module (``countersign.main``)."""
    return ".".join(module.split(".")[:2])


def _in(module: str, tiers: tuple[str, ...]) -> bool:
    return any(module == t or module.startswith(f"{t}.") for t in tiers)


def test_nothing_outside_the_cli_tier_imports_it():
    imports = _imports()
    wrong = {
        f"{m} imports {n}"
        for m, names in imports.items()
        for n in names
        if _in(n, CLI_TIER) and not _in(m, CLI_TIER) and m != "countersign.main"
    }
    assert not wrong


def test_no_command_imports_another():
    imports = _imports()
    wrong = {
        f"{m} imports {n}"
        for m, names in imports.items()
        if m.startswith("countersign.commands.")
        for n in {_module(x, set(imports)) for x in names}
        if n.startswith("countersign.commands.") and n != m
    }
    assert not wrong


def test_no_two_packages_import_each_other():
    imports = _imports()
    graph: dict[str, set[str]] = {}
    for m, names in imports.items():
        for n in names:
            a, b = _unit(m), _unit(_module(n, set(imports)))
            if b not in (a, "countersign"):
                graph.setdefault(a, set()).add(b)
    cycles = []
    for start in sorted(graph):
        path = _path(graph, start)
        if path:
            cycles.append(" -> ".join(path))
    assert not cycles


def _path(graph: dict[str, set[str]], start: str) -> list[str]:
    """A way from ``start`` back to itself, or nothing."""
    seen: set[str] = set()
    stack = [(start, [start])]
    while stack:
        node, path = stack.pop()
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                return [*path, start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return []


FACTS_MAY_NOT_IMPORT = ("subprocess", "sqlite3", "countersign.intake.git", "countersign.state")
WRITES = frozenset({"write_text", "write_bytes", "mkdir", "unlink", "rmdir", "touch"})


def test_facts_run_no_git_and_write_no_file():
    """The analyzers are pure functions of their inputs: git, caches and the ledger are read and
    written at the edges (intake/, state/, workspace)."""
    wrong = set()
    for path in (SRC / "facts").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            wrong |= {f"{path.name} imports {n}" for n in names if _in(n, FACTS_MAY_NOT_IMPORT)}
            if isinstance(node, ast.Attribute) and node.attr in WRITES:
                wrong.add(f"{path.name} calls {node.attr}")
    assert not wrong


def test_commands_write_no_ledger_entry():
    """Ledger entries are built and appended by signoff/: a command that called ``append`` on a
    ledger, or signed an entry itself, would hold the domain rules the library owns."""
    wrong = set()
    for path in (SRC / "commands").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            owner = ast.unparse(node.func.value).lower()
            if node.func.attr == "append" and "ledger" in owner:
                wrong.add(f"{path.name} appends to {owner}")
        text = path.read_text(encoding="utf-8")
        wrong |= {f"{path.name} uses {n}" for n in ("sign_checked", "signed(") if n in text}
    assert not wrong
