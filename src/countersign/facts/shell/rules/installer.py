"""The guard's own environment reinstalled under it: pip or ``uv pip`` run by the interpreter
the guard runs in (its venv's ``pip`` or ``python -m pip``; ``--python``, ``--target`` or
``--prefix`` into it are gate paths already, ``rules.gate``), and ``pipx``/``uv tool`` commands
on countersign, replace the modules that judge every later call. In an environment of its own
(pipx, a venv outside the project) any install or uninstall is asked; in the project's venv,
one that names a package the guard imports, or a local path, URL or VCS source. A bare ``pip``
is the guard's when the guard's environment is on the PATH it is found in."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.finding import Severity, ShellFinding
from countersign.facts.shell.invocation import Invocation
from countersign.facts.shell.paths import protected_pattern
from countersign.facts.shell.rule import hit, positionals

# What the guard imports on its paths (pyproject's dependencies, by distribution name).
GUARD_DISTRIBUTIONS = frozenset(
    {"countersign", "pyyaml", "cryptography", "cffi", "rfc8785", "tree-sitter", "tree-sitter-bash"}
)
_CHANGES = frozenset({"install", "uninstall", "sync"})
_TOOL_CHANGES = frozenset({"inject", "runpip", "uninstall", "reinstall", "uninject"})
_PIP_VALUES = {
    "-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url",
    "-f", "--find-links", "--python", "-p", "-t", "--target", "--prefix", "--root",
}  # fmt: skip


def installer(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    found = _pipx(inv) or _uv_tool(inv) or _pip(inv, ctx)
    if found:
        yield hit(
            "guard.self-ungate",
            Severity.HIGH,
            f"{found}: the guard's own environment, whose modules judge every later call",
            inv,
        )


def _pipx(inv: Invocation) -> str:
    if inv.name != "pipx":
        return ""
    pos = positionals(inv.args, {"--spec", "--python", "--suffix", "--pip-args"})
    verb = pos[0] if pos else ""
    targets = pos[1:2] if verb in _TOOL_CHANGES else pos[1:] if verb == "install" else []
    forced = verb != "install" or "--force" in inv.args or "-f" in inv.args
    if forced and "countersign" in targets:
        return f"pipx {verb} countersign"
    return ""


def _uv_tool(inv: Invocation) -> str:
    args = list(inv.args)
    if inv.name != "uv" or args[:1] != ["tool"] or len(args) < 2:
        return ""
    verb, rest = args[1], args[2:]
    names = positionals(rest, {"--with", "-w", "--python", "-p", "--from", "--with-requirements"})
    if "countersign" not in names:
        return ""
    if verb == "uninstall" or (verb == "install" and ({"--force", "--with", "-w"} & set(rest))):
        return f"uv tool {verb} countersign"
    return ""


def _pip(inv: Invocation, ctx: ShellContext) -> str:
    argv = list(inv.argv)
    if inv.name.rstrip("0123456789.") == "python" and argv[1:3] == ["-m", "pip"]:
        interpreter, rest = argv[0], argv[3:]
    elif inv.name.rstrip("0123456789.") == "pip":
        interpreter, rest = posixpath.join(posixpath.dirname(argv[0]), "python"), argv[1:]
    elif inv.name == "uv" and argv[1:2] == ["pip"]:
        interpreter, rest = _uv_target(inv, ctx), argv[2:]
        if not interpreter:
            return ""
    else:
        return ""
    if not rest or rest[0] not in _CHANGES:
        return ""
    if "/" not in interpreter:
        interpreter = _on_path(inv, ctx)
        if not interpreter:
            return ""
    venv = posixpath.dirname(posixpath.dirname(interpreter))
    config = protected_pattern(venv + "/pyvenv.cfg", inv.cwd, ctx, ctx.gate_paths)
    if config is None:
        return ""
    what = f"{inv.name} {rest[0]}"
    full = venv if venv.startswith("/") else posixpath.join(inv.cwd or ctx.cwd or "/", venv)
    root = (ctx.project_root or "").rstrip("/")
    if not (root and posixpath.normpath(full).startswith(root + "/")):
        return what  # an environment of the guard's own: the agent has nothing to install there
    names = positionals(rest[1:], _PIP_VALUES)
    for name in names:
        dist = name.lower().replace("_", "-").split("[")[0]
        for cut in "=<>!~ ;@":
            dist = dist.partition(cut)[0]
        if dist in GUARD_DISTRIBUTIONS:
            return f"{what} {name}"
        if name.startswith(("git+", "hg+", "http:", "https:", "file:", "~")):
            return f"{what} {name} (a package from a URL may be any of them)"
        if name.startswith((".", "/")):
            path = posixpath.normpath(posixpath.join(inv.cwd or ctx.cwd or "/", name))
            if not (path == root or path.startswith(root + "/")):
                return f"{what} {name} (a package from outside the project may be any of them)"
    return ""


_UV_ELSEWHERE = ("--python", "-p", "--system", "--target", "--prefix")


def _uv_target(inv: Invocation, ctx: ShellContext) -> str:
    """The interpreter ``uv pip`` installs into: ``$VIRTUAL_ENV``, else the project's
    ``.venv`` (an explicit ``--python``, ``--target`` or ``--prefix`` is a gate path already,
    ``--system`` is not an environment of the guard's)."""
    if any(a.split("=", 1)[0] in _UV_ELSEWHERE for a in inv.args):
        return ""
    venv = inv.envvar("VIRTUAL_ENV") or ctx.env.get("VIRTUAL_ENV")
    if not venv:
        base = ctx.project_root or inv.cwd or ctx.cwd
        venv = posixpath.join(base, ".venv") if base else ""
    return posixpath.join(venv, "bin", "python") if venv else ""


def _on_path(inv: Invocation, ctx: ShellContext) -> str:
    """The interpreter of the guard's environment when its ``bin`` is on the PATH a bare
    ``pip`` is looked up in (the command's own, else the agent's), wherever it stands there:
    which directory before it holds a ``pip`` is not known without looking."""
    given = inv.envvar("PATH")
    entries = given.split(":") if given is not None else []
    if given is None or "$" in given:
        entries += ctx.env.get("PATH", "").split(":")
    for entry in entries:
        entry = entry.rstrip("/")  # noqa: PLW2901 - the same directory, spelled plainly
        if not entry.startswith(("/", "~")) or "$" in entry:
            continue
        venv = posixpath.dirname(entry)
        if protected_pattern(venv + "/pyvenv.cfg", inv.cwd, ctx, ctx.gate_paths) is not None:
            return entry + "/python"
    return ""


RULES = {
    "pipx": (installer,),
    "uv": (installer,),
    "pip": (installer,),
    "pip3": (installer,),
    "python": (installer,),
    "python3": (installer,),
}
PREFIX_RULES = {"pip3.": (installer,), "python3.": (installer,)}
