"""SQL text cut into statements, each with the line it starts on, in one linear pass.

The cut follows PostgreSQL's lexical rules (quoted strings with ``''``, ``E''`` strings with
backslash escapes, quoted identifiers, dollar quotes, nested block comments, line comments), but
it only decides where statements end: every piece still goes to the real grammar, so a piece cut
wrongly can only fail to parse (a finding), never hide a statement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from countersign.facts.hazards.documents import Unanalysable

MAX_STATEMENTS = 100_000

# No look-behind: a pattern that starts with a set of characters lets the engine skip to the
# next candidate in C; whether ``e'`` or ``$x$`` follows an identifier is checked after.
_SPECIAL = re.compile(r"--|/\*|[eE]'|'|\"|\$(?:[^\W\d]\w*)?\$|;")
# MySQL: backslash escapes in both quotes, backquoted names, # comments, no dollar quotes;
# any -- starts a comment (MySQL wants a space after it, Liquibase files do not have one).
_SPECIAL_MYSQL = re.compile(r"--|#|/\*|'|\"|`|;")
_SPECIAL_SQLITE = re.compile(r"--|/\*|'|\"|`|;")
_WORD = re.compile(r"[\w$]")
_ENDS = {
    "'": re.compile(r"'(?:''|[^'])*'"),
    '"': re.compile(r'"(?:""|[^"])*"'),
    "e": re.compile(r"[eE]'(?:\\.|''|[^'\\])*'", re.DOTALL),
    "`": re.compile(r"`(?:``|[^`])*`"),
}
_ENDS_MYSQL = {
    **_ENDS,
    "'": re.compile(r"'(?:\\.|''|[^'\\])*'", re.DOTALL),
    '"': re.compile(r'"(?:\\.|""|[^"\\])*"', re.DOTALL),
}
_NONSPACE = re.compile(r"\S")
_COMMENT_MARK = re.compile(r"/\*|\*/")


@dataclass(frozen=True)
class Statement:
    line: int
    text: str


def split_statements(text: str, dialect: str = "postgresql") -> list[Statement]:
    """Every statement of ``text``; raises ``Unanalysable`` for an unterminated string,
    identifier, dollar quote or comment (PostgreSQL rejects those too). MySQL and SQLite have
    lexical rules of their own (backslash escapes, backquoted names, ``#`` comments)."""
    special = {"mysql": _SPECIAL_MYSQL, "sqlite": _SPECIAL_SQLITE}.get(dialect, _SPECIAL)
    ends = _ENDS_MYSQL if dialect == "mysql" else _ENDS
    out: list[Statement] = []
    lines = _Lines(text)
    pos, start, size = 0, -1, len(text)
    while pos < size:
        match = special.search(text, pos)
        end_of_plain = match.start() if match else size
        if start < 0:
            first = _NONSPACE.search(text, pos, end_of_plain)
            if first:
                start = first.start()
        if match is None:
            break
        mark = match.group()
        if mark == ";":
            if start >= 0:
                out.append(Statement(lines.at(start), text[start : match.start()].strip()))
                if len(out) > MAX_STATEMENTS:
                    raise Unanalysable(f"more than {MAX_STATEMENTS:,} SQL statements")
            start, pos = -1, match.end()
        elif mark in {"--", "#"}:
            newline = text.find("\n", match.end())
            pos = size if newline < 0 else newline + 1
        elif mark == "/*":
            pos = _block_comment_end(text, match.start(), lines)
        else:
            at = match.start()
            if mark[0] in "eE$" and at and _WORD.match(text, at - 1):
                if mark[0] == "$":  # part of an identifier (a$b) or a parameter ($1)
                    pos = at + 1
                    continue
                at, mark = at + 1, "'"  # an identifier ending in e, then a plain string
            if start < 0:
                start = match.start()
            pos = _quoted_end(text, at, mark, lines, ends)
    if start >= 0 and text[start:].strip():
        out.append(Statement(lines.at(start), text[start:].strip()))
    return out


def _quoted_end(
    text: str, at: int, mark: str, lines: _Lines, ends: dict[str, re.Pattern[str]]
) -> int:
    if mark.startswith("$"):
        close = text.find(mark, at + len(mark))
        if close < 0:
            raise Unanalysable("unterminated dollar-quoted string", lines.peek(at))
        return close + len(mark)
    pattern = ends["e" if mark[0] in "eE" else mark]
    found = pattern.match(text, at)
    if found is None:
        what = "quoted identifier" if mark in {'"', "`"} else "quoted string"
        raise Unanalysable(f"unterminated {what}", lines.peek(at))
    return found.end()


def _block_comment_end(text: str, at: int, lines: _Lines) -> int:
    depth, pos = 0, at
    for found in _COMMENT_MARK.finditer(text, at):
        depth += 1 if found.group() == "/*" else -1
        pos = found.end()
        if depth == 0:
            return pos
    raise Unanalysable("unterminated /* comment", lines.peek(at))


class _Lines:
    """Line numbers of increasing offsets, each newline counted once (counting from the start
    of the file for every statement made the analysis quadratic)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._offset = 0
        self._line = 1

    def at(self, offset: int) -> int:
        self._line += self._text.count("\n", self._offset, offset)
        self._offset = offset
        return self._line

    def peek(self, offset: int) -> int:
        return self._line + self._text.count("\n", self._offset, offset)


def normal(sql: str) -> str:
    """A statement's text with case and spacing ignored, to match it against the old version."""
    return " ".join(sql.split()).lower()
