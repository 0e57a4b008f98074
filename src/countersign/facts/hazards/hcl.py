"""A linear reader of HCL (Terraform's ``.tf``) for the hazards: blocks, attributes and literal
values, in the shape python-hcl2 gives with ``strip_string_quotes`` and no explicit blocks
(blocks as lists of bodies, labelled blocks nested by label, any non-literal expression as its
text in ``${…}``). The lark grammar read 30 to 70 KB a second; one regex match per token and
a recursive-descent pass over the tokens read the same files some hundred times faster, and
in time that grows with the file (``benchmarks/hazards_scaling.py``).

Only what the analyzers read is interpreted: strings, numbers, booleans, null, lists and
objects of them. Everything else an expression can be (references, calls, operators, ``for``,
conditionals) is kept as text. Nesting is checked before this runs (``parsing.check_nesting``),
so recursion is bounded; anything that is not HCL is ``Unanalysable`` with its line.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

from countersign.facts.hazards.documents import Unanalysable

# One match per token, the blanks before it included.
_TOKEN = re.compile(
    r"""
    [ \t\r\f]*(?:
      (?P<skip>\\\n|/\*.*?\*/|(?:\#|//)[^\n]*)
    | (?P<open_comment>/\*)
    | (?P<nl>\n)
    | (?P<heredoc><<-?(?P<marker>[A-Za-z_][\w-]*)[ \t]*\n)
    | (?P<string>"(?:[^"\\$%\n]++|\\.|\$\$\{|%%\{|\$(?!\{)|%(?!\{))*+")
    | (?P<quote>")
    | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    | (?P<ident>[A-Za-z_][\w-]*)
    | (?P<op>==|!=|<=|>=|&&|\|\||=>|\.\.\.|[{}\[\]()=,:.?!*/%+\-<>])
    | (?P<end>\Z)
    )
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
_OPEN = {"{": "}", "[": "]", "(": ")"}
_CLOSE = frozenset("}])")
EOF = ("eof", "", 0, 0)
Token = tuple[str, Any, int, int]  # (kind, value, start, end)


def loads(text: str) -> dict[str, Any]:
    """The top-level body of ``text``; ``Unanalysable`` when it is not HCL."""
    return _Reader(text, _tokens(text)).body(None)


def _tokens(text: str) -> list[Token]:
    out: list[Token] = []
    append = out.append
    pos, end = 0, len(text)
    match = _TOKEN.match
    while pos < end:
        m = match(text, pos)
        if m is None:
            pos += len(text[pos:]) - len(text[pos:].lstrip(" \t\r\f"))
            raise _error(text, pos, f"unexpected character {text[pos]!r}")
        kind = m.lastgroup or ""
        stop = m.end()
        if kind in ("ident", "op", "nl"):
            append((kind, m.group(kind), m.start(kind), stop))
        elif kind == "string":
            start = m.start(kind)
            append(("string", _unescape(text[start + 1 : stop - 1]), start, stop))
        elif kind == "number":
            value = m.group(kind)
            number = float(value) if "." in value or "e" in value.lower() else int(value)
            append(("number", number, m.start(kind), stop))
        elif kind == "quote":
            start = m.start(kind)
            stop = _template_end(text, start + 1)
            append(("template", text[start + 1 : stop - 1], start, stop))
        elif kind == "heredoc":
            stop, value = _heredoc(text, m)
            append(("string", value, m.start(kind), stop))
        elif kind == "open_comment":
            raise _error(text, m.start(kind), "a /* comment is never closed")
        pos = stop
    out.append(EOF)
    return out


def _unescape(raw: str) -> str:
    if "\\" not in raw and "$${" not in raw and "%%{" not in raw:
        return raw
    raw = raw.replace("$${", "${").replace("%%{", "%{")
    return _ESCAPE.sub(_escape, raw)


def _escape(m: re.Match[str]) -> str:
    code = m.group(1)
    if code[0] in "uU" and len(code) > 1:
        return chr(int(code[1:], 16))
    return _ESCAPES.get(code, code)


def _template_end(text: str, pos: int) -> int:
    """The end of a quoted template holding ``${…}`` or ``%{…}`` (which may hold strings of
    their own), just past its closing quote."""
    depth = 0
    end = len(text)
    while pos < end:
        char = text[pos]
        if char == "\\":
            pos += 2
            continue
        if depth == 0:
            if char == '"':
                return pos + 1
            if char == "\n":
                break
            if (
                char in "$%"
                and text.startswith("{", pos + 1)
                and not text.startswith(char, pos - 1)
            ):
                depth, pos = 1, pos + 2
                continue
        elif char == '"':
            pos = _template_end(text, pos + 1)
            continue
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        pos += 1
    raise _error(text, pos, "unterminated string")


def _heredoc(text: str, m: re.Match[str]) -> tuple[int, str]:
    marker = m.group("marker")
    start = m.end()
    closing = re.compile(rf"^[ \t]*{re.escape(marker)}[ \t]*$", re.MULTILINE)
    found = closing.search(text, start)
    if found is None:
        raise _error(text, m.start(), f"heredoc <<{marker} is never closed")
    value = text[start : found.start()]
    # ``<<-`` strips the indentation the lines share (HCL's flush heredoc)
    return found.end(), textwrap.dedent(value) if m.group("heredoc").startswith("<<-") else value


def _error(text: str, pos: int, problem: str) -> Unanalysable:
    line = text.count("\n", 0, pos) + 1
    return Unanalysable(f"does not parse as HCL ({problem} at line {line})", line)


class _Reader:
    """Recursive descent over the tokens: bodies, blocks, attributes, values."""

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.i = 0

    def peek(self) -> Token:
        return self.tokens[self.i]  # the list ends with EOF, which nothing consumes

    def next(self) -> Token:
        token = self.tokens[self.i]
        if token is not EOF:
            self.i += 1
        return token

    def fail(self, token: Token, problem: str) -> Unanalysable:
        return _error(self.text, token[2] if token is not EOF else len(self.text), problem)

    def skip_newlines(self) -> Token:
        tokens = self.tokens
        while (token := tokens[self.i])[0] == "nl":
            self.i += 1
        return token

    def body(self, closing: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        while True:
            token = self.skip_newlines()
            if token is EOF:
                if closing is not None:
                    raise self.fail(token, f"a block is never closed with {closing!r}")
                return out
            if token[1] == closing and token[0] == "op":
                self.i += 1
                return out
            if token[0] != "ident":
                raise self.fail(token, f"expected an attribute or a block, got {token[1]!r}")
            self.i += 1
            after = self.peek()
            if after[0] == "op" and after[1] == "=":
                self.i += 1
                out[token[1]] = self.value(("nl", "}"))
                continue
            self.block(token[1], out)

    def block(self, kind: str, out: dict[str, Any]) -> None:
        labels: list[str] = []
        while (token := self.next())[0] in ("string", "ident", "template"):
            labels.append(str(token[1]))
        if token[1] != "{":
            raise self.fail(token, f"expected '{{' to open the {kind} block")
        content: dict[str, Any] = self.body("}")
        for label in reversed(labels):
            content = {label: content}
        out.setdefault(kind, [])
        if not isinstance(out[kind], list):
            out[kind] = []
        out[kind].append(content)

    def value(self, stops: tuple[str, ...]) -> Any:
        """One expression, up to a token in ``stops`` (``nl`` for a newline) at its own depth,
        which is left for the caller: its literal value, else its text as ``${…}``."""
        start = self.i
        token = self.peek()
        literal, known = self.literal(token)
        if known and self.ends(stops):
            return literal
        self.i = start
        self.skip_expression(stops)
        first = self.tokens[start][2] if start < len(self.tokens) else len(self.text)
        last = self.tokens[self.i - 1][3] if self.i > start else first
        if self.i == start:
            raise self.fail(self.peek(), "expected a value")
        return "${" + self.text[first:last].strip() + "}"

    def ends(self, stops: tuple[str, ...]) -> bool:
        token = self.peek()
        return (
            token is EOF
            or (token[0] == "nl" and "nl" in stops)
            or (token[0] == "op" and token[1] in stops)
        )

    def literal(self, token: Token) -> tuple[Any, bool]:
        kind, text = token[0], token[1]
        if kind in ("string", "number"):
            self.i += 1
            return text, True
        if kind == "template":
            self.i += 1
            return text, True
        if kind == "op" and text == "-":
            after = self.tokens[self.i + 1]
            if after[0] == "number" and isinstance(after[1], int | float):
                self.i += 2
                return -after[1], True
        if kind == "ident":
            self.i += 1
            # a bare name (``type = string``, ``ignore_changes = [tags]``) reads as itself, as
            # the grammar gives it; followed by anything (``var.x``) it is an expression
            return {"true": True, "false": False, "null": None}.get(text, text), True
        if kind == "op" and text == "[":
            return self.list_literal()
        if kind == "op" and text == "{":
            return self.object_literal()
        return None, False

    def list_literal(self) -> tuple[Any, bool]:
        self.i += 1
        items: list[Any] = []
        while True:
            token = self.skip_newlines()
            if token[0] == "op" and token[1] == "]":
                self.i += 1
                return items, True
            if token is EOF:
                raise self.fail(token, "a list is never closed with ']'")
            if token[0] == "ident" and token[1] == "for":
                return None, False
            items.append(self.value((",", "]", "nl")))
            token = self.skip_newlines()
            if token[0] == "op" and token[1] == ",":
                self.i += 1
            elif not (token[0] == "op" and token[1] == "]"):
                return None, False

    def object_literal(self) -> tuple[Any, bool]:
        self.i += 1
        out: dict[str, Any] = {}
        while True:
            token = self.skip_newlines()
            if token[0] == "op" and token[1] == "}":
                self.i += 1
                return out, True
            if token is EOF:
                raise self.fail(token, "an object is never closed with '}'")
            if token[0] == "ident" and token[1] == "for":
                return None, False
            if token[0] not in ("ident", "string", "template"):
                return None, False
            self.i += 1
            sep = self.next()
            if not (sep[0] == "op" and sep[1] in ("=", ":")):
                return None, False
            out[str(token[1])] = self.value((",", "}", "nl"))
            token = self.peek()
            if token[0] == "op" and token[1] == ",":
                self.i += 1

    def skip_expression(self, stops: tuple[str, ...]) -> None:
        """Past one expression of any shape: brackets balanced, newlines inside them ignored."""
        depth: list[str] = []
        while True:
            token = self.peek()
            if token is EOF:
                if depth:
                    raise self.fail(token, f"{depth[-1]!r} is never closed")
                return
            kind, text = token[0], token[1]
            if not depth:
                if kind == "nl" and "nl" in stops:
                    return
                if kind == "op" and text in stops:
                    return
            if kind == "op" and text in _OPEN:
                depth.append(_OPEN[text])
            elif kind == "op" and text in _CLOSE:
                if not depth or depth[-1] != text:
                    raise self.fail(token, f"unexpected {text!r}")
                depth.pop()
            self.i += 1
