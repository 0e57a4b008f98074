"""Install and remove countersign's git hooks, respecting ``core.hooksPath`` and never clobbering
a hook someone else wrote (it is chained on request, or the install is refused)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from countersign.errors import UsageError
from countersign.intake.git import git

MARKER = "# countersign-managed hook"
CHAINED_SUFFIX = ".countersign-chained"

# The install that wrote the hook runs it while it is there (a `countersign` found first on
# PATH may be another install, or a version manager's stale shim); then the one on PATH.
SCRIPT = """#!/bin/sh
{marker}: written by `countersign hooks install`; remove with `countersign hooks uninstall`.
{chain}if [ -x {python} ]; then
  exec {python} -m countersign hooks {name} "$@"
fi
exec countersign hooks {name} "$@"
"""
CHAIN = '"$(dirname "$0")/{name}{suffix}" "$@" || exit $?\n'
# pre-push reads the pushed refs on stdin: kept, and given to the chained hook and to ours.
STDIN_SCRIPT = """#!/bin/sh
{marker}: written by `countersign hooks install`; remove with `countersign hooks uninstall`.
refs=$(cat)
{chain}if [ -x {python} ]; then
  printf '%s\\n' "$refs" | {python} -m countersign hooks {name} "$@"
  exit $?
fi
printf '%s\\n' "$refs" | countersign hooks {name} "$@"
"""
STDIN_CHAIN = 'printf \'%s\\n\' "$refs" | "$(dirname "$0")/{name}{suffix}" "$@" || exit $?\n'
READS_STDIN = frozenset({"pre-push"})


def hooks_dir(root: Path) -> Path:
    """``--git-path hooks`` honours ``core.hooksPath`` and linked worktrees."""
    path = Path(git(root, "rev-parse", "--git-path", "hooks").decode().strip())
    return path if path.is_absolute() else root / path


def install_hook(root: Path, name: str = "commit-msg", chain: bool = False) -> str:
    directory = hooks_dir(root)
    hook = directory / name
    chained = directory / f"{name}{CHAINED_SUFFIX}"
    if hook.exists() and not is_ours(hook):
        if not chain:
            raise UsageError(
                f"{hook} already exists and was not written by countersign; pass --chain to run "
                f'it before countersign\'s hook, or add `countersign hooks {name} "$1"` to it'
            )
        hook.replace(chained)
    directory.mkdir(parents=True, exist_ok=True)
    script, chain_line = (STDIN_SCRIPT, STDIN_CHAIN) if name in READS_STDIN else (SCRIPT, CHAIN)
    text = script.format(
        marker=MARKER,
        chain=chain_line.format(name=name, suffix=CHAINED_SUFFIX) if chained.exists() else "",
        name=name,
        python=shlex.quote(sys.executable),
    )
    hook.write_text(text, encoding="utf-8")
    hook.chmod(0o755)
    return f"installed {hook}" + (f" (runs {chained.name} first)" if chained.exists() else "")


def uninstall_hook(root: Path, name: str = "commit-msg") -> str:
    directory = hooks_dir(root)
    hook = directory / name
    chained = directory / f"{name}{CHAINED_SUFFIX}"
    if not hook.exists():
        return f"no {name} hook in {directory}"
    if not is_ours(hook):
        raise UsageError(f"{hook} was not written by countersign; left as it is")
    hook.unlink()
    if chained.exists():
        chained.replace(hook)
        return f"removed countersign's {name} hook; restored the previous one"
    return f"removed {hook}"


def is_ours(hook: Path) -> bool:
    try:
        return MARKER in hook.read_text(encoding="utf-8", errors="replace")[:500]
    except OSError:
        return False
