"""What a change's diff holds, by kind of line: control flow, exception handling, declarations,
imports, returns, comments, assertions and logging, each counted added and removed; and the
share of its files that are generated or vendored. Pure and language-agnostic (keyword
patterns for Python, Java, Go, JavaScript/TypeScript and C): counted on a commit's ``-U0``
patch when mining and on the change's own lines when scoring, by the same function.

Definitions (tested in tests/facts/risk/test_content.py): a line counts for a kind by its first
word, after its ``+``/``-``, leading blanks and a closing ``}`` (``} else``, ``} catch``):

- ``control``: ``if elif else for foreach while switch case do select break continue goto``;
- ``except``: ``try except catch finally raise throw panic recover rescue``, and ``if err !=
  nil`` (Go's error handling, which counts as control flow too);
- ``decl``: ``def class func function fn interface struct enum export async``, and the access
  modifiers ``public private protected`` (Java/C# methods and fields);
- ``import``: ``import from using require include``, ``#include``;
- ``return``: ``return``;
- ``comment``: ``#`` (not ``#include``), ``//``, ``/*``, ``*``, a docstring quote;
- ``assert``: ``assert...``, ``expect``, ``self.assert...``, ``Assert.``, ``require.``,
  ``t.Error...``, ``t.Fatal...``;
- ``log``: a dotted name through ``log``, ``LOG``, ``logger``, ``LOGGER``, ``logging`` or
  ``console`` (``LOG.warning``, ``self.log.info``, ``console.error``).

The code words (``code_words``, weighed as the message's words are: ``text``): ``c+:<name>``
for each distinct identifier on an added line, ``c-:<name>`` on a removed one; an identifier
is a letter or ``_`` then letters, digits or ``_`` (2 to 31 characters, a longer run read in
pieces), lower-cased; the ``+++``/``---`` file headers are not lines of code.

``gen_share`` is the share of touched paths that are generated or vendored (``vendor/``,
``third_party/``, ``node_modules/``, lock files, ``go.sum``, minified files, protobuf output).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

KINDS = ("control", "except", "decl", "import", "return", "comment", "assert", "log")
_WORDS: dict[str, str] = {
    **dict.fromkeys(
        [
            "if",
            "elif",
            "else",
            "for",
            "foreach",
            "while",
            "switch",
            "case",
            "do",
            "select",
            "break",
            "continue",
            "goto",
        ],
        "control",
    ),
    **dict.fromkeys(
        ["try", "except", "catch", "finally", "raise", "throw", "panic", "recover", "rescue"],
        "except",
    ),
    **dict.fromkeys(
        [
            "def",
            "class",
            "func",
            "function",
            "fn",
            "interface",
            "struct",
            "enum",
            "export",
            "async",
            "public",
            "private",
            "protected",
        ],
        "decl",
    ),
    **dict.fromkeys(["import", "from", "using", "require", "include"], "import"),
    "return": "return",
    **dict.fromkeys(["#", "*", "//", "/*", '"""', "'''"], "comment"),
    **dict.fromkeys(["assert", "expect"], "assert"),
}
_ASSERT_PREFIXES = ("assert", "self.assert", "Assert.", "require.", "t.Error", "t.Fatal")
_LOGGERS = frozenset(("log", "LOG", "logger", "LOGGER", "logging", "console"))
# One scan for the first word of each added or removed line: a newline then a sign is a
# literal the regex engine finds quickly; the word is then looked up, not matched.
_LINE = re.compile(
    rb"\n([+-])[ \t]*(?:\}[ \t]*)?(\#[ \t]*include|[A-Za-z_][\w.]*|//|/\*|[#*]|\"\"\"|\'\'\')"
    rb"(?:[ \t]+(err)[ \t]*!=[ \t]*nil)?"
)
COLUMNS = (*(f"{sign}_{kind}" for kind in KINDS for sign in ("add", "del")), "gen_share")

_GENERATED = re.compile(
    r"(^|/)(vendor|third_party|third-party|node_modules|Godeps|_vendor)/"
    r"|(^|/)(package-lock\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|Cargo\.lock|go\.sum"
    r"|Gemfile\.lock|composer\.lock|uv\.lock)$"
    r"|\.min\.(js|css)$|_pb2(_grpc)?\.pyi?$|\.pb(\.gw)?\.go$|\.pb\.(h|cc)$|\.generated\.\w+$"
    r"|(^|/)generated/",
)


def kind_of(word: str) -> str | None:
    """The kind of a line that starts with ``word`` (see the module's definitions)."""
    got = _WORDS.get(word)
    if got is not None:
        return got
    if word.startswith("#"):
        return "import"  # #include
    if word.startswith(_ASSERT_PREFIXES):
        return "assert"
    parts = word.split(".")
    if len(parts) > 1 and not _LOGGERS.isdisjoint(parts[:-1]):
        return "log"
    return None


def count(patch: bytes) -> dict[str, float]:
    """The ``add_``/``del_`` counts of each kind in ``patch`` (a unified diff, or just its
    ``+``/``-`` lines), and its code words (``code_words``), each 1.0: what the miner keeps
    of a patch. ``---``/``+++`` file headers never count: ``-- a/x`` and ``++ b/x`` start
    with no word or comment mark."""
    added = dict.fromkeys(KINDS, 0)
    removed = dict.fromkeys(KINDS, 0)
    kinds: dict[bytes, str | None] = {}
    for (sign, word, err), n in Counter(_LINE.findall(b"\n" + patch)).items():
        kind = kinds.get(word, "")
        if kind == "":
            kind = kinds[word] = kind_of(word.decode("ascii", "replace"))
        if kind is None:
            continue
        side = added if sign == b"+" else removed
        side[kind] += n
        if err:  # Go's `if err != nil`: error handling too
            side["except"] += n
    out: dict[str, float] = {}
    for kind in KINDS:
        out[f"add_{kind}"] = float(added[kind])
        out[f"del_{kind}"] = float(removed[kind])
    out.update(dict.fromkeys(code_words(patch), 1.0))
    return out


_ADDED = re.compile(rb"^\+(?!\+\+)(.*)$", re.MULTILINE)
_REMOVED = re.compile(rb"^-(?!--)(.*)$", re.MULTILINE)
_IDENTIFIER = re.compile(rb"[A-Za-z_][A-Za-z0-9_]{1,30}")
CODE_PREFIXES = ("c+:", "c-:")


def code_words(patch: bytes) -> frozenset[str]:
    """The identifiers of ``patch``'s added (``c+:``) and removed (``c-:``) lines."""
    out: set[str] = set()
    for prefix, lines in (("c+:", _ADDED), ("c-:", _REMOVED)):
        names = _IDENTIFIER.findall(b"\n".join(lines.findall(patch)).lower())
        out.update(prefix + n.decode("ascii") for n in set(names))
    return frozenset(out)


def code_of(counted: Mapping[str, float] | None) -> frozenset[str]:
    """The code words a patch's ``count`` holds (none when its patch was not read)."""
    return frozenset(k for k in counted or () if k.startswith(CODE_PREFIXES))


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
