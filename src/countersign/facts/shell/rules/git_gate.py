"""The gate's own files (``.countersign/``: the guard's settings and packs, the ledger's pins
and checkpoints, the policy) moved onto the branch the guard believes without a review the
guard can see: a push of such commits to a protected branch (a forge without branch
protection, or a bare repository on a disk, accepts it, and origin's copy is then believed),
and, where the local branch is what is believed (no origin copy), a commit, merge,
cherry-pick, rebase or reset that brings them there. Other files pass; what cannot be
compared (git cannot resolve what is pushed) is asked."""

from __future__ import annotations

from collections.abc import Iterator

from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.finding import Severity, ShellFinding
from countersign.facts.shell.globs import fnmatches
from countersign.facts.shell.invocation import Invocation
from countersign.facts.shell.rule import has_flag, hit, positionals
from countersign.facts.shell.rules.git import _subcommand

RULE = "git.protected-ref-move"
_WHY = "the guard's, the ledger's and the policy's configuration are read from that branch"
_PUSH_VALUES = {"-o", "--push-option", "--repo", "--receive-pack", "--exec"}
# Options whose value is the next word, per command that moves the current branch.
_VALUES = {
    "merge": {"-m", "-F", "--file", "-s", "--strategy", "-X", "--strategy-option", "--into-name"},
    "cherry-pick": {"-m", "--mainline", "-s", "--strategy", "-X", "--strategy-option"},
    "revert": {"-m", "--mainline", "-s", "--strategy", "-X", "--strategy-option"},
    "rebase": {"-s", "--strategy", "-X", "--strategy-option", "-x", "--exec", "--onto", "-C"},
    "reset": {"--pathspec-from-file"},
}
_FROM_ELSEWHERE = ("pull", "am")  # what they bring is not in the repository yet


def gate_moves(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    sub, args = _subcommand(inv.args)
    found = _push(args, ctx) if sub == "push" else _onto_believed(sub, args, ctx)
    if found:
        yield hit(RULE, Severity.MEDIUM, f"{found}; {_WHY}", inv)


def _protected(name: str, ctx: ShellContext) -> bool:
    return any(fnmatches(name.removeprefix("refs/heads/"), p) for p in ctx.protected_branches)


def _push(args: list[str], ctx: ShellContext) -> str:
    """A plain push (force and deletion are judged as such in ``rules.git``)."""
    if has_flag(args, "n", ("--dry-run",)) or has_flag(args, "fd", ("--force", "--delete")):
        return ""
    if any(a.startswith(("--force-with-lease", "--force-if-includes", "--mirror")) for a in args):
        return ""
    pos = positionals(args, _PUSH_VALUES)
    refspecs = [r.lstrip("+") for r in pos[1:]]
    if any(r.startswith("+") for r in pos[1:]):
        return ""
    pairs: list[tuple[str, str, bool]] = []
    if "--all" in args or "--branches" in args:
        names = [b for b in ctx.protected_branches if not set(b) & set("*?[")]
        pairs = [(f"refs/heads/{b}", b, True) for b in names]
    elif not refspecs:
        current = ctx.probe("git-branch")
        if current:
            pairs = [(current, current, False)]
    for refspec in refspecs:
        src, colon, dst = refspec.partition(":")
        dst = dst if colon else src
        if dst in ("HEAD", "@"):
            dst = ctx.probe("git-branch") or ""
        if dst and src:
            pairs.append((src, dst.removeprefix("refs/heads/"), False))
    for src, dst, optional in pairs:
        if not _protected(dst, ctx):
            continue
        changed = ctx.probe(f"gate-push {dst} {src}{' optional' if optional else ''}")
        if changed is None:
            continue  # no live facts (``--batch``): a plain push is judged as it always was
        if changed == "yes":
            return (
                f"push to {dst} changes .countersign/, which the guard believes once {dst} has it"
            )
        if changed != "no":
            return f"push to {dst}: whether it changes .countersign/ could not be told"
    return ""


def _onto_believed(sub: str, args: list[str], ctx: ShellContext) -> str:
    moves = sub == "commit" or sub in _VALUES or sub in _FROM_ELSEWHERE
    if not moves:
        return ""
    branch = ctx.probe("git-branch")
    if not branch or not _protected(branch, ctx):
        return ""
    believed = ctx.probe("believed-ref " + " ".join(ctx.protected_branches))
    if believed and believed != f"refs/heads/{branch}":
        return ""  # origin's copy is believed: this commit counts once pushed
    # none yet (a repository with no commit): the first commit on it is what will be believed
    what = f"{sub} on {branch}, the branch the guard believes here (no origin copy)"
    if sub in _FROM_ELSEWHERE:
        return f"{what}, brings commits it cannot see"
    continuing = any(a in ("--continue", "--skip") for a in args)
    if sub == "commit" or continuing:
        staged = ctx.probe("gate-staged")
        if staged == "no":
            return ""
        return f"{what}, commits a change of .countersign/" if staged == "yes" else what
    if any(a in ("--abort", "--quit") for a in args):
        return ""
    revs = positionals(args, _VALUES[sub])
    if sub == "reset" and "--" in args:
        return ""  # paths: the index, not the branch
    if not revs:
        if sub == "reset":
            return ""
        return f"{what}, onto a commit the command does not name"
    changed = ctx.probe(f"gate-diff {revs[0]}")
    if changed == "no":
        return ""
    if changed == "yes":
        return f"{what}, brings a change of .countersign/ from {revs[0]}"
    return f"{what}: whether {revs[0]} changes .countersign/ could not be told"


RULES = {"git": (gate_moves,)}
