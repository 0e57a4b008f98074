"""Split a document into what it says in prose and what it shows as code, by markup language.

Each line comes out as a ``Line``: its number, its text and what it is (prose, a shell command
line, or code in another language, which is not read for references). Markdown fences and
indented blocks, reStructuredText directives and ``::`` literal blocks, AsciiDoc ``[source]``
and delimited blocks are recognised; everything else is prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

SHELL_LANGS = frozenset({"sh", "bash", "shell", "zsh", "fish", "ksh", "powershell", "ps1"})
# Sessions show a prompt before each command; the other lines are what the command printed.
SESSION_LANGS = frozenset({"console", "shell-session", "shellsession", "sh-session", "doscon"})
# A block without a language is read as shell only where its lines look like commands.
UNMARKED = ""


class Role(StrEnum):
    PROSE = "prose"
    SHELL = "shell"
    SESSION = "session"
    UNMARKED = "unmarked"
    OTHER = "other"
    # the body of a note on what changed in a version (``.. versionchanged::``): history
    HISTORY = "history"


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    role: Role


def markup(path: str) -> str:
    lower = path.lower()
    if lower.endswith((".rst", ".rest")):
        return "rst"
    if lower.endswith((".adoc", ".asciidoc", ".asc")):
        return "adoc"
    return "md"


def lines_of(path: str, text: str) -> Iterator[Line]:
    kind = markup(path)
    if kind == "rst":
        yield from _rst(text)
    elif kind == "adoc":
        yield from _adoc(text)
    else:
        yield from _markdown(text)


def _role(info: str) -> Role:
    """What a block is, by its info string's first word: ``python``, ``{ .python title="x" }``
    (an attribute list, as mkdocs writes it), ``{r, echo=FALSE}``; none is an unmarked block."""
    words = _INFO_WORD.findall(info.lower())
    if not words:
        return Role.UNMARKED
    lang = words[0]
    if lang in SESSION_LANGS:
        return Role.SESSION
    return Role.SHELL if lang in SHELL_LANGS else Role.OTHER


_INFO_WORD = re.compile(r"[\w+#-]+")
# a fence and its info string (a backtick fence's holds no backtick)
_FENCE = re.compile(r"^(\s{0,3})(`{3,}|~{3,})\s*([^`]*)")


def _markdown(text: str) -> Iterator[Line]:
    fence: str | None = None
    role = Role.PROSE
    in_comment = False
    for number, line in enumerate(text.splitlines(), 1):
        if fence is not None:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence, role = None, Role.PROSE
                continue
            yield Line(number, line, role)
            continue
        # a fence holds three backquotes or tildes: most lines are not matched against it
        if ("```" in line or "~~~" in line) and (match := _FENCE.match(line)):
            fence, role = match.group(2), _role(match.group(3))
            continue
        if "<!--" in line:
            in_comment = "-->" not in line.split("<!--", 1)[1]
            continue
        if in_comment:
            in_comment = "-->" not in line
            continue
        if line.startswith(("    ", "\t")) and line.strip():
            yield Line(number, line.strip(), Role.UNMARKED)
            continue
        yield Line(number, line, Role.PROSE)


_RST_DIRECTIVE = re.compile(r"^(\s*)\.\.\s+(code-block|code|sourcecode|prompt)::\s*(\S*)")


_RST_VERSION_NOTE = re.compile(
    r"^(\s*)\.\.\s+(versionadded|versionchanged|versionremoved|deprecated)::"
)


def _rst(text: str) -> Iterator[Line]:
    block: tuple[int, Role] | None = None  # (indent of the directive, role of its body)
    pending: Role | None = None
    for number, line in enumerate(text.splitlines(), 1):
        indent = len(line) - len(line.lstrip())
        if block is not None:
            if not line.strip():
                continue
            if indent > block[0]:
                yield Line(number, line.strip(), block[1])
                continue
            block = None
        if pending is not None and line.strip():
            if indent > 0 or line.startswith("\t"):
                block = (0, pending) if indent else None
                pending = None
                if block is not None:
                    yield Line(number, line.strip(), block[1])
                    continue
            pending = None
        if match := _RST_VERSION_NOTE.match(line):
            block = (len(match.group(1)), Role.HISTORY)
            continue
        if match := _RST_DIRECTIVE.match(line):
            lang = match.group(3) or ("console" if match.group(2) == "prompt" else "")
            block = (len(match.group(1)), _role(lang))
            continue
        if line.rstrip().endswith("::") and not line.lstrip().startswith(".."):
            pending = Role.UNMARKED
            yield Line(number, line.rstrip()[:-1], Role.PROSE)
            continue
        if line.lstrip().startswith(".. ") and not line.lstrip().startswith(".. _"):
            continue  # comments and other directives carry no advice here
        yield Line(number, line, Role.PROSE)


_ADOC_SOURCE = re.compile(r"^\[(?:source|listing)?,?\s*([\w+-]*)[^\]]*\]\s*$")


def _adoc(text: str) -> Iterator[Line]:
    delimiter: str | None = None
    role = Role.PROSE
    next_role: Role | None = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if delimiter is not None:
            if stripped == delimiter:
                delimiter, role = None, Role.PROSE
                continue
            yield Line(number, line, role)
            continue
        if stripped.startswith("[") and (match := _ADOC_SOURCE.match(stripped)):
            next_role = _role(match.group(1))
            continue
        if stripped in {"----", "....", "```"} or re.fullmatch(r"-{4,}|\.{4,}", stripped):
            delimiter = stripped
            role = next_role or Role.UNMARKED
            next_role = None
            continue
        next_role = None
        if stripped.startswith("//"):
            continue
        yield Line(number, line, Role.PROSE)
