"""Where a path points, for deletion rules: the whole system, a home, outside the project, the
project, or one of its scratch areas (build output, caches, temporary files)."""

from __future__ import annotations

import posixpath
from enum import StrEnum

from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.globs import fnmatches

SYSTEM_DIRS = {
    "/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/opt", "/proc", "/root",
    "/sbin", "/srv", "/sys", "/usr", "/var", "/Users", "/System", "/Library", "/Applications",
    "/mnt", "/media", "/usr/local", "/usr/bin", "/usr/lib", "/var/lib", "/var/log",
}  # fmt: skip
TEMP_ROOTS = ("/tmp", "/var/tmp", "/private/tmp", "/dev/shm")  # noqa: S108 - recognised, not used


class Place(StrEnum):
    SYSTEM = "system"  # /, a system directory, a home directory, or everything below them
    OUTSIDE = "outside"  # an absolute path outside the project that is not temporary
    PROJECT = "project"  # inside the project, not scratch
    REPOSITORY = "repository"  # the project itself or its .git
    SCRATCH = "scratch"  # build output, caches, temporary directories
    UNKNOWN = "unknown"  # depends on a value that is not known before running


def place(path: str, cwd: str | None, ctx: ShellContext, exact: bool = True) -> Place:
    home = ctx.home or "~"
    raw = path
    for marker in ("$HOME", "${HOME}", "~"):
        if raw == marker or raw.startswith(marker + "/"):
            raw = home + raw[len(marker) :]
            break
    if raw.startswith("$") or "$(" in raw or "`" in raw or (not exact and "{xargs" in raw):
        return Place.UNKNOWN
    base = cwd or ctx.cwd
    if not raw.startswith("/") and not raw.startswith("~"):
        if base is None:
            return _relative(raw, ctx)
        raw = posixpath.join(base, raw)
    full = posixpath.normpath(raw.replace("//", "/"))
    # "rm -rf /*" or "rm -rf ~/.*" reaches the directory itself.
    stripped = full
    while stripped.endswith(("/*", "/.*", "/.[!.]*", "/*.*")):
        stripped = stripped.rsplit("/", 1)[0] or "/"
    if stripped == full and any(ch in full for ch in "*?["):
        stripped = posixpath.dirname(full) if full.rsplit("/", 1)[-1].startswith("*") else full
    if (_system(stripped, home) and stripped != full) or _system(full, home):
        return Place.SYSTEM
    # The project comes before the temporary directories: a repository checked out under /tmp
    # is a project like any other, and only its own scratch folders are scratch.
    root = ctx.project_root
    if root and (full == root or full.startswith(root.rstrip("/") + "/")):
        rel = full[len(root) :].lstrip("/")
        return _relative(rel or ".", ctx)
    if any(full == t or full.startswith(t + "/") for t in TEMP_ROOTS):
        return Place.SCRATCH if full not in TEMP_ROOTS else Place.OUTSIDE
    if full.startswith("~"):
        return Place.SYSTEM if full in ("~", "~/") else Place.OUTSIDE
    if not full.startswith("/"):
        return _relative(full, ctx)
    return Place.OUTSIDE


def _system(full: str, home: str) -> bool:
    if full in SYSTEM_DIRS or full in (home, "~", home.rstrip("/")):
        return True
    parent = posixpath.dirname(full)
    return parent in ("/home", "/Users") and full.count("/") == 2


def _relative(rel: str, ctx: ShellContext) -> Place:
    rel = posixpath.normpath(rel)
    if rel in (".", "*", "./*", ".git") or rel.startswith(".git/"):
        return Place.REPOSITORY
    if rel.startswith(".."):
        return Place.OUTSIDE
    first = rel.split("/", 1)[0]
    parts = rel.split("/")
    if any(fnmatches(part, pattern) for part in parts for pattern in ctx.scratch):
        return Place.SCRATCH
    if first.startswith("*"):
        return Place.REPOSITORY
    return Place.PROJECT


def matches(path: str, patterns: tuple[str, ...]) -> str | None:
    """The first glob of ``patterns`` that matches ``path`` (relative, ``**`` spans directories)."""
    rel = path.lstrip("./") if path.startswith("./") else path
    for pattern in patterns:
        if _glob(rel, pattern):
            return pattern
    return None


def _glob(path: str, pattern: str) -> bool:
    if pattern.endswith("/**"):
        prefix = pattern[:-3]
        return (
            path == prefix or path.startswith(prefix + "/") or fnmatches(path, pattern[:-1] + "*")
        )
    if "/" not in pattern:
        return fnmatches(path.rsplit("/", 1)[-1], pattern)
    if pattern.startswith("**/"):
        tail = pattern[3:]
        return (
            fnmatches(path, tail)
            or fnmatches(path, pattern)
            or any(
                fnmatches("/".join(path.split("/")[i:]), tail) for i in range(path.count("/") + 1)
            )
        )
    return fnmatches(path, pattern)


def protected_pattern(
    path: str, cwd: str | None, ctx: ShellContext, patterns: tuple[str, ...] | None = None
) -> str | None:
    """The protected-path pattern that ``path`` matches, in any of its spellings: relative to
    the project (``.claude/settings.json``), to the home (``~/.ssh/config``, also for
    ``$HOME/…`` and an absolute path under the home), or absolute (``/etc/profile``).
    ``patterns`` defaults to the context's protected paths."""
    patterns = ctx.protected_paths if patterns is None else patterns
    if not patterns or not path:
        return None
    raw = path
    for marker in ("$HOME/", "${HOME}/"):
        if raw.startswith(marker):
            raw = "~/" + raw[len(marker) :]
    full = raw
    if not raw.startswith(("/", "~")) and (cwd or ctx.cwd or "").startswith("/"):
        full = posixpath.normpath(posixpath.join(cwd or ctx.cwd or "", raw))
    spellings = [raw]
    root = (ctx.project_root or "").rstrip("/")
    if root and full.startswith(root + "/"):
        spellings.append(full[len(root) + 1 :])
    home = (ctx.home or "").rstrip("/")
    if home and full.startswith(home + "/"):
        spellings.append("~/" + full[len(home) + 1 :])
    if full.startswith("/"):
        spellings.append(full)
    for spelling in spellings:
        found = matches(spelling, patterns)
        if found:
            return found
    return None
