"""Go: a service depends on another when its code imports a package in a directory the other one
owns.

Understood: the import declarations of each file (``import "x"``, ``import ( ... )`` blocks,
aliases, ``_`` and ``.`` imports, interpreted and raw string paths, comments anywhere between
them). Only the header is read, as the compiler does: the ``package`` clause, then imports until
the first other declaration. An import path resolves through the ``module`` line of every
``go.mod`` in the repository: ``example.com/shop/payments/client`` with
``module example.com/shop`` at the root is the directory ``payments/client``, and its ``.go``
files name the service. The longest module path that holds the package wins, as with nested
modules. Standard library and external modules match no ``go.mod`` and add nothing; directories
the go tool ignores (``testdata``, ``vendor``, names starting with ``.`` or ``_``) are skipped.

Not understood: ``replace`` directives and ``go.work`` (a replaced module is found by its own
``go.mod``), build constraints (every file counts, ``_test.go`` files too), cgo.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from countersign.config.problems import Problem
from countersign.facts.blast_radius.languages.sources import Inferred, Linker, Sources, link_all

_MODULE = re.compile(r'^\s*module\s+"?([^"\s]+)"?\s*(?://.*)?$', re.MULTILINE)


class GoSyntaxError(ValueError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class _Module:
    path: str  # example.com/shop
    directory: str  # where its go.mod is, "" at the root


def infer(src: Sources) -> Inferred:
    linker = Linker("package", provided="is in files of")
    modules = _modules(src, linker.problems)
    packages = (
        _packages(src)
        if src.links is None
        else src.links.code("go-packages", src.catalog, src.paths, lambda: _packages(src))
    )
    memo = src.memo("go", (tuple(modules), packages))
    resolved: dict[str, set[str]] = {}  # import path -> services, for this tree

    def fill(part: Linker, path: str, owner: str) -> None:
        found = src.scan(path, SCANNER, scan)
        if "error" in found:
            line, why = found["error"]
            part.problems.append(
                Problem(f"{path}:{line}", f"cannot parse Go ({why}); its imports are not counted")
            )
            return
        for line, imported in found["imports"]:
            if imported not in resolved:
                resolved[imported] = _resolve(imported, modules, packages)
            part.link(owner, resolved[imported], f"{path}:{line}", imported)

    return link_all(src, "go", memo, linker, fill, _ignored)


SCANNER = "go:1"


def scan(text: str, _path: str) -> dict[str, Any]:
    """The file's imports as JSON values (``{"imports": [[line, path]]}``), or the line and
    reason its header is not Go (``{"error": [line, why]}``)."""
    try:
        return {"imports": [[line, imported] for line, imported in imports_of(text)]}
    except GoSyntaxError as exc:
        return {"error": [exc.line, str(exc)]}


def imports_of(text: str) -> Iterator[tuple[int, str]]:
    """Each import path of a Go file with the line it is on; ``GoSyntaxError`` for a header
    that is not Go (no ``package`` clause, an unterminated string, comment or import block)."""
    tokens = _tokens(text)
    kind, value, line = next(tokens)
    if (kind, value) != ("word", "package") or next(tokens)[0] != "word":
        raise GoSyntaxError("expected the 'package' clause first", line)
    while True:
        kind, value, line = next(tokens)
        if kind == ";":
            continue
        if (kind, value) != ("word", "import"):
            return
        kind, value, line = next(tokens)
        if kind == "(":
            yield from _block(tokens, line)
        else:
            yield _spec(kind, value, line, tokens)


def _block(tokens: Iterator[tuple[str, str, int]], start: int) -> Iterator[tuple[int, str]]:
    while True:
        kind, value, line = next(tokens)
        if kind == ")":
            return
        if kind == "end":
            raise GoSyntaxError("import block without its closing ')'", start)
        if kind != ";":
            yield _spec(kind, value, line, tokens)


def _spec(
    kind: str, value: str, line: int, tokens: Iterator[tuple[str, str, int]]
) -> tuple[int, str]:
    if kind in {"word", "."}:  # an alias, "_" or "."
        kind, value, line = next(tokens)
    if kind != "string":
        raise GoSyntaxError(f"expected an import path, found {value!r}", line)
    return line, value


_TOKEN = re.compile(
    r"""(?P<space>[ \t\r\n\ufeff]+)
    |(?P<comment>//[^\n]*|/\*.*?\*/)
    |(?P<string>"(?:[^"\\\n]|\\.)*"|`[^`]*`)
    |(?P<word>\w+)
    |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


def _tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """Tokens of a Go header as (kind, value, line): ``word``, ``string`` (its contents), and
    punctuation as itself; the end of the text yields ``("end", "", line)`` forever."""
    line, pos = 1, 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:  # cannot happen: ``other`` takes any character, newlines too
            break
        kind, token = str(match.lastgroup), match.group()
        if kind == "other" and token in {'"', "`"}:
            raise GoSyntaxError("unterminated string", line)
        if kind == "other" and text.startswith("/*", pos):
            raise GoSyntaxError("unterminated comment", line)
        if kind == "string":
            yield "string", token[1:-1], line
        elif kind == "word":
            yield "word", token, line
        elif kind == "other":
            yield token, token, line
        line += token.count("\n")
        pos = match.end()
    while True:
        yield "end", "", line


def _modules(src: Sources, problems: list[Problem]) -> list[_Module]:
    modules: list[_Module] = []
    for path, text in sorted(src.manifests.items()):
        if _ignored(path):
            continue
        match = _MODULE.search(text)
        if match is None:
            if src.owner_of(path) is not None:
                problems.append(
                    Problem(path, "no 'module' line; imports of its packages add no edge")
                )
            continue
        modules.append(_Module(match.group(1), posixpath.dirname(path)))
    modules.sort(key=lambda m: -len(m.path))
    return modules


def _packages(src: Sources) -> dict[str, set[str]]:
    """The services whose files are in each package directory."""
    out: dict[str, set[str]] = {}
    for path in src.paths:
        owner = src.owner_of(path)
        directory = path.rpartition("/")[0]
        if owner is not None and not _ignored_directory(directory):
            out.setdefault(directory, set()).add(owner)
    return out


def _resolve(imported: str, modules: list[_Module], packages: dict[str, set[str]]) -> set[str]:
    for module in modules:  # longest module path first
        if imported == module.path:
            rest = ""
        elif imported.startswith(f"{module.path}/"):
            rest = imported[len(module.path) + 1 :]
        else:
            continue
        directory = posixpath.join(module.directory, rest) if rest else module.directory
        if found := packages.get(directory.rstrip("/")):
            return found
    return set()


def _ignored(path: str) -> bool:
    return _ignored_directory(path.rpartition("/")[0])


@functools.lru_cache(maxsize=65536)
def _ignored_directory(directory: str) -> bool:
    return any(
        part in {"testdata", "vendor"} or part.startswith((".", "_"))
        for part in directory.split("/")
        if part
    )
