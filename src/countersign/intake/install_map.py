"""Where a wheel installs the data files a project keeps in its tree: a document names the
installed path (nbconvert's ``share/jupyter/nbconvert/templates/classic``), the tree holds its
source (``share/templates/classic``), and the build configuration maps one onto the other."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from typing import Any

# a glob's first wildcard: the directory before it is what a data-files entry copies from
_WILDCARDS = ("*", "?", "[")


def installed_data(pyproject: str) -> tuple[tuple[str, str], ...]:
    """The (installed directory, source directory) pairs a ``pyproject.toml`` declares: hatch's
    ``shared-data`` (source -> installed), setuptools' ``data-files`` (installed -> globs of
    sources) and flit's ``external-data`` (a directory installed into the prefix as it is,
    whose pair has the empty installed directory). A text that is no valid TOML maps nothing."""
    try:
        config = tomllib.loads(pyproject)
    except (tomllib.TOMLDecodeError, ValueError):
        return ()
    tool = _table(config, "tool")
    hatch = _table(_table(tool, "hatch"), "build")
    pairs: list[tuple[str, str]] = []
    for shared in (
        _table(hatch, "shared-data"),
        _table(_table(_table(hatch, "targets"), "wheel"), "shared-data"),
    ):
        pairs.extend(
            (_clean(dest), _clean(src)) for src, dest in shared.items() if isinstance(dest, str)
        )
    for dest, globs in _table(_table(tool, "setuptools"), "data-files").items():
        if isinstance(globs, list):
            pairs.extend((_clean(dest), _glob_dir(g)) for g in globs if isinstance(g, str))
    external = _table(_table(tool, "flit"), "external-data").get("directory")
    if isinstance(external, str):
        pairs.append(("", _clean(external)))
    return tuple(dict.fromkeys((d, s) for d, s in pairs if s))


def source_of(path: str, pairs: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """The tree paths that ``path``, an installed path, is copied from."""
    path = path.strip("/")
    out: list[str] = []
    for dest, src in pairs:
        if not dest:
            out.append(f"{src}/{path}")
        elif path == dest:
            out.append(src)
        elif path.startswith(f"{dest}/"):
            out.append(f"{src}/{path[len(dest) + 1 :]}")
    return tuple(out)


def _table(config: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = config.get(key)
    return value if isinstance(value, dict) else {}


def _clean(path: str) -> str:
    return path.strip().strip("/").removeprefix("./")


def _glob_dir(pattern: str) -> str:
    """The directory a glob copies from (``data/templates/*.tpl``: ``data/templates``); a plain
    file's directory."""
    cut = min((i for i in (pattern.find(w) for w in _WILDCARDS) if i >= 0), default=len(pattern))
    head = pattern[:cut]
    return _clean(head.rsplit("/", 1)[0]) if "/" in head else ""
