"""Read a shell command the way bash would (tree-sitter-bash), into ``Invocation`` records:
pipelines, lists, subshells, substitutions, redirections, heredocs, quoting and variables that
were assigned earlier in the same command. Nothing is executed."""

from __future__ import annotations

import os
import posixpath
import re
import sys

from countersign.facts.shell.definitions import define
from countersign.facts.shell.invocation import Invocation
from countersign.facts.shell.nodes import (
    TABS,
    Redirects,
    all_positional,
    ansi_c,
    continuation,
    join,
    positional_value,
)
from countersign.facts.shell.producers import output_of
from countersign.facts.shell.splice import splice
from countersign.lazy_pattern import lazy
from countersign.records import field, record, replace

TYPE_CHECKING = False  # typing and tree_sitter's package stay off the guard's full path
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    import tree_sitter


MAX_NODES = 60_000
MAX_DEPTH = 120

_PARSER: tree_sitter.Parser | None = None


def _binding(package: str) -> Any:
    """``PACKAGE._binding``, the compiled extension, loaded without running the package's
    ``__init__``: tree-sitter's imports ``typing`` (for one ``Protocol``), tree-sitter-bash's
    ``importlib.resources`` (and through it tempfile, shutil, bz2, lzma, random...) for query
    files the guard never reads; together more than the rest of the full path's imports. The
    import machinery used is the frozen one the interpreter started with (``importlib`` itself
    is not imported). Any other layout falls back to the plain import."""
    import _frozen_importlib as bootstrap
    import _frozen_importlib_external as external

    name = f"{package}._binding"
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    try:
        spec = external.PathFinder.find_spec(package)
        folder = next(iter(spec.submodule_search_locations or ())) if spec else None
        names = os.listdir(folder) if folder else []  # noqa: PTH208 - pathlib stays off the path
        found = sorted(f for f in names if f.startswith("_binding.") and f.endswith(".so"))
        if folder and found:
            path = os.path.join(folder, found[0])  # noqa: PTH118
            loader = external.ExtensionFileLoader(name, path)
            binding = external.spec_from_file_location(name, path, loader=loader)
            if binding is not None:
                module = bootstrap.module_from_spec(binding)
                sys.modules[name] = module  # a later ``import tree_sitter`` uses this one
                loader.exec_module(module)
                return module
    except (ImportError, OSError, AttributeError, StopIteration):
        sys.modules.pop(name, None)
    import importlib

    return importlib.import_module(name)


def _parser() -> tree_sitter.Parser:
    global _PARSER  # noqa: PLW0603 - one parser per process: building it costs more than a parse
    if _PARSER is None:
        binding = _binding("tree_sitter")
        _PARSER = binding.Parser(binding.Language(_binding("tree_sitter_bash").language()))
    return _PARSER


@record
class Script:
    """The invocations of one command string, and whether it could be read completely."""

    invocations: list[Invocation] = field(default_factory=list)
    errors: bool = False
    truncated: bool = False


@record
class _State:
    """What earlier parts of the command line defined: variables, functions, aliases and git
    aliases (a later use runs what they stand for), and the positional parameters of a call.
    ``exported`` is what every later command gets in its environment (``export``, ``declare
    -x``, ``set -a``, and what the command that runs this line passed on); ``environment``
    names the variables already exported when it started, which a plain assignment changes
    for the commands after it; ``texts`` is each variable's value as written, known or not."""

    vars: dict[str, str]
    cwd: str | None
    via: tuple[str, ...]
    depth: int
    read_file: Callable[[str], str | None]
    functions: dict[str, Any] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    git_aliases: dict[str, str] = field(default_factory=dict)
    positional: tuple[str, ...] | None = None
    calls: tuple[str, ...] = ()
    exported: dict[str, str] = field(default_factory=dict)
    environment: frozenset[str] = frozenset()
    texts: dict[str, str] = field(default_factory=dict)
    allexport: bool = False


def _fork(state: _State) -> _State:
    """A subshell's state: what it assigns or exports stays in it."""
    return replace(
        state, vars=dict(state.vars), exported=dict(state.exported), texts=dict(state.texts)
    )


_ESCAPE = lazy(r"\\(.)", re.DOTALL)
_DQ_ESCAPE = lazy(r'\\([\\"$`\n])')


def parse(
    command: str,
    *,
    cwd: str | None = None,
    via: tuple[str, ...] = (),
    depth: int = 0,
    env: dict[str, str] | None = None,
    read_file: Callable[[str], str | None] = lambda _p: None,
    exported: tuple[tuple[str, str], ...] = (),
    environment: frozenset[str] = frozenset(),
) -> Script:
    """``exported`` is the environment the line runs with beyond the process's own (a
    ``bash -c`` gets its caller's); ``environment`` names what the process's own exports."""
    tree = _parser().parse(splice(command).encode("utf-8", "surrogatepass"))
    root = tree.root_node
    script = Script(errors=root.has_error)
    if root.descendant_count > MAX_NODES:
        script.truncated = True
        return script
    state = _State(dict(env or {}), cwd, via, depth, read_file)
    state.exported, state.environment = dict(exported), environment
    walker = _Walker(script)
    walker.statement(root, state, 0)
    for name, (body, defined) in list(walker.defined.items()):
        if name not in walker.called:  # defined for later: judged as if called
            walker.statement(body, defined, 1)
    return script


class _Walker:
    def __init__(self, script: Script) -> None:
        self.script = script
        self.defined: dict[str, tuple[Any, _State]] = {}
        self.called: set[str] = set()

    def statement(
        self, node: Any, state: _State, level: int, redirects: Redirects | None = None
    ) -> list[Invocation]:
        """Walk one statement; return the invocations it produced, in order."""
        if level > MAX_DEPTH:
            self.script.truncated = True
            return []
        kind = node.type
        if kind == "command":
            return self.command(node, state, level, redirects)
        if kind == "redirected_statement":
            return self.redirected(node, state, level, redirects)
        if kind == "pipeline":
            stages = [c for c in node.named_children if c.type != "comment"]
            return self.stages(stages, state, level, redirects, [])
        if kind == "function_definition":
            name, body = node.child_by_field_name("name"), node.child_by_field_name("body")
            if name is not None and body is not None:
                key = name.text.decode("utf-8", "replace")
                state.functions[key] = body
                self.defined[key] = (body, _fork(state))
            return []
        if kind == "variable_assignment":
            self.assign(node, state, level)
            return []
        if kind == "declaration_command":
            self.declare(node, state, level)
            return []
        if kind == "unset_command":
            self.unset(node, state)
            return []
        if kind in ("subshell", "command_substitution", "process_substitution"):
            inner = _fork(state)
            return self.children(node, inner, level, redirects)
        if kind == "ERROR":
            self.script.errors = True
        if kind in ("word", "string", "raw_string", "number", "comment", "heredoc_body"):
            return []
        return self.children(node, state, level, redirects)

    def children(
        self, node: Any, state: _State, level: int, redirects: Redirects | None
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
                output_of(last) if known and last is not None and not last.writes else None
            )
        if not outputs or None in outputs:
            return None
        return "".join(o or "" for o in outputs)

    def assign(self, node: Any, state: _State, level: int) -> str:
        """Assign one variable; its name. A variable already exported (or any, after ``set
        -a``) is in the environment of the commands after it with its new value."""
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name is None:
            return ""
        key: str = name.text.decode("utf-8", "replace")
        text, exact = self.word(value, state, level) if value is not None else ("", True)
        state.texts[key] = text
        if exact:
            state.vars[key] = text
        else:
            state.vars.pop(key, None)
        if state.allexport or key in state.exported or key in state.environment:
            state.exported[key] = text
        return key

    def declare(self, node: Any, state: _State, level: int) -> None:
        """``export``, ``declare``/``typeset``/``local`` with ``-x`` or ``+x``, ``readonly``:
        assign, and export or unexport the names (``export -n``); ``-f`` names functions."""
        keyword = node.children[0].type if node.children else ""
        flags = [
            c.text.decode("utf-8", "replace")
            for c in node.named_children
            if c.type == "word" and c.text[:1] in (b"-", b"+")
        ]
        if any("f" in f for f in flags):
            return
        dashed = [f[1:] for f in flags if f.startswith("-")]
        plus = [f[1:] for f in flags if f.startswith("+")]
        unexport = any("x" in f for f in plus) or (keyword == "export" and "n" in "".join(dashed))
        export = not unexport and (keyword == "export" or any("x" in f for f in dashed))
        for child in node.named_children:
            if child.type == "variable_assignment":
                key = self.assign(child, state, level)
            elif child.type in ("variable_name", "word") and child.text[:1] not in (b"-", b"+"):
                key = child.text.decode("utf-8", "replace")
            else:
                continue
            if unexport:
                state.exported.pop(key, None)
            elif export and key in state.texts:
                state.exported[key] = state.texts[key]

    def unset(self, node: Any, state: _State) -> None:
        words = [c.text.decode("utf-8", "replace") for c in node.named_children]
        if any(w.startswith("-") and "f" in w for w in words):
            return
        for key in words:
            if not key.startswith("-"):
                for known in (state.vars, state.exported, state.texts):
                    known.pop(key, None)

    def set_options(self, argv: list[str], state: _State) -> None:
        """``set -a`` / ``set -o allexport`` (and ``+``): every later assignment is exported."""
        for i, arg in enumerate(argv[1:], 1):
            if arg == "--" or not arg.startswith(("-", "+")) or len(arg) < 2:
                return
            on = arg[0] == "-"
            if arg[1:] == "o":
                if argv[i + 1 : i + 2] == ["allexport"]:
                    state.allexport = on
            elif "a" in arg[1:]:
                state.allexport = on

    def redirected(
        self, node: Any, state: _State, level: int, redirects: Redirects | None
    ) -> list[Invocation]:
        found = Redirects()
        body = node.child_by_field_name("body")
        for child in node.children:
            if child is not body:
                self.redirect(child, state, level, found)
        found.merge(redirects)
        produced = self.statement(body, state, level + 1, found) if body is not None else []
        # ``cat <<EOF | sh``: tree-sitter hangs the rest of the pipeline (and what follows it)
        # under the heredoc; it still reads the output of the redirected command.
        for stages, rest in found.continuations:
            produced = [*produced, *self.stages(stages, state, level, None, produced)]
            for statement in rest:
                produced = [*produced, *self.statement(statement, state, level + 1)]
        return produced

    def stages(
        self,
        stages: list[Any],
        state: _State,
        level: int,
        redirects: Redirects | None,
        previous: list[Invocation],
    ) -> list[Invocation]:
        """Pipeline stages, each fed the output of the one before (``previous`` feeds the first
        when the pipeline continues a command)."""
        out: list[Invocation] = []
        first = not previous
        for index, stage in enumerate(stages):
            piped = Redirects()
            if index or not first:
                known = output_of(previous[-1]) if previous else None
                if known is not None:
                    piped.stdin = known
                    if previous[-1].name not in ("echo", "printf", "cat"):
                        piped.stdin_from = previous[-1].name
                else:
                    piped.stdin_from = previous[-1].name if previous else "a pipe"
            if redirects is not None and (index == len(stages) - 1 or index == 0):
                piped.merge(redirects)
                if index == len(stages) - 1:
                    piped.args, piped.args_exact = redirects.args, redirects.args_exact
            previous = self.statement(stage, state, level + 1, piped)
            out.extend(previous)
        return out

    def command(
        self, node: Any, state: _State, level: int, redirects: Redirects | None
    ) -> list[Invocation]:
        env: list[tuple[str, str]] = []
        argv: list[str] = []
        exact = True
        own = Redirects()
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
        # ``rm -rf 2>/dev/null /``: words after a redirection are still arguments
        for extra in (own, redirects):
            if extra is not None:
                argv.extend(extra.args)
                exact = exact and extra.args_exact
        nested = self.script.invocations[before:]
        if not argv:
            return nested
        defined = self.defined_use(node, argv, exact, state, level, own)
        if defined is not None:
            return [*nested, *defined]
        argv = define(argv, exact, state.aliases, state.git_aliases)
        if argv[0] == "set" and exact:
            self.set_options(argv, state)
        inv = Invocation(
            argv=tuple(argv),
            exact=exact,
            env=(*state.exported.items(), *env),
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

    def defined_use(
        self,
        node: Any,
        argv: list[str],
        exact: bool,
        state: _State,
        level: int,
        own: Redirects,
    ) -> list[Invocation] | None:
        """A call of a function or an alias defined earlier in the line: what it runs."""
        name = argv[0]
        if name in state.calls:
            return None  # recursion: the call is judged as the command it names
        if name in state.functions:
            self.called.add(name)
            call = replace(
                state,
                positional=tuple(argv[1:]) if exact else None,
                via=(*state.via, f"function {name}"),
                calls=(*state.calls, name),
            )
            return self.statement(state.functions[name], call, level + 1, own)
        if name in state.aliases:
            head = node.child_by_field_name("name")
            rest = node.text[head.end_byte - node.start_byte :] if head is not None else b""
            text = state.aliases[name] + " " + rest.decode("utf-8", "replace")
            inner = parse(
                text,
                cwd=state.cwd,
                via=(*state.via, f"alias {name}"),
                depth=state.depth,
                env=state.vars,
                read_file=state.read_file,
                exported=tuple(state.exported.items()),
                environment=state.environment,
            )
            self.script.errors = self.script.errors or inner.errors
            self.script.truncated = self.script.truncated or inner.truncated
            self.script.invocations.extend(inner.invocations)
            return inner.invocations
        return None

    def redirect(self, node: Any, state: _State, level: int, found: Redirects) -> None:
        kind = node.type
        if kind == "heredoc_redirect":
            strip = any(c.type == "<<-" for c in node.children if not c.is_named)
            for child in node.named_children:
                if child.type == "heredoc_body":
                    body = child.text.decode("utf-8", "replace")
                    found.stdin = TABS.sub("", body) if strip else body
                elif child.type in ("file_redirect", "herestring_redirect"):
                    self.redirect(child, state, level, found)
                elif child.type not in ("heredoc_start", "heredoc_end", "comment"):
                    found.continuations.append(continuation(child))
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
            content = state.read_file(join(state.cwd, text))
            if content is not None:
                found.stdin = content
            else:
                found.stdin_from = text
        else:
            found.writes.append(text)
        for child in node.named_children:
            if child.start_byte > dest.start_byte and child.type != "comment":
                words, ok = self.words(child, state, level)
                found.args.extend(words)
                found.args_exact = found.args_exact and ok

    def words(self, node: Any, state: _State, level: int) -> tuple[list[str], bool]:
        """One argument node as words: an unquoted variable holding ``rm -rf`` splits in two."""
        if state.positional is not None and all_positional(node):
            return list(state.positional), True  # ``"$@"``
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
            return ansi_c(raw[2:-1]), True
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
            names = [
                c
                for c in node.named_children
                if c.type in ("variable_name", "special_variable_name")
            ]
            if len(names) == 1 and len(node.named_children) == 1:
                name = names[0].text.decode("utf-8", "replace")
                if name in state.vars:
                    return state.vars[name], True
                known = positional_value(name, state.positional)
                if known is not None:
                    return known, True
            for child in node.named_children:
                if child.type == "command_substitution":
                    self.word(child, state, level + 1)
            return raw, False
        if kind == "command_substitution":
            output = self.substitution(node, _fork(state), level + 1)
            return (output.rstrip("\n"), True) if output is not None else (raw, False)
        if kind == "process_substitution":
            self.children(node, _fork(state), level + 1, None)
            return raw, False
        return raw, False
