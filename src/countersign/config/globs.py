"""Path globs compiled once into a segment trie, so matching a path costs its depth, not the
number of globs (a monorepo catalog has tens of thousands).

Semantics (shared by the catalog and CODEOWNERS): paths are relative, ``/``-separated and
case-sensitive; ``*`` and ``?`` never cross ``/``; ``**`` spans any number of directories
(``a/**/b``, ``**/b``, ``a/**``); a pattern whose last segment is literal also covers everything
under it (``services/checkout`` owns ``services/checkout/app.py``); a trailing ``/`` matches
directories only. Catalog globs are anchored at the repository root; CODEOWNERS patterns without
an inner ``/`` float to any depth (``*.js``, ``docs/``), as GitHub documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

WILDCARDS = frozenset("*?[")


@dataclass(frozen=True)
class Glob:
    """One compiled pattern; ``order`` is its position in its source (catalog order, or the
    CODEOWNERS line), ``value`` what it maps to (a service name, a tuple of owners)."""

    pattern: str
    order: int
    value: object
    prefix: tuple[str, ...]
    tail: tuple[str, ...]
    dir_only: bool
    descendants: bool
    literal_chars: int

    @property
    def specificity(self) -> tuple[int, int]:
        """More literal leading segments first, then more literal characters."""
        return (len(self.prefix), self.literal_chars)

    def matches_rest(self, rest: tuple[str, ...], regex: re.Pattern[str] | None) -> bool:
        """Match the segments left after ``prefix`` (already matched by the trie walk)."""
        if not self.tail:
            if not rest:
                return not self.dir_only
            return self.descendants
        if self.tail == ("**",):
            return bool(rest)
        return regex is not None and regex.match("/".join(rest)) is not None


def compile_glob(pattern: str, order: int, value: object, *, floating: bool = False) -> Glob:
    """Compile ``pattern``; ``floating`` makes slash-less patterns match at any depth."""
    text = pattern
    anchored = text.startswith("/")
    dir_only = text.endswith("/") and len(text) > 1
    text = text.strip("/")
    segments = tuple(s for s in text.split("/") if s) if text else ("**",)
    if floating and not anchored and len(segments) == 1 and segments[0] != "**":
        segments = ("**", *segments)
    prefix: list[str] = []
    for seg in segments:
        if WILDCARDS.intersection(seg):
            break
        prefix.append(seg)
    tail = segments[len(prefix) :]
    last = segments[-1]
    descendants = not WILDCARDS.intersection(last) or last == "**"
    literal = sum(len(s) for s in segments) - sum(s.count("*") + s.count("?") for s in segments)
    return Glob(pattern, order, value, tuple(prefix), tail, dir_only, descendants, literal)


def tail_regex(glob: Glob) -> re.Pattern[str]:
    parts: list[str] = []
    last = len(glob.tail) - 1
    for i, seg in enumerate(glob.tail):
        if seg == "**":
            parts.append(".*" if i == last else "(?:[^/]*/)*")
            continue
        parts.append(_segment(seg))
        if i != last:
            parts.append("/")
    if glob.dir_only:
        parts.append("/.+")
    elif glob.descendants:
        parts.append("(?:/.+)?")
    return re.compile("".join(parts) + r"\Z")


def _segment(seg: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(seg):
        ch = seg[i]
        if ch == "*":
            while i + 1 < len(seg) and seg[i + 1] == "*":
                i += 1
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[" and (end := seg.find("]", i + 2)) != -1:
            body = seg[i + 1 : end]
            neg = body[:1] in {"!", "^"}
            body = body[1:] if neg else body
            out.append(f"[{'^' if neg else ''}{body.replace(chr(92), chr(92) * 2)}]")
            i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    globs: list[Glob] = field(default_factory=list)


class PathIndex:
    """All globs of a source in one trie keyed by their literal leading segments; tail regexes
    are compiled on first use, so building the index never compiles 20,000 regexes."""

    def __init__(self, globs: list[Glob]) -> None:
        self._root = _Node()
        self._regex: dict[int, re.Pattern[str]] = {}
        self.size = len(globs)
        for glob in globs:
            node = self._root
            for seg in glob.prefix:
                node = node.children.setdefault(seg, _Node())
            node.globs.append(glob)

    def matches(self, path: str) -> Iterator[Glob]:
        """Every glob that matches ``path``, in no particular order."""
        segments = tuple(s for s in path.split("/") if s)
        node: _Node | None = self._root
        depth = 0
        while node is not None:
            rest = segments[depth:]
            for glob in node.globs:
                if glob.matches_rest(rest, self._tail(glob)):
                    yield glob
            if depth == len(segments):
                break
            node = node.children.get(segments[depth])
            depth += 1

    def _tail(self, glob: Glob) -> re.Pattern[str] | None:
        if not glob.tail or glob.tail == ("**",):
            return None
        key = id(glob)
        regex = self._regex.get(key)
        if regex is None:
            regex = self._regex[key] = tail_regex(glob)
        return regex
