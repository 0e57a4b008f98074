"""What a changed file is (docs, tests, generated, comment-only, code) and whether it alters the
surface other services use: exported Go identifiers, Python public names and ``__all__``,
JavaScript/TypeScript exports, API and schema files. A change that only adds to a surface
leaves what dependents already use alone; removing or altering any of it does not.

Fail safe: a code file that cannot be read or parsed, or is in a language not analysed here,
counts as altering the surface, with the reason saying so.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from countersign.facts.blast_radius.surface import go, python, typescript
from countersign.intake.change import FileChange, FileStatus
from countersign.intake.code_index import is_test_path

__all__ = ["KINDS", "FileSurface", "change_kind", "classify"]

# From the least to the most consequential: a change is the kind of its most consequential file.
KINDS = ("docs", "comments", "generated", "tests", "code")

_DOC_SUFFIXES = (".md", ".mdx", ".rst", ".txt", ".adoc", ".asciidoc")
_DOC_NAMES = frozenset({"LICENSE", "NOTICE", "AUTHORS", "CONTRIBUTORS", "CHANGELOG", "CODEOWNERS"})
_DOC_DIRS = frozenset({"docs", "doc", "website", ".changelog", "changelog", "changes"})
_GENERATED_FILE = re.compile(
    r"(\.pb(\.gw)?\.go|_gen\.go|\.gen\.go|^zz_generated.*|_generated\.\w+|\.generated\.\w+|"
    r"_pb2(_grpc)?\.pyi?|^(go\.sum|package-lock\.json|pnpm-lock\.yaml|yarn\.lock|poetry\.lock|"
    r"uv\.lock|Cargo\.lock))$"
)
_GENERATED_HEADER = re.compile(r"^// Code generated .* DO NOT EDIT\.$|@generated", re.MULTILINE)
_SCHEMA_SUFFIXES = (".proto", ".graphql", ".graphqls", ".gql", ".thrift", ".avsc", ".avdl")
_SCHEMA_NAME = re.compile(r"(openapi|swagger|\.schema)[^/]*\.(ya?ml|json)$", re.IGNORECASE)
# Code in languages whose surface is not analysed here: any change to one counts.
_OTHER_CODE = (
    ".rs", ".java", ".kt", ".scala", ".c", ".h", ".cc", ".cpp", ".hpp", ".cs", ".rb", ".php",
    ".swift", ".m", ".lua", ".pl", ".ex", ".exs", ".erl", ".hs", ".ml", ".dart", ".zig",
)  # fmt: skip

Surface = Callable[[str, str], frozenset[str]]
# What an edit of a file loses and adds, from its old and new texts: ``(before - after,
# after - before)`` of its surface, cheaper than reading both whole (Go: the pieces that differ).
Difference = Callable[[str, str], tuple[frozenset[str], frozenset[str]]]
_LANGUAGES: dict[tuple[str, ...], tuple[str, Surface, Difference | None]] = {
    (".go",): ("Go", lambda t, _p: go.surface(t), go.difference),
    (".py", ".pyi"): ("Python", python.surface, None),
    (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts"): (
        "JavaScript/TypeScript",
        typescript.surface,
        None,
    ),
}
# A line that is only a comment (or blank): a change of such lines alone is comment-only.
_COMMENT_LINE = re.compile(r"^\s*(#|//|/\*|\*|\*/|$)")


@dataclass(frozen=True)
class FileSurface:
    path: str
    kind: str  # one of KINDS
    surface: bool  # alters what other services use
    reason: str


def classify(f: FileChange, *, surface: bool = True) -> FileSurface:
    """The file's kind, and whether it alters the exported surface. ``surface`` False: the
    surface is not read (no other service imports the file's service, so it cannot matter)."""
    kind = _kind_by_path(f)
    if kind == "code" and _comments_only(f):
        kind = "comments"
    if kind in {"docs", "tests"}:
        return _leaving(f.path, kind, f"{kind}: other services do not use it")
    if f.path.endswith(_SCHEMA_SUFFIXES) or _SCHEMA_NAME.search(f.path):
        return _altering(f.path, "code", "an API or schema file")
    language = next((v for k, v in _LANGUAGES.items() if f.path.endswith(k)), None)
    if not surface:
        return _leaving(f.path, kind, "surface not read: no other service imports its service")
    if language is None:
        if f.path.endswith(_OTHER_CODE):
            return _altering(f.path, kind, "code in a language whose surface is not read")
        return _leaving(f.path, kind, "not code other services import")
    name, exported, difference = language
    if f.submodule or f.binary:
        return _altering(f.path, kind, f"{name} file not read as text")
    old = f.old_text if f.status is not FileStatus.ADDED else ""
    new = f.new_text if f.status is not FileStatus.DELETED else ""
    if old is None or new is None:
        return _altering(f.path, kind, f"{name} file not read ({f.skipped or 'unread'})")
    moved = bool(f.old_path) and posixpath.dirname(f.old_path or "") != posixpath.dirname(f.path)
    try:
        if old and new and not moved and difference is not None:
            gone, extra = difference(old, new)
        else:
            before = _exported(exported, old, f.old_path or f.path) if old else frozenset()
            after = _exported(exported, new, f.path) if new and not moved else frozenset()
            gone, extra = before - after, after - before
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return _altering(f.path, kind, f"cannot parse {name} ({exc}); counted as surface")
    lost = sorted(gone)
    if not lost:
        added = len(extra)
        why = f"adds {added} exported names, alters none" if added else "exported surface unchanged"
        return _leaving(f.path, kind, why)
    what = "moved to another package" if moved else f"alters or removes {len(lost)} exported"
    return _altering(f.path, kind, f"{what}: {_short(lost[0])}")


@functools.lru_cache(maxsize=4096)
def _exported(exported: Surface, text: str, path: str) -> frozenset[str]:
    """``exported(text, path)``, kept for the next change: in a replay or a release, a file's
    new text in one commit is its old text in the next one that edits it."""
    return exported(text, path)


def _altering(path: str, kind: str, reason: str) -> FileSurface:
    return FileSurface(path, kind, surface=True, reason=reason)


def _leaving(path: str, kind: str, reason: str) -> FileSurface:
    return FileSurface(path, kind, surface=False, reason=reason)


def change_kind(files: Iterable[FileSurface]) -> str:
    """The change's kind: its most consequential file's ("none" for no file)."""
    kinds = [f.kind for f in files]
    return max(kinds, key=KINDS.index) if kinds else "none"


def _comments_only(f: FileChange) -> bool:
    """A modification, in place, whose added and removed lines are all comments or blank."""
    if f.status is not FileStatus.MODIFIED or f.binary or not (f.added or f.removed):
        return False
    return all(_COMMENT_LINE.match(line.text) for line in (*f.added, *f.removed))


def _kind_by_path(f: FileChange) -> str:
    parts = f.path.split("/")
    name = parts[-1]
    if is_test_path(f.path):
        return "tests"
    if name.endswith(_DOC_SUFFIXES) or name.split(".")[0] in _DOC_NAMES:
        return "docs"
    if any(p in _DOC_DIRS for p in parts[:-1]) and not name.endswith(_code_suffixes()):
        return "docs"
    if _GENERATED_FILE.search(name):
        return "generated"
    head = (f.new_text or f.old_text or "")[:2000]
    if head and _GENERATED_HEADER.search(head):
        return "generated"
    return "code"


def _code_suffixes() -> tuple[str, ...]:
    return tuple(s for k in _LANGUAGES for s in k) + _OTHER_CODE


def _short(line: str, limit: int = 120) -> str:
    return line if len(line) <= limit else f"{line[: limit - 3]}..."
