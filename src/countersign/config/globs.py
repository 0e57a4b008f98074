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
from typing import NamedTuple

_WILDCARD = re.compile(r"[*?\[]")


class Glob(NamedTuple):
    """One compiled pattern; ``order`` is its position in its source (catalog order, or the
    CODEOWNERS line), ``value`` what it maps to (a service name, a CODEOWNERS rule).

    A named tuple, not a dataclass: a monorepo catalog builds 20,000 of them on every run."""

    pattern: str
    order: int
    value: object
    prefix: str  # the literal leading directories, joined: the trie key
    depth: int  # how many segments ``prefix`` holds
    tail: tuple[str, ...]
    dir_only: bool
    descendants: bool
    literal_chars: int

    @property
    def specificity(self) -> tuple[int, int]:
        """More literal leading segments first, then more literal characters."""
        return (self.depth, self.literal_chars)

    def matches_rest(self, rest: str, regex: re.Pattern[str] | None) -> bool:
        """Match what is left of the path after ``prefix`` (matched by the index lookup)."""
        if not self.tail:
            if not rest:
                return not self.dir_only
            return self.descendants
        if not rest:  # the path ends here, the pattern does not
            return False
        if self.tail == ("**",):
            return not self.dir_only or "/" in rest
        return regex is not None and regex.match(rest) is not None


def compile_glob(pattern: str, order: int, value: object, *, floating: bool = False) -> Glob:
    """Compile ``pattern``; ``floating`` makes slash-less patterns match at any depth."""
    anchored = pattern.startswith("/")
    dir_only = pattern.endswith("/") and len(pattern) > 1
    text = pattern.strip("/")
    if "//" in text:
        text = re.sub("/+", "/", text)
    if not text:
        text = "**"
    elif floating and not anchored and "/" not in text and text != "**":
        text = f"**/{text}"
    segments = text.split("/")
    wild = _WILDCARD.search(text)
    depth = len(segments) if wild is None else text.count("/", 0, wild.start())
    last = segments[-1]
    descendants = last == "**" or _WILDCARD.search(last) is None
    literal = len(text) - text.count("/") - text.count("*") - text.count("?")
    return Glob(
        pattern,
        order,
        value,
        "/".join(segments[:depth]),
        depth,
        tuple(segments[depth:]),
        dir_only,
        descendants,
        literal,
    )


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


class PathIndex:
    """All globs of a source keyed by their literal leading directories (a trie flattened into
    one dict of joined prefixes); a path is looked up once per directory level. Tail regexes
    are compiled on first use, so building the index never compiles 20,000 regexes."""

    def __init__(self, globs: list[Glob]) -> None:
        self._nodes: dict[str, list[Glob]] = {}
        self._regex: dict[tuple[str, ...], re.Pattern[str]] = {}
        self.size = len(globs)
        for glob in globs:
            self._nodes.setdefault(glob.prefix, []).append(glob)

    def matches(self, path: str) -> Iterator[Glob]:
        """Every glob that matches ``path``, in no particular order."""
        path = path.strip("/")
        if not path:
            return
        nodes = self._nodes
        cut = 0
        while True:
            found = nodes.get(path[: cut - 1] if cut else "")
            if found:
                rest = path[cut:]
                for glob in found:
                    if glob.matches_rest(rest, self._tail(glob)):
                        yield glob
            if cut > len(path):
                return
            nxt = path.find("/", cut)
            cut = len(path) + 1 if nxt == -1 else nxt + 1

    def _tail(self, glob: Glob) -> re.Pattern[str] | None:
        if not glob.tail or glob.tail == ("**",):
            return None
        key = (*glob.tail, str(glob.dir_only), str(glob.descendants))
        regex = self._regex.get(key)
        if regex is None:
            regex = self._regex[key] = tail_regex(glob)
        return regex
