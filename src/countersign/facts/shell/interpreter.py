"""Interpreter one-liners (``python -c``, ``node -e``, ``ruby -e``, ``perl -e``): the code they run,
the delete APIs it calls, and the shell commands it hands to ``system``/``subprocess``."""

from __future__ import annotations

import re

from countersign.facts.shell.code_text import readable
from countersign.facts.shell.invocation import Invocation
from countersign.lazy_pattern import lazy

_CODE_FLAGS = {
    "python": ("-c",),
    "node": ("-e", "--eval", "-p", "--print"),
    "deno": ("eval",),
    "bun": ("-e", "--eval"),
    "ruby": ("-e",),
    "perl": ("-e", "-E"),
    "php": ("-r",),
    "osascript": ("-e",),
    "lua": ("-e",),
    "luajit": ("-e",),
    "tclsh": (),
    "awk": ("-e", "--source"),
    "gawk": ("-e", "--source"),
    "mawk": (),
    "nawk": (),
}
_AWK = {"awk", "gawk", "mawk", "nawk"}
_AWK_WITH_VALUE = {"-F", "-v", "-f", "--field-separator", "--assign", "--file", "-i", "--include"}
# ``python -m MODULE``: the command line a module stands for.
MODULE_PROGRAMS = {
    "awscli": "aws",
    "azure.cli": "az",
    "countersign": "countersign",
    "countersign.__main__": "countersign",
    "countersign.main": "countersign",
    "countersign.cli": "countersign",
}
# Delete APIs, by the name of the call. Names that only delete (``rmSync``, ``rmtree``,
# ``rm_rf``...) count whatever object they are called on (``require("fs").rmSync``, a destructured
# ``rmSync``); names that are common words elsewhere (``rm``, ``remove``, ``delete``) count only on
# the module that deletes files (``fs.rm``, ``os.remove``, ``File.delete``).
_DELETE_CALLS = lazy(
    r"(?<![\w$])("
    r"(?:[\w$]+\.)*(?:rmSync|rmdirSync|unlinkSync|rmtree|rm_rf|rm_r|remove_dir|remove_entry"
    r"(?:_secure)?|removedirs|remove_tree|removeSync|emptyDirSync|rimraf(?:\.sync)?)"
    r"|(?:(?:fs|fsp|fse|promises|\))\.)(?:rm|rmdir|unlink|remove|emptyDir)"
    r"|os\.(?:remove|unlink|rmdir)|FileUtils\.(?:rm|rm_f|remove|remove_file)"
    r"|(?:File|Dir|FileUtils)\.(?:delete|unlink|rmdir)|\.(?:unlink|rmdir)(?=\s*\()"
    r"|unlink|rmdir"
    # a call: parentheses, or (Perl, Ruby) an argument after a space
    r")(?![\w$])(?:\s*\(|[ \t]+(?=[\w'\"$@]))\s*([^)\n]{0,200})",
)
_SHELL_CALLS = lazy(
    r"(os\.system|os\.popen|os\.execute|subprocess\.\w+|check_output|check_call|execSync|exec|spawnSync|spawn|"
    r"execFileSync|system|popen|Popen|IO\.popen|Open3\.\w+|qx|shell_exec|passthru)\s*\(?\s*",
)
_LITERAL = lazy(r"""'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|`([^`]*)`""")
_LIST = lazy(r"\[\s*((?:(?:'[^']*'|\"[^\"]*\")\s*,?\s*)+)\]")


def language(name: str) -> str | None:
    base = re.sub(r"[\d.]+$", "", name)
    return base if base in _CODE_FLAGS else None


def code_of(inv: Invocation) -> str | None:
    """The program text an interpreter runs from its arguments or stdin, if any: ``-c CODE``,
    ``-cCODE``, ``--eval=CODE`` and short flags run together (``python3 -Sc``, ``node -pe``,
    ``perl -lne``) whose last letter takes the code."""
    lang = language(inv.name)
    if lang is None:
        return None
    if lang in _AWK:
        return _awk_program(inv.args)
    flags = _CODE_FLAGS[lang]
    letters = {f[1] for f in flags if len(f) == 2 and f[0] == "-"}
    args = inv.args
    for i, arg in enumerate(args):
        if lang == "python" and (
            arg == "-m" or (not arg.startswith("-") and args[i - 1 : i] not in (("-W",), ("-X",)))
        ):
            break  # the arguments of a module or script, not the interpreter's
        following = args[i + 1] if i + 1 < len(args) else None
        if arg in flags and following is not None:
            return following
        if arg.startswith("--") and "=" in arg and arg.split("=", 1)[0] in flags:
            return arg.split("=", 1)[1]
        if not arg.startswith("-") or arg.startswith("--") or len(arg) < 3:
            continue
        if lang == "python" and arg.startswith("-c"):
            return arg[2:]
        if arg[-1] in letters and arg[1:].isalpha() and following is not None:
            return following
    if inv.stdin is not None and (not args or args[-1:] == ("-",)):
        return inv.stdin
    return None


def _awk_program(args: tuple[str, ...]) -> str | None:
    """awk's program: ``-e``/``--source`` text, else the first operand (not with ``-f``)."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-e", "--source") and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--source="):
            return arg.partition("=")[2]
        if arg in ("-f", "--file") or arg.startswith("--file="):
            return None
        if arg == "--":
            return args[i + 1] if i + 1 < len(args) else None
        if arg.startswith("-") and len(arg) > 1:
            i += 2 if arg in _AWK_WITH_VALUE else 1
            continue
        return arg
    return None


def module_program(inv: Invocation) -> tuple[str, ...] | None:
    """``python3 -m awscli s3 rb …`` is ``aws s3 rb …``: the command a module is a front end of."""
    if language(inv.name) != "python":
        return None
    args = inv.args
    for i, arg in enumerate(args):
        if arg == "-m" and i + 1 < len(args):
            program = MODULE_PROGRAMS.get(args[i + 1])
            return (program, *args[i + 2 :]) if program else None
        if arg.startswith("-m") and len(arg) > 2:
            program = MODULE_PROGRAMS.get(arg[2:])
            return (program, *args[i + 1 :]) if program else None
        if not arg.startswith("-"):
            return None
    return None


def delete_calls(code: str) -> list[tuple[str, str]]:
    """(API, first literal argument or "") for every delete call in the code."""
    out: list[tuple[str, str]] = []
    for match in _DELETE_CALLS.finditer(readable(code)):
        literal = _LITERAL.search(match.group(2) or "")
        target = next((g for g in literal.groups() if g is not None), "") if literal else ""
        out.append((match.group(1).removeprefix(")."), target))
    return out


def shell_strings(code: str) -> list[str]:
    """Shell commands the code hands to the system: string literals (or argument lists) that
    follow a call of ``system``, ``subprocess.*``, ``execSync``, backticks..."""
    out: list[str] = []
    text = readable(code)
    for match in _SHELL_CALLS.finditer(text):
        rest = text[match.end() : match.end() + 2000]
        listed = _LIST.match(rest)
        if listed:
            words = [w[1:-1] for w in re.findall(r"'[^']*'|\"[^\"]*\"", listed.group(1))]
            out.append(" ".join(_quote(w) for w in words))
            continue
        prefix = _STRING_PREFIX.match(rest)
        literal = _LITERAL.match(rest, prefix.end() if prefix else 0)
        after = rest[literal.end() :].lstrip() if literal else ""
        if literal and (not after or after[0] in ",);]" or after.startswith(("%", ".format("))):
            body = next(g for g in literal.groups() if g is not None)
            out.append(_with_unknowns(body, after, prefix is not None))
            continue
        built = _built(rest)
        if built:
            out.append(built)
    out.extend(m.group(1) for m in re.finditer(r"`([^`]{1,2000})`", text))
    out.extend(next(g for g in m.groups() if g is not None) for m in _QUOTED_COMMAND.finditer(text))
    out.extend(m.group(1) for m in _AWK_PIPE.finditer(text))
    return out


_STRING_PREFIX = lazy(r"[fFrRbBuU]{1,2}(?=['\"])")
_QUOTED_COMMAND = lazy(
    r"(?:%x|\bqx)\s?(?:\((?P<p>[^)]{1,2000})\)|\{(?P<b>[^}]{1,2000})\}|\[(?P<s>[^\]]{1,2000})\]"
    r"|/(?P<l>[^/]{1,2000})/|\|(?P<v>[^|]{1,2000})\|)"
)
# awk: ``print "rm -rf /" | "sh"`` hands what it prints to a shell.
_AWK_PIPE = lazy(
    r"print\s*\(?\s*\"((?:[^\"\\]|\\.)*)\"\s*\)?\s*\|\s*\"(?:/bin/)?(?:ba|da|z|k)?sh\""
)
_PLACEHOLDER = lazy(r"\{[^{}]*\}|%[sdr]")


def _built(rest: str) -> str:
    """A command built from an expression (``''.join(…) + ' -rf /'``): its literals, with each
    part between them only known at run time (``"$X" -rf /``). "" when it holds no literal."""
    depth, end, quote = 1, 0, ""
    for end, char in enumerate(rest[:2000]):  # noqa: B007 - the end of the argument is wanted
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                break
    argument = rest[:end]
    pieces = [m for m in _LITERAL.finditer(argument) if m.group(1) is not None or m.group(2)]
    if not pieces:
        return ""
    out, last = [], 0
    for piece in pieces:
        if argument[last : piece.start()].strip(" +.,"):
            out.append('"$X"')
        out.append(next(g for g in piece.groups() if g is not None))
        last = piece.end()
    if argument[last:].strip(" +.,"):
        out.append('"$X"')
    return "".join(out)


def _with_unknowns(body: str, after: str, formatted: bool) -> str:
    """A command literal with the holes of an f-string, ``%s`` or ``.format`` marked as only
    known at run time (``"$X"``)."""
    if formatted or after.startswith(("%", ".format(")):
        body = _PLACEHOLDER.sub('"$X"', body)
    return body


def _quote(word: str) -> str:
    import shlex

    return shlex.quote(word)
