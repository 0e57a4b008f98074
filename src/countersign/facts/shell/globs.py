"""``fnmatch.fnmatchcase`` that first checks the pattern's literal parts: a pattern is compiled
into a regular expression only for a name that could match it. The guard tests each path a
command touches against some eighty protected-path and scratch globs, once per process."""

from __future__ import annotations

import fnmatch

_WILD = frozenset("*?[")


def fnmatches(name: str, pattern: str) -> bool:
    """``fnmatch.fnmatchcase(name, pattern)``."""
    if not _WILD & set(pattern):
        return name == pattern
    if "[" not in pattern:
        parts = pattern.replace("?", "*").split("*")
        if not name.startswith(parts[0]) or not name.endswith(parts[-1]):
            return False
        if any(part not in name for part in parts[1:-1]):
            return False
    return fnmatch.fnmatchcase(name, pattern)
