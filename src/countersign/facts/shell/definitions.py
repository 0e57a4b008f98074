"""Names a command line defines for later parts of itself: shell aliases (``alias x='rm -rf /'``)
and git aliases (``git config alias.p 'push --force'``, ``git -c alias.p='!rm -rf /' p``). A use
of the name is judged as what it stands for."""

from __future__ import annotations

import itertools
import shlex

_GIT_WITH_VALUE = {"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path"}
_GIT_WITH_VALUE |= {"--config-env", "--super-prefix", "--list-cmds"}
_CONFIG_WITH_VALUE = {"-f", "--file", "--blob", "--type", "--default", "--comment", "--value"}


def git_subcommand(argv: tuple[str, ...] | list[str]) -> int | None:
    """The index in ``argv`` (``git`` first) of git's subcommand, past its global options."""
    i = 1
    while i < len(argv):
        arg = argv[i]
        if arg in _GIT_WITH_VALUE:
            i += 2
            continue
        if arg.startswith("-"):
            i += 1
            continue
        return i
    return None


def git_config_alias(argv: tuple[str, ...] | list[str]) -> tuple[str, str] | None:
    """(name, value) of ``git config [--global] [set] alias.NAME VALUE``, or None."""
    sub = git_subcommand(argv)
    if sub is None or argv[sub] != "config":
        return None
    words: list[str] = []
    rest = list(argv[sub + 1 :])
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg in _CONFIG_WITH_VALUE:
            i += 2
            continue
        if arg.startswith("-") and arg != "-":
            i += 1
            continue
        words.append(arg)
        i += 1
    if words[:1] == ["set"]:
        words = words[1:]
    if len(words) >= 2 and words[0].lower().startswith("alias.") and len(words[0]) > 6:
        return words[0][6:].lower(), words[1]
    return None


def git_alias(argv: tuple[str, ...]) -> tuple[str, str, tuple[str, ...]] | None:
    """``git -c alias.p=VALUE p ARGS``: (name, VALUE, ARGS) when the subcommand is an alias
    given with ``-c`` on the same command (the last one counts, as in git)."""
    sub = git_subcommand(argv)
    if sub is None:
        return None
    name = argv[sub].lower()
    value: str | None = None
    for flag, setting in itertools.pairwise(argv):
        key, eq, given = setting.partition("=")
        if flag == "-c" and eq and key.lower() == f"alias.{name}":
            value = given
    if value is None:
        return None
    return name, value, argv[sub + 1 :]


def define(argv: list[str], exact: bool, aliases: dict[str, str], git: dict[str, str]) -> list[str]:
    """Record what ``argv`` defines; return it with a git alias defined earlier made explicit
    (``git p`` becomes ``git -c alias.p=VALUE p``, which the unwrapping expands)."""
    if not exact or not argv:
        return argv
    name = argv[0].rsplit("/", 1)[-1]
    if name == "alias":
        for arg in argv[1:]:
            key, eq, value = arg.partition("=")
            if eq and key and not key.startswith("-"):
                aliases[key] = value
        return argv
    if name != "git":
        return argv
    defined = git_config_alias(argv)
    if defined is not None:
        git[defined[0]] = defined[1]
        return argv
    sub = git_subcommand(argv)
    if sub is not None and argv[sub].lower() in git:
        key = argv[sub].lower()
        return [*argv[:sub], "-c", f"alias.{key}={git[key]}", *argv[sub:]]
    return argv


def alias_command(value: str, args: tuple[str, ...]) -> tuple[str, bool]:
    """The command a git alias runs: (text, is_shell). ``!cmd`` runs ``cmd`` in a shell with
    the arguments after it; anything else is more git arguments."""
    rest = " ".join(shlex.quote(a) for a in args)
    if value.startswith("!"):
        return f"{value[1:]} {rest}".strip(), True
    return f"git {value} {rest}".strip(), False
