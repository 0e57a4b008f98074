"""Read a shell command the way bash would (tree-sitter-bash), into ``Invocation`` records:
pipelines, lists, subshells, substitutions, redirections, heredocs, quoting and variables that
were assigned earlier in the same command. Nothing is executed."""

from __future__ import annotations

import codecs
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import tree_sitter
import tree_sitter_bash

from countersign.facts.shell.invocation import Invocation

MAX_NODES = 60_000
MAX_DEPTH = 120

_PARSER: tree_sitter.Parser | None = None


def _parser() -> tree_sitter.Parser:
    global _PARSER  # noqa: PLW0603 - one parser per process: building it costs more than a parse
    if _PARSER is None:
        _PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))
    return _PARSER


@dataclass
class Script:
    """The invocations of one command string, and whether it could be read completely."""

    invocations: list[Invocation] = field(default_factory=list)
    errors: bool = False
    truncated: bool = False


@dataclass
class _State:
    vars: dict[str, str]
    cwd: str | None
    via: tuple[str, ...]
    depth: int
    read_file: Callable[[str], str | None]


_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_DQ_ESCAPE = re.compile(r'\\([\\"$`\n])')
_DECODERS = {"base64", "base32", "xxd", "rev", "cat", "tee", "gunzip", "zcat", "openssl"}


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _parseable(command: str) -> str:
    """tree-sitter-bash 0.25 crashes the process (SIGSEGV) on ``{`` followed by some code points
    above U+FFFF. Bash treats any such character as a word character, as it does U+FFFD, so
    replacing them keeps the structure of the command; no rule matches on them."""
    return _ASTRAL.sub("\ufffd", command)


def parse(
    command: str,
    *,
    cwd: str | None = None,
    via: tuple[str, ...] = (),
    depth: int = 0,
    env: dict[str, str] | None = None,
    read_file: Callable[[str], str | None] = lambda _p: None,
) -> Script:
    tree = _parser().parse(_parseable(command).encode("utf-8", "surrogatepass"))
    root = tree.root_node
    script = Script(errors=root.has_error)
    if root.descendant_count > MAX_NODES:
        script.truncated = True
        return script
    state = _State(dict(env or {}), cwd, via, depth, read_file)
    _Walker(script).statement(root, state, 0)
    return script


class _Walker:
    def __init__(self, script: Script) -> None:
        self.script = script

    def statement(
        self, node: Any, state: _State, level: int, redirects: _Redirects | None = None
    ) -> list[Invocation]:
        """Walk one statement; return the invocations it produced, in order."""
        if level > MAX_DEPTH:
            self.script.truncated = True
            return []
        kind = node.type
        if kind == "command":
            return self.command(node, state, level, redirects)
        if kind == "redirected_statement":
            found = _Redirects()
            body = node.child_by_field_name("body")
            for child in node.children:
                if child is not body:
                    self.redirect(child, state, level, found)
            found.merge(redirects)
            return self.statement(body, state, level + 1, found) if body is not None else []
        if kind == "pipeline":
            return self.pipeline(node, state, level, redirects)
        if kind == "variable_assignment":
            self.assign(node, state, level)
            return []
        if kind in ("declaration_command", "unset_command"):
            for child in node.named_children:
                if child.type == "variable_assignment":
                    self.assign(child, state, level)
            return []
        if kind in ("subshell", "command_substitution", "process_substitution"):
            inner = replace(state, vars=dict(state.vars))
            return self.children(node, inner, level, redirects)
        if kind == "ERROR":
            self.script.errors = True
        if kind in ("word", "string", "raw_string", "number", "comment", "heredoc_body"):
            return []
        return self.children(node, state, level, redirects)

    def children(
        self, node: Any, state: _State, level: int, redirects: _Redirects | None
    ) -> list[Invocation]:
        out: list[Invocation] = []
        for child in node.named_children:
            out.extend(self.statement(child, state, level + 1, redirects))
        return out

    def substitution(self, node: Any, state: _State, level: int) -> str | None:
        """Walk ``$(…)``; its output when known: each statement's, which for a pipeline is the
        output of its last stage (``$(echo cm0gLXJmIC8= | base64 -d)`` is ``rm -rf /``)."""
        outputs: list[str | None] = []
        for child in node.named_children:
            if child.type == "comment":
                continue
            produced = self.statement(child, state, level + 1, None)
            last = produced[-1] if produced else None
            known = child.type in ("command", "pipeline", "redirected_statement")
            outputs.append(
                _output_of(last) if known and last is not None and not last.writes else None
            )
        if not outputs or None in outputs:
            return None
        return "".join(o or "" for o in outputs)

    def assign(self, node: Any, state: _State, level: int) -> None:
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name is None:
            return
        key = name.text.decode("utf-8", "replace")
        if value is None:
            state.vars[key] = ""
            return
        text, exact = self.word(value, state, level)
        if exact:
            state.vars[key] = text
        else:
            state.vars.pop(key, None)

    def pipeline(
        self, node: Any, state: _State, level: int, redirects: _Redirects | None
    ) -> list[Invocation]:
        out: list[Invocation] = []
        previous: list[Invocation] = []
        stages = [c for c in node.named_children if c.type != "comment"]
        for index, stage in enumerate(stages):
            piped = _Redirects()
            if index:
                known = _output_of(previous[-1]) if previous else None
                if known is not None:
                    piped.stdin = known
                    if previous[-1].name not in ("echo", "printf", "cat"):
                        piped.stdin_from = previous[-1].name
                else:
                    piped.stdin_from = previous[-1].name if previous else "a pipe"
            if redirects is not None and (index == len(stages) - 1 or index == 0):
                piped.merge(redirects)
            previous = self.statement(stage, state, level + 1, piped)
            out.extend(previous)
        return out

    def command(
        self, node: Any, state: _State, level: int, redirects: _Redirects | None
    ) -> list[Invocation]:
        env: list[tuple[str, str]] = []
        argv: list[str] = []
        exact = True
        own = _Redirects()
        before = len(self.script.invocations)
        for child in node.named_children:
            kind = child.type
            if kind == "variable_assignment":
                name = child.child_by_field_name("name")
                value = child.child_by_field_name("value")
                text, ok = self.word(value, state, level) if value is not None else ("", True)
                if name is not None:
                    env.append((name.text.decode("utf-8", "replace"), text))
                exact = exact and ok
            elif kind in ("file_redirect", "herestring_redirect", "heredoc_redirect"):
                self.redirect(child, state, level, own)
            elif kind == "command_name":
                for part in child.named_children:
                    words, ok = self.words(part, state, level)
                    argv.extend(words)
                    exact = exact and ok
            elif kind != "comment":
                words, ok = self.words(child, state, level)
                argv.extend(words)
                exact = exact and ok
        own.merge(redirects)
        nested = self.script.invocations[before:]
        if not argv:
            return nested
        inv = Invocation(
            argv=tuple(argv),
            exact=exact,
            env=tuple(env),
            stdin=own.stdin,
            stdin_from=own.stdin_from,
            reads=tuple(own.reads),
            writes=tuple(own.writes),
            cwd=state.cwd,
            via=state.via,
            depth=state.depth,
        )
        if argv[0] == "cd" and exact:
            target = argv[1] if len(argv) > 1 else "~"
            state.cwd = posixpath.normpath(posixpath.join(state.cwd or ".", target))
        self.script.invocations.append(inv)
        return [*nested, inv]

    def redirect(self, node: Any, state: _State, level: int, found: _Redirects) -> None:
        kind = node.type
        if kind == "heredoc_redirect":
            for child in node.named_children:
                if child.type == "heredoc_body":
                    found.stdin = child.text.decode("utf-8", "replace")
                elif child.type in ("file_redirect", "herestring_redirect"):
                    self.redirect(child, state, level, found)
            return
        if kind == "herestring_redirect":
            for child in node.named_children:
                text, _ = self.word(child, state, level)
                found.stdin = text + "\n"
            return
        if kind != "file_redirect":
            return
        operator = "".join(c.type for c in node.children if not c.is_named)
        dest = node.child_by_field_name("destination")
        if dest is None or dest.type == "number" or operator in (">&", "<&", ">&-", "<&-"):
            return
        text, _ = self.word(dest, state, level)
        if "<" in operator and ">" not in operator:
            found.reads.append(text)
            content = state.read_file(_join(state.cwd, text))
            if content is not None:
                found.stdin = content
            else:
                found.stdin_from = text
        else:
            found.writes.append(text)

    def words(self, node: Any, state: _State, level: int) -> tuple[list[str], bool]:
        """One argument node as words: an unquoted variable holding ``rm -rf`` splits in two."""
        text, exact = self.word(node, state, level)
        if node.type in ("simple_expansion", "expansion", "command_substitution") and exact:
            return text.split(), True
        return [text], exact

    def word(self, node: Any, state: _State, level: int) -> tuple[str, bool]:
        if level > MAX_DEPTH:
            self.script.truncated = True
            return node.text.decode("utf-8", "replace")[:200], False
        kind = node.type
        raw = node.text.decode("utf-8", "replace")
        if kind == "word":
            return _ESCAPE.sub(r"\1", raw), True
        if kind == "raw_string":
            return raw[1:-1], True
        if kind == "ansi_c_string":
            return _ansi_c(raw[2:-1]), True
        if kind == "number":
            return raw, True
        if kind in ("string", "concatenation", "translated_string"):
            parts: list[str] = []
            exact = True
            for child in node.named_children:
                if child.type == "string_content":
                    text = child.text.decode("utf-8", "replace")
                    parts.append(_DQ_ESCAPE.sub(r"\1", text) if kind == "string" else text)
                    continue
                text, ok = self.word(child, state, level + 1)
                parts.append(text)
                exact = exact and ok
            if kind == "concatenation" and not node.named_children:
                return raw, True
            return "".join(parts), exact
        if kind in ("simple_expansion", "expansion"):
            names = [c for c in node.named_children if c.type == "variable_name"]
            if len(names) == 1 and len(node.named_children) == 1:
                name = names[0].text.decode("utf-8", "replace")
                if name in state.vars:
                    return state.vars[name], True
            for child in node.named_children:
                if child.type == "command_substitution":
                    self.word(child, state, level + 1)
            return raw, False
        if kind == "command_substitution":
            output = self.substitution(node, replace(state, vars=dict(state.vars)), level + 1)
            return (output.rstrip("\n"), True) if output is not None else (raw, False)
        if kind == "process_substitution":
            self.children(node, replace(state, vars=dict(state.vars)), level + 1, None)
            return raw, False
        return raw, False


@dataclass
class _Redirects:
    stdin: str | None = None
    stdin_from: str | None = None
    reads: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)

    def merge(self, outer: _Redirects | None) -> None:
        if outer is None:
            return
        if self.stdin is None and self.stdin_from is None:
            self.stdin, self.stdin_from = outer.stdin, outer.stdin_from
        self.reads.extend(outer.reads)
        self.writes.extend(outer.writes)


def _join(cwd: str | None, path: str) -> str:
    return posixpath.normpath(posixpath.join(cwd, path)) if cwd else path


def _ansi_c(body: str) -> str:
    try:
        return codecs.decode(body.encode("latin-1", "backslashreplace"), "unicode_escape")
    except (UnicodeDecodeError, ValueError):
        return body


def _output_of(inv: Invocation) -> str | None:
    """What a simple producer writes to stdout, when it is known without running anything:
    ``echo``/``printf`` of exact words, and decoders (``base64 -d``) of known input."""
    if not inv.exact:
        return None
    name, args = inv.name, list(inv.args)
    if name == "echo":
        while args and args[0] in ("-n", "-e", "-E", "-ne", "-en"):
            args.pop(0)
        return " ".join(args) + "\n"
    if name == "printf":
        if args[:1] == ["--"]:
            args.pop(0)
        if not args:
            return ""
        fmt = args[0].replace("\\n", "\n").replace("\\t", "\t")
        rest = args[1:]
        return fmt.replace("%s", rest[0]) if rest and fmt.count("%s") == 1 else fmt + "".join(rest)
    if name not in _DECODERS:
        return None
    data = inv.stdin
    if name == "cat" and not args:
        return data
    if data is None:
        return None
    return _decode(name, args, data)


def _decode(name: str, args: list[str], data: str) -> str | None:
    import base64
    import binascii

    flags = set(args)
    try:
        if name == "base64" and flags & {"-d", "--decode", "-D", "-di", "-id"}:
            return base64.b64decode("".join(data.split()) + "==", validate=False).decode(
                "utf-8", "replace"
            )
        if name == "base32" and flags & {"-d", "--decode"}:
            text = "".join(data.split())
            return base64.b32decode(text + "=" * (-len(text) % 8)).decode("utf-8", "replace")
        if name == "xxd" and "-r" in flags:
            return binascii.unhexlify("".join(data.split())).decode("utf-8", "replace")
        if name == "rev":
            return "\n".join(line[::-1] for line in data.rstrip("\n").split("\n")) + "\n"
        if name == "openssl" and "base64" in flags and "-d" in flags:
            return base64.b64decode("".join(data.split()) + "==").decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return None
    return None
