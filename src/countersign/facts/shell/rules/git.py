"""Git history loss: force pushes, remote branch and tag deletion, hard resets over uncommitted
work, ``clean -x``, and history rewriting; and git hooks turned off (``--no-verify``,
``core.hooksPath``)."""

from __future__ import annotations

from collections.abc import Iterator

from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.finding import Severity, ShellFinding
from countersign.facts.shell.globs import fnmatches
from countersign.facts.shell.invocation import Invocation
from countersign.facts.shell.rule import has_flag, hit, positionals

_GLOBAL_WITH_VALUE = {"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path"}


def _subcommand(args: tuple[str, ...]) -> tuple[str, list[str]]:
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in _GLOBAL_WITH_VALUE:
            i += 2
            continue
        if arg.startswith("-"):
            i += 1
            continue
        return arg, list(args[i + 1 :])
    return "", []


_HOOKS_SKIPPED = (
    "skips the repository's git hooks (countersign's commit-msg records agent assistance, its "
    "pre-push checks sign-offs)"
)


def _skipped_hooks(inv: Invocation, sub: str, args: list[str]) -> Iterator[ShellFinding]:
    """``commit -n``/``--no-verify``, ``push``/``merge --no-verify``, ``-c core.hooksPath=…``
    and setting ``core.hooksPath``: an agent turning the hooks off around its own work."""
    lowered = [a.lower() for a in inv.args]
    if any(a.startswith("core.hookspath=") for a in lowered):
        yield hit("git.skip-hooks", Severity.MEDIUM, f"-c core.hooksPath {_HOOKS_SKIPPED}", inv)
    elif (
        sub == "config"
        and len(positionals(args, {"--file", "-f", "--blob"})) >= 2
        and ("core.hookspath" in lowered)
    ):
        yield hit(
            "git.skip-hooks", Severity.MEDIUM, f"setting core.hooksPath {_HOOKS_SKIPPED}", inv
        )
    elif (sub == "commit" and has_flag(args, "n", ("--no-verify",))) or (
        sub in ("push", "merge") and "--no-verify" in args
    ):
        yield hit("git.skip-hooks", Severity.MEDIUM, f"{sub} --no-verify {_HOOKS_SKIPPED}", inv)


def _protected(branch: str, ctx: ShellContext) -> bool:
    name = branch.removeprefix("refs/heads/")
    return any(fnmatches(name, p) for p in ctx.protected_branches)


def git(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    sub, args = _subcommand(inv.args)
    yield from _skipped_hooks(inv, sub, args)
    if sub in ("push", "fetch"):
        yield from _into_itself(inv, sub, args, ctx)
    if sub == "push":
        yield from _push(inv, args, ctx)
    elif sub == "reset" and "--hard" in args:
        dirty = ctx.probe("git-dirty")
        if dirty == "no":
            return
        state = "uncommitted work" if dirty == "yes" else "any uncommitted work"
        yield hit(
            "git.reset-hard",
            Severity.HIGH,
            f"reset --hard throws away {state}; it is not in the reflog",
            inv,
        )
    elif sub == "clean" and has_flag(args, "f", ("--force",)):
        yield from _clean(inv, args)
    elif sub in ("checkout", "switch", "restore"):
        yield from _discard(inv, sub, args, ctx)
    elif sub == "reset" and ("--merge" in args or "--keep" in args):
        if ctx.probe("git-dirty") != "no":
            mode = "--merge" if "--merge" in args else "--keep"
            yield hit(
                "git.discard-changes",
                Severity.MEDIUM,
                f"reset {mode} moves the branch and rewrites the files it changes; staged work "
                "in them is lost",
                inv,
            )
    elif sub == "branch" and _force_delete(args):
        yield hit(
            "git.branch-delete",
            Severity.MEDIUM,
            "branch -D deletes the branch even when its commits are merged nowhere",
            inv,
        )
    elif sub == "branch" and _force_move(args):
        yield hit(
            "git.branch-delete",
            Severity.MEDIUM,
            "branch -f points an existing branch elsewhere: commits only it had are left behind",
            inv,
        )
    elif sub == "worktree" and args[:1] == ["remove"] and has_flag(args[1:], "f", ("--force",)):
        yield hit(
            "git.discard-changes",
            Severity.MEDIUM,
            "worktree remove --force deletes the worktree with its uncommitted changes",
            inv,
        )
    elif sub == "stash" and args[:1] in (["clear"], ["drop"]):
        yield hit(
            "git.discard-changes", Severity.MEDIUM, f"stash {args[0]} deletes stashed work", inv
        )
    elif sub in ("filter-branch", "filter-repo"):
        yield hit(
            "git.history-rewrite",
            Severity.HIGH,
            f"{sub} rewrites every matching commit of the history",
            inv,
        )
    elif (
        (sub == "reflog" and args[:1] in (["expire"], ["delete"]))
        or (sub == "gc" and any(a.startswith("--prune=now") for a in args))
        or (sub == "prune" and not has_flag(args, "n", ("--dry-run",)))
    ):
        yield hit(
            "git.history-rewrite",
            Severity.MEDIUM,
            "expiring the reflog removes the way back to lost commits",
            inv,
        )
    elif sub == "update-ref" and "-d" in args:
        yield hit(
            "git.ref-delete", Severity.MEDIUM, "update-ref -d deletes a ref without checks", inv
        )
    elif sub == "update-ref":
        yield from _ref_move(inv, args, ctx)
    elif sub == "replace" and _replaces(args):
        yield hit(
            "git.protected-ref-move",
            Severity.MEDIUM,
            "replace makes every git reader see another object in place of this one (the "
            "protected commit too: the policy, the guard's and the ledger's configuration)",
            inv,
        )


def _replaces(args: list[str]) -> bool:
    """``git replace OBJ REPL``, ``--edit``, ``--graft``, ``-d`` and ``--convert-graft-file``;
    not listing (no arguments, ``-l``/``--list [PATTERN]``)."""
    if has_flag(args, "l", ("--list",)):
        return False
    return bool(args)


def _into_itself(
    inv: Invocation, sub: str, args: list[str], ctx: ShellContext
) -> Iterator[ShellFinding]:
    """``git push . topic:main`` and ``git fetch . topic:main`` (or from another local
    directory) write the repository's own protected branch, as ``update-ref`` does."""
    pos = positionals(tuple(args), {"-o", "--push-option", "--repo", "--upload-pack", "--depth"})
    if not pos or not (pos[0] == "." or pos[0].startswith(("/", "./", "../", "file://"))):
        return
    for refspec in pos[1:]:
        _, colon, dst = refspec.lstrip("+").partition(":")
        yield from _ref_move(inv, [dst], ctx, how=f"{sub} {pos[0]} {refspec}") if colon else ()


def _ref_move(
    inv: Invocation, args: list[str], ctx: ShellContext, how: str = "update-ref"
) -> Iterator[ShellFinding]:
    """``update-ref`` of a protected branch (or of origin's copy of one): the guard, the
    ledger's pins and checkpoints and the change gate read their configuration from that
    commit, and plumbing moves it to any commit without a merge or a review."""
    if "--stdin" in args:
        yield hit(
            "git.protected-ref-move",
            Severity.MEDIUM,
            "update-ref --stdin moves refs the command line does not name",
            inv,
        )
        return
    ref = next(iter(positionals(tuple(args), {"-m"})), "")
    name = ref.removeprefix("refs/heads/")
    if name.startswith("refs/remotes/"):
        name = name.removeprefix("refs/remotes/").partition("/")[2]
    if name and _protected(name, ctx):
        yield hit(
            "git.protected-ref-move",
            Severity.MEDIUM,
            f"{how} moves the protected branch {name} to a commit no merge or review "
            "brought there; the guard's and the ledger's configuration are read from it",
            inv,
        )


def _clean(inv: Invocation, args: list[str]) -> Iterator[ShellFinding]:
    if has_flag(args, "n", ("--dry-run",)):
        return
    if has_flag(args, "xX"):
        yield hit(
            "git.clean",
            Severity.HIGH,
            "clean -x also deletes ignored files (.env, local config, data)",
            inv,
        )
    elif has_flag(args, "d"):
        yield hit(
            "git.clean",
            Severity.MEDIUM,
            "clean -fd deletes every untracked file and directory",
            inv,
        )
    else:
        yield hit("git.clean", Severity.MEDIUM, "clean -f deletes every untracked file", inv)


def _force_move(args: list[str]) -> bool:
    """``branch -f NAME [START]`` (``--force``): resets NAME, which may exist, to START. Not with
    ``--delete``/listing options, and not without a name (``branch -f`` alone lists)."""
    if not has_flag(args, "f", ("--force",)):
        return False
    listing = ("--list", "--all", "--remotes", "--delete", "--move", "--copy")
    if has_flag(args, "lavrdmMcC", listing):
        return False
    return bool(positionals(args, {"-u", "--set-upstream-to", "-t", "--track"}))


def _force_delete(args: list[str]) -> bool:
    if "-D" in args or any(a.startswith("-") and not a.startswith("--") and "D" in a for a in args):
        return True
    deleting = has_flag(args, "d", ("--delete",))
    return deleting and has_flag(args, "f", ("--force",))


def _discard(
    inv: Invocation, sub: str, args: list[str], ctx: ShellContext
) -> Iterator[ShellFinding]:
    """``checkout -f``/``switch --discard-changes`` (the switch overwrites local changes),
    ``checkout [REV] -- PATHS`` and ``checkout .``, ``restore PATHS`` (the working tree unless
    only ``--staged``): the changes in those files are not in any commit or the reflog."""
    if sub == "restore":
        staged = has_flag(args, "S", ("--staged",))
        if staged and not has_flag(args, "W", ("--worktree",)):
            return
        paths = positionals(args, {"-s", "--source"})
        what = f"restore {' '.join(paths[:3]) or 'PATHS'}"
    elif has_flag(args, "f" if sub == "checkout" else "", ("--force", "--discard-changes")):
        what = f"{sub} --force"
    elif sub == "checkout" and ("--" in args or "." in args):
        what = "checkout " + " ".join(args[args.index("--") :] if "--" in args else ["."])
    else:
        return
    if not (sub == "restore" and not paths) and ctx.probe("git-dirty") != "no":
        yield hit(
            "git.discard-changes", Severity.MEDIUM, f"{what} discards uncommitted changes", inv
        )


def _push(inv: Invocation, args: list[str], ctx: ShellContext) -> Iterator[ShellFinding]:
    if has_flag(args, "n", ("--dry-run",)):
        return
    pos = positionals(args, {"-o", "--push-option", "--repo", "--receive-pack", "--exec"})
    refspecs = pos[1:]
    lease = any(a.startswith(("--force-with-lease", "--force-if-includes")) for a in args)
    force = has_flag(args, "f", ("--force",)) or any(r.startswith("+") for r in refspecs)
    targets = [r.lstrip("+").split(":")[-1] for r in refspecs] or [
        ctx.probe("git-branch") or "the current branch"
    ]
    if (
        has_flag(args, "d", ("--delete",))
        or any(r.startswith(":") for r in refspecs)
        or "--mirror" in args
        or "--prune" in args
    ):
        deleted = (
            [r.lstrip(":") for r in refspecs if r.startswith(":")] or refspecs or ["remote refs"]
        )
        severity = Severity.CRITICAL if any(_protected(d, ctx) for d in deleted) else Severity.HIGH
        yield hit(
            "git.remote-delete",
            severity,
            f"deletes {', '.join(deleted)} on the remote for everyone",
            inv,
        )
        return
    if not force and not lease:
        return
    protected = [t for t in targets if _protected(t, ctx)]
    unknown = "the current branch" in targets
    if force and not lease:
        if protected:
            yield hit(
                "git.force-push",
                Severity.CRITICAL,
                f"force push without lease to protected {', '.join(protected)} "
                "overwrites others' commits",
                inv,
            )
        elif unknown:
            yield hit(
                "git.force-push",
                Severity.HIGH,
                "force push without lease to a branch that cannot be told from the command",
                inv,
            )
        else:
            yield hit(
                "git.force-push",
                Severity.LOW,
                f"force push to {', '.join(targets)} (not protected)",
                inv,
            )
    elif protected:
        yield hit(
            "git.force-push",
            Severity.HIGH,
            f"force push (with lease) rewrites protected {', '.join(protected)}",
            inv,
        )


RULES = {"git": (git,)}
