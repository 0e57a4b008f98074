"""Origin's copy of the protected branch is what the guard and the ledger trust in a clone
(``guard.protected``): a fetch into it from elsewhere, or rewiring where origin is fetched
from (its URL, its refspecs, ``insteadOf``, its HEAD), moves that trust to a commit of the
agent's own without a push the forge checks. Fetching origin as configured passes."""

from __future__ import annotations

from collections.abc import Iterator

from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.finding import Severity, ShellFinding
from countersign.facts.shell.globs import fnmatches
from countersign.facts.shell.invocation import Invocation
from countersign.facts.shell.rule import has_flag, hit, positionals
from countersign.facts.shell.rules.git import _subcommand

RULE = "git.remote-rewire"
TRUSTED = "origin"
_WHY = "the guard's and the ledger's configuration are read from origin's copy of it"
_FETCH_VALUES = {
    "-o", "--server-option", "--upload-pack", "--depth", "--deepen", "--shallow-since",
    "--shallow-exclude", "--refmap", "-j", "--jobs", "--negotiation-tip", "--filter",
    "-s", "--strategy", "-X", "--strategy-option", "--recurse-submodules-default",
}  # fmt: skip
_LOCAL = (".", "/", "./", "../", "file://")


def remote_rewire(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    sub, args = _subcommand(inv.args)
    found = _configured(inv) or _other_config(sub, inv) or _by_subcommand(sub, args, ctx)
    if found:
        yield hit(RULE, Severity.MEDIUM, f"{found}; {_WHY}", inv)


def _by_subcommand(sub: str, args: list[str], ctx: ShellContext) -> str:
    if sub in ("fetch", "pull"):
        return _fetch(sub, args, ctx)
    if sub == "remote":
        return _remote(args)
    if sub == "config":
        return _config(args)
    if (
        sub == "branch"
        and has_flag(args, "r", ("--remotes",))
        and has_flag(args, "dD", ("--delete",))
    ):
        gone = [b for b in positionals(args) if _tracking(b, ctx)]
        return f"branch -d -r {', '.join(gone)} deletes origin's copy" if gone else ""
    if sub == "symbolic-ref":
        pos = positionals(args, {"-m"})
        if pos and pos[0].startswith("refs/remotes/") and (len(pos) > 1 or "-d" in args):
            return f"symbolic-ref {pos[0]} points origin's HEAD elsewhere"
    return ""


def _tracking(name: str, ctx: ShellContext) -> bool:
    """``origin/main`` (as ``branch -r`` spells it) of a protected branch."""
    remote, _, branch = name.removeprefix("refs/remotes/").partition("/")
    return remote == TRUSTED and _covers(branch, ctx)


def _covers(name: str, ctx: ShellContext) -> bool:
    """Whether a branch name, or a refspec's glob, names a protected branch."""
    return any(fnmatches(name, p) or fnmatches(p, name) for p in ctx.protected_branches)


def _fetch(sub: str, args: list[str], ctx: ShellContext) -> str:
    pos = positionals(args, _FETCH_VALUES)
    remote = pos[0] if pos else ""
    if remote == "." or remote.startswith(_LOCAL[1:]):
        return ""  # into the repository itself: git.protected-ref-move says so
    refmaps = [a.partition("=")[2] for a in args if a.startswith("--refmap=")]
    refmaps += [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--refmap"]
    for refspec in (*pos[1:], *refmaps):
        src, colon, dst = refspec.lstrip("+").partition(":")
        if not colon or not dst:
            continue
        if dst.startswith("refs/remotes/"):
            into, _, branch = dst.removeprefix("refs/remotes/").partition("/")
            if into != TRUSTED or not _covers(branch, ctx):
                continue
            if remote == TRUSTED and src.removeprefix("refs/heads/") == branch:
                continue  # origin's branch into its own copy: what a plain fetch does
            return f"{sub} {remote} {refspec} writes origin's copy of {branch} from elsewhere"
        branch = dst.removeprefix("refs/heads/")
        if _covers(branch, ctx) and src.removeprefix("refs/heads/") != branch:
            return f"{sub} {remote} {refspec} moves {branch} to another branch's commit"
    return ""


def _remote(args: list[str]) -> str:
    pos = positionals(args, {"-t", "-m", "--mirror"})
    verb, names = (pos[0], pos[1:]) if pos else ("", [])
    if verb == "add" and (any(a.startswith("--mirror") for a in args) or names[:1] == [TRUSTED]):
        return "remote add of origin (or a mirror) says where origin's copies come from"
    if verb == "rename" and TRUSTED in names[:2]:
        return f"remote rename {' '.join(names[:2])} changes which remote is origin"
    if verb in ("remove", "rm") and TRUSTED in names[:1]:
        return "remote remove origin deletes origin's copies (the local branch would be read)"
    if verb == "set-url" and TRUSTED in names[:1]:
        return "remote set-url origin fetches origin's copies from another repository"
    if verb == "set-head" and TRUSTED in names[:1] and not has_flag(args, "a", ("--auto",)):
        return "remote set-head origin points origin's HEAD at another branch"
    return ""


_READS = ("--get", "--get-all", "--get-regexp", "--get-urlmatch", "-l", "--list", "--show-origin")
_VERBS = {"set": 2, "unset": 1, "get": 0, "list": 0, "edit": 0}


def _config(args: list[str]) -> str:
    sections = ("--remove-section", "--rename-section")
    if any(a in sections for a in args):
        names = positionals(args, {"--file", "-f", "--blob"})
        if any(n.lower().startswith(f"remote.{TRUSTED}") for n in names):
            return f"config {' '.join(args[:3])} rewrites origin's section"
        return ""
    if any(a in _READS for a in args):
        return ""
    pos = positionals(args, {"--file", "-f", "--blob", "--type", "--default", "--comment"})
    if pos and pos[0] in _VERBS:
        verb, pos = pos[0], pos[1:]
        if not _VERBS[verb]:
            return ""
    elif len(pos) < 2 and not any(
        a.startswith(("--unset", "--replace-all", "--add")) for a in args
    ):
        return ""  # `git config KEY` reads it
    key = pos[0] if pos else ""
    return f"setting {key}" if _steers(key) else ""


def _steers(key: str) -> bool:
    """Whether a configuration key changes what a fetch of origin writes or reads from."""
    key = key.lower()
    section, _, rest = key.partition(".")
    name, _, var = rest.rpartition(".")
    if section == "url":
        return var in ("insteadof", "pushinsteadof")
    if section != "remote":
        return False
    if var in ("fetch", "mirror"):
        return True
    return name == TRUSTED and var in ("url", "pushurl", "proxy", "uploadpack", "vcs")


def _configured(inv: Invocation) -> str:
    """``git -c KEY=VALUE``, ``--config-env KEY=VAR`` and ``GIT_CONFIG_KEY_n`` for such a key."""
    args = inv.args
    for i, arg in enumerate(args):
        if arg in ("-c", "--config-env") and i + 1 < len(args):
            key = args[i + 1].partition("=")[0]
            if _steers(key):
                return f"git {arg} {key}=… for one command"
        elif not arg.startswith("-"):
            break
    for name, value in inv.env:
        if name.startswith("GIT_CONFIG_KEY_") and _steers(value):
            return f"{name}={value} for one command"
        if name == "GIT_CONFIG_PARAMETERS" and any(
            _steers(part.strip("' ").partition("=")[0]) for part in value.split("' '")
        ):
            return "GIT_CONFIG_PARAMETERS for one command"
    return ""


# Where git reads its global and system configuration from: a file of the agent's own there
# can hold ``url.*.insteadOf`` or ``remote.origin.url``, which no key on the command line shows.
_CONFIG_FILES = ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG")


def _other_config(sub: str, inv: Invocation) -> str:
    """A fetch or pull that reads its configuration from another file."""
    if sub not in ("fetch", "pull", "remote"):
        return ""
    for name, _value in inv.env:
        if name in _CONFIG_FILES:
            return f"{name} points {sub} at another configuration file"
    return ""


RULES = {"git": (remote_rewire,)}
