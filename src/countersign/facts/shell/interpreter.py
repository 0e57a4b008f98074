"""Interpreter one-liners (``python -c``, ``node -e``, ``ruby -e``, ``perl -e``): the code they run,
the delete APIs it calls, and the shell commands it hands to ``system``/``subprocess``."""

from __future__ import annotations

import re

from countersign.facts.shell.invocation import Invocation

_CODE_FLAGS = {
    "python": ("-c",),
    "node": ("-e", "--eval", "-p", "--print"),
    "deno": ("eval",),
    "bun": ("-e", "--eval"),
    "ruby": ("-e",),
    "perl": ("-e", "-E"),
    "php": ("-r",),
    "osascript": ("-e",),
}
# Delete APIs, by the name of the call. Names that only delete (``rmSync``, ``rmtree``,
# ``rm_rf``...) count whatever object they are called on (``require("fs").rmSync``, a destructured
# ``rmSync``); names that are common words elsewhere (``rm``, ``remove``, ``delete``) count only on
# the module that deletes files (``fs.rm``, ``os.remove``, ``File.delete``).
_DELETE_CALLS = re.compile(
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
_SHELL_CALLS = re.compile(
    r"(os\.system|os\.popen|subprocess\.\w+|check_output|check_call|execSync|exec|spawnSync|spawn|"
    r"execFileSync|system|popen|Popen|IO\.popen|Open3\.\w+|qx|shell_exec|passthru)\s*\(?\s*",
)
_LITERAL = re.compile(r"""'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|`([^`]*)`""")
_LIST = re.compile(r"\[\s*((?:(?:'[^']*'|\"[^\"]*\")\s*,?\s*)+)\]")


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


def delete_calls(code: str) -> list[tuple[str, str]]:
    """(API, first literal argument or "") for every delete call in the code."""
    out: list[tuple[str, str]] = []
    for match in _DELETE_CALLS.finditer(code[:100_000]):
        literal = _LITERAL.search(match.group(2) or "")
        target = next((g for g in literal.groups() if g is not None), "") if literal else ""
        out.append((match.group(1).removeprefix(")."), target))
    return out


def shell_strings(code: str) -> list[str]:
    """Shell commands the code hands to the system: string literals (or argument lists) that
    follow a call of ``system``, ``subprocess.*``, ``execSync``, backticks..."""
    out: list[str] = []
    text = code[:100_000]
    for match in _SHELL_CALLS.finditer(text):
        rest = text[match.end() : match.end() + 2000]
        listed = _LIST.match(rest)
        if listed:
            words = [w[1:-1] for w in re.findall(r"'[^']*'|\"[^\"]*\"", listed.group(1))]
            out.append(" ".join(_quote(w) for w in words))
            continue
        literal = _LITERAL.match(rest)
        if literal:
            out.append(next(g for g in literal.groups() if g is not None))
    out.extend(
        m.group(1) for m in re.finditer(r"`([^`]{1,2000})`", text) if language("ruby") or True
    )
    return out


def _quote(word: str) -> str:
    import shlex

    return shlex.quote(word)
