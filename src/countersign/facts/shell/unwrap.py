"""Unwrap what a command really runs: wrappers (sudo, env, timeout, xargs, find -exec, ...),
shells given a string (``bash -c``, ``eval``, ``ssh host CMD``), shells fed a script on stdin
(heredocs, ``base64 -d | sh``), and scripts on disk (``./cleanup.sh``, ``source x``)."""

from __future__ import annotations

import itertools
import posixpath
import shlex
from collections.abc import Callable, Iterator

from countersign.facts.shell.containers import CONTAINER_TOOLS, container_command
from countersign.facts.shell.definitions import alias_command, git_alias, git_config_alias
from countersign.facts.shell.interpreter import code_of, language, module_program
from countersign.facts.shell.invocation import Invocation
from countersign.records import replace

MAX_NESTING = 6
MAX_SCRIPT_BYTES = 256_000

SHELLS = {"sh", "bash", "zsh", "dash", "ksh", "ash", "hush", "fish", "mksh", "yash", "tcsh", "csh"}
# Multi-call binaries: ``busybox rm -rf /`` runs the applet ``rm``.
_MULTICALL = {"busybox", "toybox"}
# Wrapper -> options that take a value (the command starts at the first other non-option word).
_WRAPPERS: dict[str, set[str]] = {
    # sudo's getopt string is "+Aa:BbC:c:D:Eeg:Hh::iKklNnPp:R:r:SsT:t:U:u:Vv" (-h's value only
    # attached); its long options with a value take it as the next word or after "=".
    "sudo": {
        *("-a", "-C", "-c", "-D", "-g", "-p", "-R", "-r", "-T", "-t", "-U", "-u"),
        *("--auth-type", "--close-from", "--login-class", "--chdir", "--group", "--prompt"),
        *("--chroot", "--role", "--type", "--command-timeout", "--other-user", "--user"),
    },
    "doas": {"-u", "-C"},
    "nohup": set(),
    "nice": {"-n", "--adjustment"},
    "ionice": {"-c", "-n", "-p", "-P", "-u", "--class", "--classdata"},
    "time": {"-f", "-o", "--format", "--output"},
    "command": set(),
    "builtin": set(),
    "exec": {"-a"},
    "stdbuf": {"-i", "-o", "-e"},
    "chronic": set(),
    "caffeinate": {"-t", "-w"},
    "unbuffer": set(),
    "setsid": set(),
    "flock": {"-w", "-E", "--timeout", "--conflict-exit-code"},
    "torsocks": set(),
    "proxychains": {"-f"},
    "proxychains4": {"-f"},
    "catchsegv": set(),
    "strace": {"-o", "-e", "-p", "-s", "-u"},
    "ltrace": {"-o", "-e", "-p", "-s", "-u"},
    "chroot": set(),
    "runuser": {"-u", "-g", "-G"},
    "systemd-run": {"-p", "-u", "--unit", "--property", "-E", "--setenv"},
}

_SSH_WITH_VALUE = set("-B -b -c -D -E -e -F -I -i -J -L -l -m -O -o -p -Q -R -S -W -w".split())  # noqa: SIM905
# Package runners: ``npx cdk destroy`` runs ``cdk destroy``; (tool, subcommand or "") -> options.
_RUNNERS: dict[tuple[str, str], set[str]] = {
    ("npx", ""): {"-p", "--package", "-c", "--call"},
    ("pnpx", ""): {"-p", "--package"},
    ("bunx", ""): {"-p", "--package"},
    ("pnpm", "exec"): set(),
    ("pnpm", "dlx"): set(),
    ("yarn", "dlx"): set(),
    ("uv", "run"): {"--with", "--python", "-p", "--project", "--directory", "--env-file"},
    ("uvx", ""): {"--with", "--python", "--from"},
    ("poetry", "run"): set(),
    ("pipenv", "run"): set(),
    ("bundle", "exec"): set(),
    ("direnv", "exec"): set(),
}

_ENV_WITH_VALUE = {"--unset", "--chdir", "--argv0"}

Parse = Callable[[str, Invocation], list[Invocation]]


def effective(
    inv: Invocation, parse: Parse, read_file: Callable[[str], str | None]
) -> Iterator[Invocation]:
    """Every command ``inv`` runs, itself included when it is not a pure wrapper."""
    if inv.depth > MAX_NESTING:
        yield inv
        return
    name = inv.name
    args = list(inv.args)
    if name in _WRAPPERS:
        inner = _after_options(args, _WRAPPERS[name], stop_at_first=name in ("flock", "chroot"))
        if name == "flock" and inner:
            inner = inner[1:]  # the lock file
        if name == "chroot" and inner:
            inner = inner[1:]  # the new root
        if name == "command" and args[:1] and args[0] in ("-v", "-V"):
            return
        # ``sudo VAR=x cmd`` (and bash's ``time VAR=x cmd``) set VAR for cmd; a wrapper that
        # would instead fail to run a program named ``VAR=x`` is judged as if it did not fail.
        env, inner = _assignments(inner, inv.env)
        if inner:
            yield from effective(inv.nested(tuple(inner), name, env=env), parse, read_file)
        return
    if name == "env":
        yield from _env(inv, args, parse, read_file)
        return
    if name in _MULTICALL:
        if args and not args[0].startswith("-"):
            yield from effective(inv.nested(tuple(args), name), parse, read_file)
        return
    if name == "git":
        yield inv
        yield from _git(inv, parse, read_file)
        return
    if name in CONTAINER_TOOLS or name in {"kubectl", "oc"}:
        contained = container_command(inv.argv)
        yield inv
        if contained is not None:
            argv, how, unseen = contained
            nested = inv.nested(argv, how, stdin=None, unseen=unseen)
            yield from effective(nested, parse, read_file)
        return
    runner = _RUNNERS.get((name, args[0] if args else "")) or _RUNNERS.get((name, ""))
    if runner is not None:
        rest = args[1:] if (name, args[0] if args else "") in _RUNNERS else args
        if name == "direnv" and rest:
            rest = rest[1:]  # the directory
        inner = _after_options(rest, runner)
        if inner:
            yield from effective(inv.nested(tuple(inner), name), parse, read_file)
            return
    if name == "timeout":
        inner = _after_options(args, {"-s", "-k", "--signal", "--kill-after"})
        if inner:
            yield from effective(inv.nested(tuple(inner[1:]), name), parse, read_file)
        return
    if name == "watch":
        inner = _after_options(args, {"-n", "-d", "--interval", "--differences"})
        if inner:
            yield from _code(inv, " ".join(inner), "watch", parse, read_file)
        return
    if name == "eval":
        yield from _code(inv, " ".join(args), "eval", parse, read_file)
        return
    if name in SHELLS:
        yield from _shell(inv, args, parse, read_file)
        return
    if name in ("source", "."):
        if args:
            yield from _script_file(inv, args[0], name, parse, read_file)
        return
    if name == "su":
        for flag, value in itertools.pairwise(args):
            if flag in ("-c", "--command"):
                yield from _code(inv, value, "su -c", parse, read_file)
        return
    if name == "xargs":
        yield from _xargs(inv, args, parse, read_file)
        return
    if name == "parallel":
        yield from _parallel(inv, args, parse, read_file)
        return
    if name == "ssh":
        inner = _after_options(args, _SSH_WITH_VALUE)
        if len(inner) > 1:
            host = inner[0]
            yield from _code(inv, " ".join(inner[1:]), f"ssh {host}", parse, read_file)
        return
    if name == "find":
        yield inv
        yield from _find_exec(inv, args, parse, read_file)
        return
    if language(name) is not None:
        script = next((a for a in args if not a.startswith("-")), "")
        program = module_program(inv)
        if program is not None:
            yield inv
            yield from effective(inv.nested(program, f"{name} -m"), parse, read_file)
            return
        yield inv
        if script.startswith("<(") and code_of(inv) is None:  # ``python3 <(curl …)``
            yield from _script_file(inv, script, name, parse, read_file)
        return
    if "/" in inv.argv[0] and inv.exact and _looks_like_script(inv.argv[0]):
        yield inv
        yield from _script_file(inv, inv.argv[0], "script", parse, read_file)
        return
    yield inv


def _after_options(args: list[str], with_value: set[str], stop_at_first: bool = False) -> list[str]:
    """The words after the options, read as getopt reads them: ``-Eu root`` is ``-E -u root``,
    ``-uroot`` and ``--user=root`` carry their value, ``--`` ends the options."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return args[i + 1 :]
        if not arg.startswith("-") or arg == "-":
            return args[i:]
        if stop_at_first and not arg.startswith("-"):
            return args[i:]
        i += 1 + _takes_next(arg, with_value)
    return []


def _takes_next(arg: str, with_value: set[str]) -> bool:
    """Whether option word ``arg`` leaves its value to the next word."""
    if arg.startswith("--"):
        return "=" not in arg and arg in with_value
    if arg in with_value:
        return True
    for j, char in enumerate(arg[1:], start=1):
        if f"-{char}" in with_value:
            return j == len(arg) - 1  # a value attached to the cluster ends it
    return False


def _assignments(
    words: list[str], env: tuple[tuple[str, str], ...]
) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """Leading ``NAME=value`` words added to ``env``, and the words after them."""
    found = list(env)
    i = 0
    while i < len(words) and _is_assignment(words[i]):
        key, _, value = words[i].partition("=")
        found.append((key, value))
        i += 1
    return tuple(found), words[i:]


def _is_assignment(word: str) -> bool:
    """``NAME=value`` with a name as sudo and the shell accept it (letters, digits, ``_``)."""
    key, eq, _ = word.partition("=")
    return bool(eq) and key.isascii() and key.replace("_", "a").isalnum() and not key[0].isdigit()


def _env(
    inv: Invocation, args: list[str], parse: Parse, read_file: Callable[[str], str | None]
) -> Iterator[Invocation]:
    env = list(inv.env)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            i += 1
            break
        if not arg.startswith("-") or arg == "-":
            break
        code, i = _env_option(args, i)
        if code is not None:
            yield from _code(inv, " ".join([code, *args[i:]]), "env -S", parse, read_file)
            return
    while i < len(args) and "=" in args[i] and not args[i].startswith("="):
        key, _, value = args[i].partition("=")
        env.append((key, value))
        i += 1
    if i < len(args):
        yield from effective(inv.nested(tuple(args[i:]), "env", env=tuple(env)), parse, read_file)
    else:
        yield inv  # prints the environment


def _env_option(args: list[str], i: int) -> tuple[str | None, int]:
    """Read the option word ``args[i]`` as GNU env's getopt does ("+C:iS:u:v0", ``-a`` in
    newer coreutils): the ``-S`` string if it gives one, and the index after the option."""
    arg = args[i]
    if arg.startswith("--"):
        name, eq, value = arg.partition("=")
        if name == "--split-string":
            if eq:
                return value, i + 1
            return (args[i + 1], i + 2) if i + 1 < len(args) else (None, i + 1)
        return None, i + (2 if not eq and name in _ENV_WITH_VALUE else 1)
    for j, char in enumerate(arg[1:], start=1):
        if char in "SuCa":
            attached = arg[j + 1 :]
            if attached:
                value, after = attached, i + 1
            elif i + 1 < len(args):
                value, after = args[i + 1], i + 2
            else:
                return None, i + 1
            return (value if char == "S" else None), after
    return None, i + 1


def script_source(args: tuple[str, ...] | list[str]) -> tuple[str, list[str]]:
    """Where a shell reads its program: ``string`` (``-c``, the first of the returned words),
    ``file`` (the first word), or ``stdin`` (no operand, or ``-s`` and the words are its
    positional parameters, as in ``curl … | bash -s stable``)."""
    i = 0
    command_string = from_stdin = False
    while i < len(args):
        arg = args[i]
        if arg in ("-o", "+o", "-O", "+O", "--rcfile", "--init-file"):
            i += 2
            continue
        if arg == "--":
            i += 1
            break
        if arg.startswith(("-", "+")) and len(arg) > 1:
            if not arg.startswith("--"):
                command_string = command_string or "c" in arg[1:]
                from_stdin = from_stdin or "s" in arg[1:]
            i += 1
            continue
        break
    rest = list(args[i:])
    if command_string:
        return "string", rest
    return ("file" if rest and not from_stdin else "stdin"), rest


def _shell(
    inv: Invocation, args: list[str], parse: Parse, read_file: Callable[[str], str | None]
) -> Iterator[Invocation]:
    source, rest = script_source(args)
    if source == "string":
        if rest:
            yield from _code(inv, rest[0], f"{inv.name} -c", parse, read_file)
        return
    if source == "file":
        yield from _script_file(inv, rest[0], inv.name, parse, read_file)
        return
    if inv.stdin is not None:
        yield inv  # the rules judge how the script arrived (a decoder, a heredoc)
        yield from _script(inv, inv.stdin, f"{inv.name} <stdin>", parse, read_file)
        return
    yield inv  # a shell reading a script nobody can see: the execution rules judge it


def _script(
    inv: Invocation, text: str, how: str, parse: Parse, read_file: Callable[[str], str | None]
) -> Iterator[Invocation]:
    marker = inv.nested(inv.argv, how)
    for inner in parse(text, marker):
        yield from effective(inner, parse, read_file)


def _code(
    inv: Invocation, text: str, how: str, parse: Parse, read_file: Callable[[str], str | None]
) -> Iterator[Invocation]:
    """Code given as words of ``inv`` (``eval``, ``bash -c``, ``ssh host``). When those words
    held parts only known at run time (``"$X"``, ``"$(curl …)"``), the commands parsed out of
    them are ``opaque``: the parts are run as code, not passed as data."""
    marker = inv.nested(inv.argv, how)
    for inner in parse(text, marker):
        if not inv.exact:
            inner = replace(inner, opaque=True)  # noqa: PLW2901 - the same command, marked
        yield from effective(inner, parse, read_file)


def _script_file(
    inv: Invocation, path: str, how: str, parse: Parse, read_file: Callable[[str], str | None]
) -> Iterator[Invocation]:
    if path.startswith("<(") and path.endswith(")"):
        # ``bash <(curl …)``: the script is the output of a command, as in ``eval "$(curl …)"``
        yield from _code(replace(inv, exact=False), "$" + path[1:], how, parse, read_file)
        return
    full = path
    if inv.cwd and not path.startswith(("/", "~")):
        full = posixpath.normpath(posixpath.join(inv.cwd, path))
    text = read_file(full)
    if text is None:
        return
    yield from _script(inv, text[:MAX_SCRIPT_BYTES], f"{how} {path}", parse, read_file)


def _looks_like_script(path: str) -> bool:
    base = path.rsplit("/", 1)[-1]
    return "." not in base or base.endswith((".sh", ".bash", ".zsh"))


def _xargs(
    inv: Invocation, args: list[str], parse: Parse, read_file: Callable[[str], str | None]
) -> Iterator[Invocation]:
    inner = _after_options(
        args,
        {
            "-n",
            "-L",
            "-P",
            "-I",
            "-i",
            "-d",
            "-E",
            "-e",
            "-s",
            "-a",
            "--max-args",
            "--max-procs",
            "--delimiter",
            "--arg-file",
        },
    )
    if not inner:
        inner = ["echo"]
    if inv.stdin is not None and inv.exact and "-I" not in args and "-i" not in args:
        # ``echo approve --action X | xargs countersign``: the words it appends are known
        try:
            known = shlex.split(inv.stdin[:MAX_SCRIPT_BYTES])
        except ValueError:
            known = None
        if known is not None:
            argv = (*inner, *known)
            yield from effective(inv.nested(argv, "xargs", stdin=None), parse, read_file)
            return
    argv = (*inner, "{xargs input}")
    yield from effective(inv.nested(argv, "xargs", exact=False, stdin=None), parse, read_file)


def _parallel(
    inv: Invocation, args: list[str], parse: Parse, read_file: Callable[[str], str | None]
) -> Iterator[Invocation]:
    cut = len(args)
    for sep in (":::", "::::", ":::+"):
        if sep in args:
            cut = min(cut, args.index(sep))
    inner = _after_options(
        args[:cut], {"-j", "-S", "--jobs", "--sshlogin", "-N", "-n", "--delay", "--timeout"}
    )
    if not inner:
        return
    values = [a for a in args[cut + 1 :] if a not in (":::", "::::", ":::+")]
    template = " ".join(inner)
    if "{}" not in template:
        template += " {}"
    for value in values[:20] or ["{parallel input}"]:
        yield from _code(inv, template.replace("{}", value), "parallel", parse, read_file)


def _find_exec(
    inv: Invocation, args: list[str], parse: Parse, read_file: Callable[[str], str | None]
) -> Iterator[Invocation]:
    roots = find_roots(args)
    i = 0
    while i < len(args):
        if args[i] in ("-exec", "-execdir", "-ok", "-okdir"):
            j = i + 1
            while j < len(args) and args[j] not in (";", "+", "\\;"):
                j += 1
            inner = [roots[0] if a == "{}" else a.replace("{}", roots[0]) for a in args[i + 1 : j]]
            if inner:
                yield from effective(inv.nested(tuple(inner), "find -exec"), parse, read_file)
            i = j
        i += 1


def _git(
    inv: Invocation, parse: Parse, read_file: Callable[[str], str | None]
) -> Iterator[Invocation]:
    """A git alias run (``git -c alias.p='!rm -rf /' p``) or defined (``git config alias.p
    'push --force origin main'``): judged as what it runs."""
    used = git_alias(inv.argv)
    defined = git_config_alias(inv.argv) if used is None else None
    if used is not None:
        name, value, rest = used
    elif defined is not None:
        (name, value), rest = defined, ()
    else:
        return
    text, shell = alias_command(value, rest)
    how = f"git alias {name}"
    if shell:
        yield from _code(inv, text, how, parse, read_file)
        return
    try:
        words = tuple(shlex.split(text))
    except ValueError:
        words = tuple(text.split())
    if git_alias(words) is None or inv.depth < MAX_NESTING:
        yield from effective(inv.nested(words, how), parse, read_file)


def find_roots(args: list[str]) -> list[str]:
    roots: list[str] = []
    for arg in args:
        if arg in ("-H", "-L", "-P") or arg.startswith("-O") or arg == "-D":
            continue
        if arg.startswith(("-", "(", "!", ")")):
            break
        roots.append(arg)
    return roots or ["."]
