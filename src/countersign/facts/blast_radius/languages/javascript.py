"""JavaScript and TypeScript: a service depends on another when its code imports a file the
other one owns, or a workspace package whose ``package.json`` the other one owns.

Understood, through the tree-sitter grammars (so comments, strings, template literals, regular
expressions and JSX text are never mistaken for code): ``import ... from "x"``, ``import "x"``,
``import type``, ``export ... from "x"``, ``require("x")``, ``import("x")`` and TypeScript's
``import x = require("x")``, with a string literal or a template literal without substitutions.
A relative specifier (``./``, ``../``) resolves against the importing file: the file itself, then
with each extension, then ``index.*`` in that directory, and ``./x.js`` also finds ``./x.ts``.
A bare specifier (``@org/pkg``, ``@org/pkg/sub``, ``pkg``) names the service owning a
``package.json`` with that ``"name"``. Node built-ins, ``node:``/URL specifiers, unknown packages
and ``#`` imports add nothing; ``node_modules`` is skipped.

Not understood: specifiers computed at run time, a local function named ``require`` (its calls
count), tsconfig ``paths`` and ``baseUrl`` aliases, bundler aliases, imports of non-code files
(``.css``, ``.json``), Flow annotations in ``.js`` files, imports nested more than ``MAX_DEPTH``
syntax nodes deep. A syntax error is reported with its line and only the imports before it
count, so a file the grammar cannot read whole (a broken file, or syntax newer than the
grammar) keeps the imports at its top.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from typing import Any

import tree_sitter

from countersign.config.problems import Problem
from countersign.facts.blast_radius.languages.sources import Inferred, Linker, Sources, link_all

MAX_DEPTH = 1_000  # syntax nodes from a queried subtree to an import; real code nests < 100
SUFFIXES = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts")
_EXTENSIONS = (".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mts", ".cts", ".mjs", ".cjs")
_TS_FOR_JS = {".js": (".ts", ".tsx"), ".jsx": (".tsx",), ".mjs": (".mts",), ".cjs": (".cts",)}
# Node's built-in modules (``require("module").builtinModules``, Node 20), by first segment.
_BUILTINS = frozenset(
    {
        "assert",
        "async_hooks",
        "buffer",
        "child_process",
        "cluster",
        "console",
        "constants",
        "crypto",
        "dgram",
        "diagnostics_channel",
        "dns",
        "domain",
        "events",
        "fs",
        "http",
        "http2",
        "https",
        "inspector",
        "module",
        "net",
        "os",
        "path",
        "perf_hooks",
        "process",
        "punycode",
        "querystring",
        "readline",
        "repl",
        "stream",
        "string_decoder",
        "sys",
        "timers",
        "tls",
        "trace_events",
        "tty",
        "url",
        "util",
        "v8",
        "vm",
        "wasi",
        "worker_threads",
        "zlib",
    }
)
_QUERY = """
(import_statement source: (string) @spec)
(export_statement source: (string) @spec)
(call_expression
  function: (identifier) @require
  arguments: (arguments . [(string) (template_string)] @spec)
  (#eq? @require "require"))
(call_expression function: (import) arguments: (arguments . [(string) (template_string)] @spec))
"""
_TS_QUERY = "(import_require_clause source: (string) @spec)"


@dataclass(frozen=True)
class _Dialect:
    name: str
    parser: tree_sitter.Parser
    query: tree_sitter.Query


_DIALECTS: dict[str, _Dialect] = {}


def _dialect_key(path: str) -> str:
    return (
        "tsx" if path.endswith(".tsx") else "ts" if path.endswith((".ts", ".mts", ".cts")) else "js"
    )


def _dialect(path: str) -> _Dialect:
    """The grammar for a file's suffix, built once per process (grammars load only here, so
    importing the registry stays cheap)."""
    key = _dialect_key(path)
    if key not in _DIALECTS:
        if key == "js":
            import tree_sitter_javascript

            name, language, query = "JavaScript", tree_sitter_javascript.language(), _QUERY
        else:
            import tree_sitter_typescript as ts

            language = ts.language_tsx() if key == "tsx" else ts.language_typescript()
            name, query = "TypeScript", _QUERY + _TS_QUERY
        grammar = tree_sitter.Language(language)
        _DIALECTS[key] = _Dialect(
            name, tree_sitter.Parser(grammar), tree_sitter.Query(grammar, query)
        )
    return _DIALECTS[key]


@dataclass(frozen=True)
class Scan:
    """The import specifiers of a file with their lines, in order, and the first syntax error
    (line, what) if the grammar found one: imports from there on are left out."""

    imports: tuple[tuple[int, str], ...]
    error: tuple[int, str] | None = None


def infer(src: Sources) -> Inferred:
    linker = Linker("package")
    packages = _packages(src, linker.problems)
    files = frozenset(src.paths)
    memo = src.memo("javascript", (files, packages))

    def fill(part: Linker, path: str, owner: str) -> None:
        found = src.scan(path, f"{SCANNER}:{_dialect_key(path)}", scan)
        if found["error"] is not None:
            line, what = found["error"]
            part.problems.append(
                Problem(
                    f"{path}:{line}",
                    f"cannot parse {_dialect(path).name} ({what}); only its imports before line "
                    f"{line} are counted",
                )
            )
        for line, spec in found["imports"]:
            target = _resolve(spec, path, files, packages, src)
            name = str(_package_name(spec))
            part.link(owner, target, f"{path}:{line}", spec, name)

    return link_all(src, "javascript", memo, linker, fill, _in_node_modules)


SCANNER = "javascript:1"


def scan(text: str, path: str) -> dict[str, Any]:
    """``imports_of`` as JSON values: ``{"imports": [[line, spec]], "error": [line, what]}``
    (``error`` null when the grammar found none)."""
    found = imports_of(text, path)
    return {
        "imports": [[line, spec] for line, spec in found.imports],
        "error": list(found.error) if found.error else None,
    }


def imports_of(text: str, path: str) -> Scan:
    """The imports of a file, read with the grammar for its suffix. Where the grammar finds a
    syntax error, only the imports before it count: the text up to there was read as it would
    be in a whole file, while tree-sitter's recovery after it can take text in a broken string
    for code."""
    if not any(word in text for word in ("import", "require", "export")):
        return Scan(())
    dialect = _dialect(path)
    root = dialect.parser.parse(text.encode("utf-8", "replace")).root_node
    error, clean = _first_error(root) if root.has_error else (None, [root])
    # Only the subtrees before the error are queried, one by one: on the deep trees that error
    # recovery builds (thousands of unclosed brackets), a query over the whole tree takes time
    # quadratic in their number. And no deeper than MAX_DEPTH: past about 30,000 levels of
    # nesting a query takes seconds and misses what it should find.
    cursor = tree_sitter.QueryCursor(dialect.query)
    cursor.set_max_start_depth(MAX_DEPTH)
    found = [
        (node.start_point, spec)
        for subtree in clean
        for _, captures in cursor.matches(subtree)
        for node in captures.get("spec", [])
        if (spec := _literal(node)) is not None
    ]
    imports = tuple((point.row + 1, spec) for point, spec in sorted(found))
    if error is None:
        return Scan(imports)
    what = f"missing {error.type!r}" if error.is_missing else "syntax error"
    return Scan(imports, (error.start_point.row + 1, what))


def _literal(node: tree_sitter.Node) -> str | None:
    """The text of a string or template literal made only of plain characters."""
    parts = node.named_children
    if not parts or any(child.type != "string_fragment" for child in parts):
        return None
    return "".join((child.text or b"").decode("utf-8", "replace") for child in parts)


def _first_error(root: tree_sitter.Node) -> tuple[tree_sitter.Node, list[tree_sitter.Node]]:
    """The first error or missing node, and the subtrees that come before it (free of errors):
    the earlier siblings of each node on the way down to it."""
    node, clean = root, []
    while not (node.is_error or node.is_missing):
        children = node.children
        index = next((i for i, child in enumerate(children) if child.has_error), None)
        if index is None:
            break
        clean.extend(children[:index])
        node = children[index]
    return node, clean


def _packages(src: Sources, problems: list[Problem]) -> dict[str, set[str]]:
    """The services owning a ``package.json`` of each name."""
    out: dict[str, set[str]] = {}
    for path, text in sorted(src.manifests.items()):
        owner = src.owner_of(path)
        if owner is None or _in_node_modules(path):
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            problems.append(
                Problem(
                    f"{path}:{exc.lineno}",
                    f"cannot read package.json ({exc.msg}); imports of its package add no edge",
                )
            )
            continue
        except RecursionError:
            problems.append(
                Problem(
                    path,
                    "cannot read package.json (nested too deeply); imports of its "
                    "package add no edge",
                )
            )
            continue
        name = data.get("name") if isinstance(data, dict) else None
        if isinstance(name, str) and name:
            out.setdefault(name, set()).add(owner)
    return out


def _resolve(
    spec: str, importer: str, files: frozenset[str], packages: dict[str, set[str]], src: Sources
) -> set[str]:
    if spec.startswith(("./", "../")) or spec in {".", ".."}:
        path = _relative(spec, importer, files)
        owner = src.owner_of(path) if path else None
        return {owner} if owner else set()
    name = _package_name(spec)
    if name is None or name.split("/")[0] in _BUILTINS:
        return set()
    return packages.get(name, set())


def _relative(spec: str, importer: str, files: frozenset[str]) -> str | None:
    base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
    if base == ".." or base.startswith("../"):
        return None  # outside the repository
    index = "index" if base == "." else f"{base}/index"
    stem, suffix = posixpath.splitext(base)
    candidates = (
        base,
        *(base + ext for ext in _EXTENSIONS),
        *(index + ext for ext in _EXTENSIONS),
        *(stem + ext for ext in _TS_FOR_JS.get(suffix, ())),
    )
    return next((c for c in candidates if c in files), None)


def _package_name(spec: str) -> str | None:
    """``@org/pkg`` of ``@org/pkg/sub``, ``pkg`` of ``pkg/sub``; None for what is no package
    (``node:fs``, URLs, ``#internal``, absolute paths)."""
    if not spec or spec[0] in "#/" or ":" in spec:
        return None
    parts = spec.split("/")
    if spec.startswith("@"):
        return "/".join(parts[:2]) if len(parts) > 1 and parts[1] else None
    return parts[0]


def _in_node_modules(path: str) -> bool:
    return "node_modules" in path.split("/")[:-1]
