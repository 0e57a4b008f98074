"""What a repository already says about itself, for ``countersign init``: its services (Go
modules, npm/pnpm workspaces, Python packages, Backstage components), their owners (CODEOWNERS)
and the teams CODEOWNERS names. Pure: paths and texts in, records out."""

from __future__ import annotations

import fnmatch
import json
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import yaml

from countersign.config.backstage import is_backstage_file, read_backstage
from countersign.config.codeowners import (
    LOCATIONS,
    CodeOwners,
    Rule,
    owner_team,
    parse_codeowners,
)

MANIFESTS = ("go.mod", "package.json", "pyproject.toml")
_MODULE = re.compile(r"^module\s+(\S+)", re.MULTILINE)
_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class Found:
    """A service the repository declares: where, what says so, and its CODEOWNERS owners."""

    name: str
    directory: str  # "" for the repository root
    source: str  # the manifest that declares it, e.g. services/api/go.mod
    owners: tuple[str, ...] = ()
    owners_line: str = ""  # CODEOWNERS:12, the rule that decided

    @property
    def paths(self) -> tuple[str, ...]:
        return (f"{self.directory}/**",) if self.directory else ("**",)


@dataclass(frozen=True)
class Discovery:
    services: tuple[Found, ...] = ()
    backstage: tuple[str, ...] = ()  # components read from catalog-info.yaml at check time
    teams: tuple[str, ...] = ()  # every team CODEOWNERS names
    codeowners: str = ""  # the CODEOWNERS file used


def discover(paths: Iterable[str], read: Callable[[list[str]], dict[str, str]]) -> Discovery:
    every = tuple(paths)
    present = set(every)
    manifests = [p for p in every if PurePosixPath(p).name in MANIFESTS and not _vendored(p)]
    backstage_files = [p for p in every if is_backstage_file(p)]
    owners_file = next((p for p in LOCATIONS if p in present), None)
    extra = [p for p in ("pnpm-workspace.yaml",) if p in present]
    texts = read([*manifests, *backstage_files, *extra, *([owners_file] if owners_file else [])])
    codeowners = parse_codeowners(texts.get(owners_file, ""), owners_file) if owners_file else None
    found = _services(manifests, texts)
    if codeowners is not None:
        found = [_owned(f, codeowners) for f in found]
    backstage: list[str] = []
    for path in backstage_files:
        services, _ = read_backstage(texts.get(path, ""), path)
        backstage.extend(f"{s.name} ({path})" for s in services)
    rules = codeowners.rules if codeowners else ()
    teams = sorted({t for r in rules for o in r.owners if (t := owner_team(o))})
    return Discovery(tuple(found), tuple(backstage), tuple(teams), owners_file or "")


def _vendored(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return any(p in {"node_modules", "vendor", "testdata", "third_party", ".git"} for p in parts)


def _services(manifests: list[str], texts: dict[str, str]) -> list[Found]:
    """Nested manifests are the services; the root's counts only when nothing is nested, or as
    the list of workspaces it declares."""
    by_dir: dict[str, Found] = {}
    workspaces = _workspace_globs(texts)
    for path in sorted(manifests, key=lambda p: (p.count("/"), p)):
        directory = str(PurePosixPath(path).parent).removeprefix(".")
        if directory in by_dir:
            continue
        name = _declared_name(path, texts.get(path, ""))
        if name is None:
            continue
        outside = not any(fnmatch.fnmatchcase(directory, g) for g in workspaces)
        if PurePosixPath(path).name == "package.json" and directory and workspaces and outside:
            continue  # a package.json the workspaces do not list (examples, fixtures)
        by_dir[directory] = Found(_clean(name) or _clean(directory) or "app", directory, path)
    nested = {d: f for d, f in by_dir.items() if d}
    return list((nested or by_dir).values())


def _declared_name(path: str, text: str) -> str | None:
    kind = PurePosixPath(path).name
    directory = PurePosixPath(path).parent.name
    if kind == "go.mod":
        match = _MODULE.search(text)
        return match[1].rstrip("/").rsplit("/", 1)[-1] if match else None
    if kind == "package.json":
        data = _json(text)
        name = data.get("name") if isinstance(data, dict) else None
        return name.rsplit("/", 1)[-1] if isinstance(name, str) and name else directory or None
    data = _toml(text)
    project = data.get("project") if isinstance(data, dict) else None
    name = project.get("name") if isinstance(project, dict) else None
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    name = name or (poetry.get("name") if isinstance(poetry, dict) else None)
    return name if isinstance(name, str) and name else None


def _workspace_globs(texts: dict[str, str]) -> tuple[str, ...]:
    """npm/yarn ``workspaces`` of the root package.json, pnpm-workspace.yaml ``packages``."""
    globs: list[str] = []
    data = _json(texts.get("package.json", ""))
    spaces = data.get("workspaces") if isinstance(data, dict) else None
    if isinstance(spaces, dict):
        spaces = spaces.get("packages")
    if isinstance(spaces, list):
        globs.extend(g.rstrip("/") for g in spaces if isinstance(g, str) and not g.startswith("!"))
    globs.extend(pnpm_globs(texts.get("pnpm-workspace.yaml", "")))
    return tuple(globs)


def _owned(found: Found, codeowners: CodeOwners) -> Found:
    """The owners of the service: of the CODEOWNERS rules that match its manifest, the most
    specific one (more literal directories, then more literal characters; the later line on a
    tie, as GitHub breaks it), so `/services/api/` beats a later `/services/`."""
    globs = list(codeowners.index.matches(found.source))
    if not globs:
        return found
    best = max(globs, key=lambda g: (*g.specificity, g.order))
    rule = best.value
    assert isinstance(rule, Rule)  # noqa: S101 - the index holds only rules
    if not rule.owners:
        return found
    teams = tuple(t for o in rule.owners if (t := owner_team(o)))
    return Found(
        found.name,
        found.directory,
        found.source,
        teams or rule.owners,
        f"{codeowners.file}:{rule.line}",
    )


def _clean(name: str) -> str:
    return _NAME.sub("-", name).strip("-").lower()


def _json(text: str) -> Any:
    try:
        return json.loads(text) if text else {}
    except (ValueError, RecursionError):
        return {}


def _toml(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text) if text else {}
    except (tomllib.TOMLDecodeError, RecursionError):
        return {}


def pnpm_globs(text: str) -> tuple[str, ...]:
    """``packages:`` of a pnpm-workspace.yaml."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return ()
    packages = data.get("packages") if isinstance(data, dict) else None
    if not isinstance(packages, list):
        return ()
    return tuple(p.rstrip("/") for p in packages if isinstance(p, str) and not p.startswith("!"))
