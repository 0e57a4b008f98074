"""What a change's diff holds, by kind of line: control flow, exception handling, declarations,
imports, returns, comments, assertions and logging, each counted added and removed; and the
share of its files that are generated or vendored. Pure and language-agnostic (keyword
patterns for Python, Java, Go, JavaScript/TypeScript and C): counted on a commit's ``-U0``
patch when mining and on the change's own lines when scoring, by the same function.

Definitions (tested in tests/facts/risk/test_content.py): a line counts for a kind when, after
its ``+``/``-`` and leading blanks, it starts as below (``} else``, ``} catch`` included):

- ``control``: ``if elif else for foreach while switch case default: do select break continue
  goto``;
- ``except``: ``try except catch finally raise throw panic recover rescue``, or ``if err !=
  nil`` (Go's error handling);
- ``decl``: ``def class func function fn interface struct enum``, or a Java/C# method or field
  with an access modifier (``public``, ``private``, ``protected``);
- ``import``: ``import``, ``from x import``, ``#include``, ``using``, ``require(``;
- ``return``: ``return``;
- ``comment``: ``#`` (not ``#include``), ``//``, ``/*``, ``*``, a docstring quote;
- ``assert``: ``assert``, ``self.assert``, ``Assert.``, ``expect(``, ``require.``, ``t.Error``,
  ``t.Fatal``;
- ``log``: a call of ``log``, ``LOG``, ``logger``, ``logging`` or ``console`` (``LOG.warning(``).

``gen_share`` is the share of touched paths that are generated or vendored (``vendor/``,
``third_party/``, ``node_modules/``, lock files, ``go.sum``, minified files, protobuf output).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_KINDS: dict[str, bytes] = {
    "control": rb"(?:\}\s*)?(?:(?:if|elif|else|for|foreach|while|switch|case|do|select|break"
    rb"|continue|goto)\b|default\s*:)",
    "except": rb"(?:\}\s*)?(?:(?:try|except|catch|finally|raise|throw|panic|recover|rescue)\b"
    rb"|if\s+err\s*!=\s*nil)",
    "decl": rb"(?:(?:export\s+)?(?:async\s+)?(?:def|class|func|function|fn|interface|struct|enum)"
    rb"\b|(?:public|private|protected)\b)",
    "import": rb"(?:import\b|from\s+\S+\s+import\b|\#\s*include\b|using\s|require\s*\()",
    "return": rb"return\b",
    "comment": rb"(?:\#(?!\s*include\b)|//|/\*|\*|\"\"\"|''')",
    "assert": rb"(?:assert|self\.assert|Assert\.|expect\(|require\.|t\.(?:Error|Fatal))",
    "log": rb"(?:[\w.]*\.)?(?:log|LOG|logger|LOGGER|logging|console)\.\w+\(",
}
KINDS = tuple(_KINDS)
_PATTERNS = {
    kind: re.compile(rb"^([+-])[ \t]*" + body, re.MULTILINE) for kind, body in _KINDS.items()
}
COLUMNS = (*(f"{sign}_{kind}" for kind in KINDS for sign in ("add", "del")), "gen_share")

_GENERATED = re.compile(
    r"(^|/)(vendor|third_party|third-party|node_modules|Godeps|_vendor)/"
    r"|(^|/)(package-lock\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|Cargo\.lock|go\.sum"
    r"|Gemfile\.lock|composer\.lock|uv\.lock)$"
    r"|\.min\.(js|css)$|_pb2(_grpc)?\.pyi?$|\.pb(\.gw)?\.go$|\.pb\.(h|cc)$|\.generated\.\w+$"
    r"|(^|/)generated/",
)


def count(patch: bytes) -> dict[str, float]:
    """The ``add_``/``del_`` counts of each kind in ``patch`` (a unified diff, or just its
    ``+``/``-`` lines). ``---``/``+++`` file headers never match: each kind starts with a word
    or a comment mark, and ``-- a/x`` / ``++ b/x`` start with neither."""
    out: dict[str, float] = {}
    for kind, pattern in _PATTERNS.items():
        added = removed = 0
        for m in pattern.finditer(patch):
            if m.group(1) == b"+":
                added += 1
            else:
                removed += 1
        out[f"add_{kind}"] = float(added)
        out[f"del_{kind}"] = float(removed)
    return out


def lines_patch(added: Iterable[str], removed: Iterable[str]) -> bytes:
    """A change's added and removed lines as the ``+``/``-`` lines ``count`` reads."""
    parts = [b"+" + text.encode("utf-8", "replace") for text in added]
    parts += [b"-" + text.encode("utf-8", "replace") for text in removed]
    return b"\n".join(parts)


def generated_share(paths: Iterable[str]) -> float:
    paths = list(paths)
    if not paths:
        return 0.0
    return round(sum(1 for p in paths if _GENERATED.search(p)) / len(paths), 4)
