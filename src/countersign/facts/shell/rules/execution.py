"""Execution that hides what runs: unknown scripts piped into a shell, decoded payloads,
commands whose name is only known at run time, and interpreter one-liners that delete files."""

from __future__ import annotations

import re
from collections.abc import Iterator

from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.finding import Severity, ShellFinding
from countersign.facts.shell.interpreter import code_of, delete_calls, language
from countersign.facts.shell.invocation import Invocation
from countersign.facts.shell.paths import Place, place
from countersign.facts.shell.rule import hit
from countersign.facts.shell.unwrap import SHELLS, script_source
from countersign.lazy_pattern import lazy

DESTRUCTIVE_WORDS = lazy(
    r"\b(rm|rmdir|dd|mkfs|shred|wipefs|truncate|drop|delete|destroy|purge|prune|flush\w*|reset|clean|"
    r"push|kill|terminate|uninstall|remove|unlink|rmtree|erase|format|wipe|scale|drain)\b"
    r"|(?<![\w-])-(?:rf|fr|rF|Rf)\b",
    re.IGNORECASE,
)
DECODERS = ("base64", "base32", "xxd", "openssl", "rev", "gunzip", "zcat")


def piped_shell(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    """A shell or interpreter reading its program from a pipe: unknown content, or a decoded one."""
    if inv.stdin_from is None:
        return
    if inv.name in SHELLS:
        if script_source(inv.args)[0] != "stdin":
            return
    elif language(inv.name) is None or code_of(inv) is not None:
        return
    elif any(not a.startswith("-") for a in inv.args) and inv.args[-1:] != ("-",):
        return  # a script file
    if inv.stdin is None:
        yield hit(
            "exec.pipe-to-shell",
            Severity.MEDIUM,
            f"runs a script piped from {inv.stdin_from} that cannot be read before it runs",
            inv,
        )
    elif inv.stdin_from in DECODERS:
        yield hit(
            "exec.decoded-payload",
            Severity.MEDIUM,
            f"runs a payload decoded by {inv.stdin_from}: hidden from whoever reads the command",
            inv,
        )


def unresolved(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    first = inv.argv[0]
    if not (first.startswith("$") or "$(" in first or "`" in first):
        return
    if inv.opaque:
        runner = inv.via[-1] if inv.via else "the shell"
        yield hit(
            "exec.unseen-code",
            Severity.MEDIUM,
            f"{runner} runs code that cannot be read before it runs: {unseen(first)}",
            inv,
        )
    else:
        destructive = DESTRUCTIVE_WORDS.search(" ".join(inv.argv))
        severity = Severity.MEDIUM if destructive else Severity.LOW
        yield hit(
            "exec.unresolved-command",
            severity,
            f"the program to run ({first}) is only known at run time",
            inv,
        )


_SUBSTITUTION = lazy(r"\$\((.*)\)|`(.*)`", re.DOTALL)
_VARIABLE = lazy(r"\$\{?(\w+)\}?")


def unseen(word: str) -> str:
    """What a word only known at run time stands for: ``the output of `curl …` ``."""
    substitution = _SUBSTITUTION.fullmatch(word)
    if substitution:
        return f"the output of `{(substitution.group(1) or substitution.group(2)).strip()}`"
    variable = _VARIABLE.fullmatch(word)
    if variable:
        return f"the value of ${variable.group(1)}"
    return f"{word}, only known when it runs"


def interpreter(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    code = code_of(inv)
    if code is None:
        return
    for api, target in delete_calls(code):
        if not target:
            yield hit(
                "exec.interpreter-delete",
                Severity.HIGH,
                f"{inv.name} calls {api} on a path only known at run time",
                inv,
            )
            continue
        where = place(target, inv.cwd, ctx)
        if where is Place.SCRATCH:
            continue
        severity = (
            Severity.CRITICAL
            if where is Place.SYSTEM
            else Severity.HIGH
            if where in (Place.OUTSIDE, Place.REPOSITORY, Place.UNKNOWN)
            else Severity.MEDIUM
        )
        yield hit("exec.interpreter-delete", severity, f"{inv.name} calls {api}({target!r})", inv)


RULES: dict[str, tuple[object, ...]] = {}
ANY_RULES = (piped_shell, unresolved, interpreter)
