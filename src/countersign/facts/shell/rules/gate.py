"""The agent cannot lift its own gate: every countersign command that changes its state
(approve, break-glass, record, installing or removing hooks, writing the ledger, rotating keys)
is a human's action, however it is spelled (console script, ``python -m``, ``python -c`` with
``main([...])``, ``xargs``, a variable, a script); and so is writing the files the gate stands on
(the agents' hook settings, git hooks, countersign's configuration, ledger and keys) with any
tool or interpreter. Read-only commands (check, status, blast, provenance, ledger verify…) pass.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from countersign.facts.shell.code_text import readable
from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.finding import Severity, ShellFinding
from countersign.facts.shell.interpreter import code_of, language
from countersign.facts.shell.invocation import Invocation
from countersign.facts.shell.paths import protected_pattern
from countersign.facts.shell.rule import hit
from countersign.lazy_pattern import lazy

# Commands (and group subcommands) that only read: anything else, including a command added
# later, is asked.
READ_ONLY: dict[str, frozenset[str] | None] = {
    "check": None,
    "status": None,
    "blast": None,
    "provenance": None,
    "scan": None,
    "replay": None,
    "verify": None,
    "explain": None,
    "policy": frozenset({"explain", "test"}),
    "ledger": frozenset({"verify", "export", "keys"}),
    "docs": frozenset({"check"}),
    "risk": frozenset({"eval", "mine"}),
    "hooks": frozenset({"commit-msg", "pre-push"}),
}
_GUARD_READS = frozenset({"packs"})
# Flags that turn a reading command into a writing one (``ledger keys --rotate``).
_CHANGING_FLAGS = frozenset({"--rotate"})
DENIED = frozenset({"approve"})
_HELP = frozenset({"-h", "--help", "--version"})
_IMPORTS = lazy(
    r"\b(?:from\s+countersign(?:\.[\w.]+)?\s+import|import\s+countersign\b|"
    r"run_module\(\s*['\"]countersign|require\(\s*['\"]countersign)"
)
_MAIN_ARGS = lazy(r"\bmain\(\s*(?:args\s*=\s*)?[\[(]([^\])]*)[\])]")
_WORD = lazy(r"""'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)\"""")
_STATE_WORDS = lazy(
    r"\b(approve|break-glass|record|install|uninstall|init|rotate|append|train|keys)\b"
)
_WRITES = lazy(
    r"""['"][wax]b?\+?['"]|\bmode\s*=|\bwrite|\bdump|\bunlink|\bremove|\brename|\breplace\(|"""
    r"""\brmtree|\btruncate|\bcopy|\bmove|\bchmod|\bsymlink|\bappend|\bopen\s*\(\s*[^,)]+,\s*['"]|"""
    r"""\bFile\.(?:write|open|delete)|\bfs\.\w+|\bsqlite3\.connect|>\s*['"]?[\w.~/$]"""
)
# Programs that only read the files they are given (any other program given a protected path
# as an argument may write it: ``curl -o``, ``rsync``, ``patch``, ``git checkout --``…).
_READERS = frozenset(
    {
        "cat", "less", "more", "head", "tail", "grep", "egrep", "fgrep", "rg", "ag", "ls", "stat",
        "wc", "file", "jq", "diff", "cmp", "md5sum", "sha1sum", "sha256sum", "shasum", "bat",
        "test", "[", "realpath", "readlink", "basename", "dirname", "echo", "printf", "find",
        "tree", "du", "countersign", "python", "python3", "node", "ruby", "perl", "php",
        # judged by edit.protected-path in rules.filesystem, with their own readers of arguments
        "cp", "mv", "install", "ln", "tee", "sed", "rm", "unlink", "shred", "srm", "wipe",
        "truncate", "sqlite3", "sqlite",
    }
)  # fmt: skip
_GIT_READS = frozenset(
    {"diff", "log", "show", "status", "blame", "ls-files", "cat-file", "check-ignore", "grep"}
)


def _verdict(words: list[str]) -> tuple[Severity, str] | None:
    """What running countersign with ``words`` does to its own gate, or None when it only reads."""
    if set(words) & _HELP:
        return None
    positional = [w for w in words if not w.startswith("-")]
    if not positional:
        return None
    command = positional[0]
    if command in DENIED:
        return (
            Severity.CRITICAL,
            "an agent cannot approve actions or changes; a human runs countersign approve",
        )
    if "{xargs input}" in command or command.startswith("$"):
        return Severity.HIGH, "runs countersign with a command only known at run time"
    after = words[words.index(command) + 1 :]
    sub = after[0] if after and not after[0].startswith("-") else ""
    if command == "guard":
        if sub not in ("install", "uninstall") and (not sub or sub in _GUARD_READS):
            return None  # the hook itself, --explain, --batch, packs
    elif command in READ_ONLY and not set(words) & _CHANGING_FLAGS:
        allowed = READ_ONLY[command]
        if allowed is None or not sub or sub in allowed:
            return None
    what = f"countersign {command} {sub}".strip()
    reason = (
        f"{what} changes countersign's own state (sign-offs, hooks, ledger or keys): a human "
        "runs it, not the agent"
    )
    return Severity.HIGH, reason


def countersign(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    found = _verdict(list(inv.args))
    if found is not None:
        rule = "guard.self-approval" if found[0] is Severity.CRITICAL else "guard.self-ungate"
        yield hit(rule, found[0], found[1], inv)


def spelled_otherwise(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    """countersign reached without its name in the program position: a program only known at
    run time given a state-changing countersign command, or interpreter code importing it."""
    first = inv.argv[0] if inv.argv else ""
    if first.startswith("$") or "$(" in first or "`" in first:
        if "countersign" in " ".join(inv.argv) or _STATE_WORDS.search(" ".join(inv.args[:1])):
            yield hit(
                "guard.self-ungate",
                Severity.HIGH,
                f"a program only known at run time ({first}) is given what may be a countersign "
                "command that changes its state",
                inv,
            )
        return
    code = code_of(inv)
    if code is None:
        code = _script_on_disk(inv, ctx)
    if code is None:
        return
    text = readable(code)
    if not _IMPORTS.search(text):
        return
    called = _MAIN_ARGS.search(text)
    if called is not None:
        words = [a or b for a, b in _WORD.findall(called.group(1))]
        found = _verdict(words)
        if found is None:
            return
        rule = "guard.self-approval" if found[0] is Severity.CRITICAL else "guard.self-ungate"
        yield hit(rule, found[0], f"{inv.name} calls countersign's main: {found[1]}", inv)
        return
    yield hit(
        "guard.self-ungate",
        Severity.HIGH,
        f"{inv.name} code imports countersign and may change its sign-offs, hooks, ledger or "
        "keys: a human runs that",
        inv,
    )


def _script_on_disk(inv: Invocation, ctx: ShellContext) -> str | None:
    """The text of the script an interpreter runs (``python3 tools/lift.py``), when it can be
    read and mentions countersign: a script written in the session is judged when it runs."""
    if language(inv.name) is None:
        return None
    operands = [a for a in inv.args if not a.startswith("-")]
    if not operands or not inv.exact:
        return None
    path = operands[0]
    if inv.cwd and not path.startswith("/"):
        path = posixpath.normpath(posixpath.join(inv.cwd, path))
    text = ctx.read_file(path)
    return text if text is not None and "countersign" in text else None


def gate_files(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    """A file of the gate handed to a program that may write it (``curl -o``, ``patch``,
    ``git checkout --``), or any protected path named in interpreter code that writes files
    (``open('.claude/settings.json', 'w')``)."""
    code = code_of(inv)
    if code is not None:
        text = readable(code)
        if _WRITES.search(text):
            for match in _WORD.finditer(text):
                literal = match.group(1) or match.group(2) or ""
                pattern = protected_pattern(literal, inv.cwd, ctx) if "\n" not in literal else None
                if pattern:
                    yield hit(
                        "edit.protected-path",
                        Severity.MEDIUM,
                        f"{inv.name} code writes or removes {literal}, a protected path "
                        f"({pattern})",
                        inv,
                    )
                    return
        return
    name = inv.name
    if name in _READERS or (name == "git" and _git_reads(inv.args)):
        return
    for arg in inv.args:
        value = arg.partition("=")[2] if arg.startswith("-") and "=" in arg else arg
        pattern = protected_pattern(value, inv.cwd, ctx, ctx.gate_paths) if value else None
        if pattern:
            yield hit(
                "edit.protected-path",
                Severity.MEDIUM,
                f"{name} may write {value}, a protected path ({pattern})",
                inv,
            )
            return


def _git_reads(args: tuple[str, ...]) -> bool:
    words = [a for a in args if not a.startswith("-")]
    return bool(words) and words[0] in _GIT_READS


RULES = {"countersign": (countersign,)}
ANY_RULES = (spelled_otherwise, gate_files)
