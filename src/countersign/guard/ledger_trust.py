"""What the ledger trusts, read for the guard in-process: the protected branch as
``signoff.pins.protected_rev`` names it, the keys pinned there and the checkpoints committed
there and on the service's published branch, from git's refs and object store with every hash
checked (``guard.object_store``), instead of three git processes on every ask and deny.

Full ref names are read (``refs/heads/main``), never a short name git would resolve through a
tag first. Where the reader stops (a reftable or SHA-256 repository, an object it does not
find) the caller asks git as before; an object that does not hash to its id is a
``LedgerError``: the decision is not recorded, and the hook answers its error decision.
"""

from __future__ import annotations

import os

from countersign.errors import LedgerError
from countersign.guard.protected import (
    Corrupt,
    Unreadable,
    committed_file,
    git_dirs,
    ref_commit,
)

CONFIG_DIR = ".countersign"  # countersign.config.CONFIG_DIR (a test keeps them equal)
PIN_PATH = f"{CONFIG_DIR}/ledger-keys"  # signoff.pins.PIN_FILE
CHECKPOINT_PATH = f"{CONFIG_DIR}/ledger-checkpoints"  # signoff.checkpoint.CHECKPOINT_FILE
DEFAULT_NAMES = ("main", "master", "trunk")  # intake.git_command.DEFAULT_NAMES
PUBLISHED = (  # signoff.checkpoint.PUBLISHED
    "refs/heads/countersign/checkpoints",
    "refs/remotes/origin/countersign/checkpoints",
)

Committed = tuple[str, bytes | None, list[tuple[str, bytes]]]


def committed(root: str) -> Committed | None:
    """``(rev, pins file, [(rev, checkpoints file)])`` as committed, where ``rev`` is the name
    ``protected_rev`` gives the protected branch (for messages); None when only git can tell."""
    try:
        return _committed(root)
    except Unreadable:
        return None
    except (Corrupt, RecursionError) as exc:
        raise LedgerError(
            f"{root}: the protected branch's ledger configuration cannot be read ({exc}); "
            "run `git fsck` and restore the object from a clone"
        ) from None


def _committed(root: str) -> Committed | None:
    dirs = git_dirs(root)
    if dirs is None:
        return None
    gitdir, common = dirs
    if os.path.exists(os.path.join(common, "reftable")):  # noqa: PTH110, PTH118
        return None  # refs this reader does not read
    rev, commit = _protected(gitdir, common)
    pins = _file(common, commit, PIN_PATH) if commit else None
    checkpoints = []
    for name, at in ((rev, commit), *((ref, ref_commit(common, ref)) for ref in PUBLISHED)):
        text = _file(common, at, CHECKPOINT_PATH) if at else None
        if text is not None:
            checkpoints.append((name, text))
    return rev, pins, checkpoints


def _protected(gitdir: str, common: str) -> tuple[str, str | None]:
    """origin's HEAD (when it is symbolic and resolves), else the first of origin's main,
    master and trunk, else the first local one, else ``HEAD``: the name, and its commit (None:
    an unborn HEAD). As ``intake.git_command.protected_branch`` names it."""
    origin = _symbolic(os.path.join(common, "refs", "remotes", "origin", "HEAD"))  # noqa: PTH118
    if origin and origin.startswith("refs/remotes/"):
        commit = ref_commit(common, origin)
        if commit:
            return origin.removeprefix("refs/remotes/"), commit
    for prefix in ("refs/remotes/", "refs/heads/"):
        for name in DEFAULT_NAMES:
            short = name if prefix == "refs/heads/" else f"origin/{name}"
            commit = ref_commit(common, prefix + short)
            if commit:
                return short, commit
    head = _symbolic(os.path.join(gitdir, "HEAD"))  # noqa: PTH118
    if head is not None:
        return "HEAD", ref_commit(common, head)
    return "HEAD", ref_commit(gitdir, "HEAD")


def _symbolic(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:  # noqa: PTH123
            value = fh.read(400).strip()
    except OSError:
        return None
    return value[5:].strip() if value.startswith("ref: ") else None


def _file(common: str, commit: str, path: str) -> bytes | None:
    if len(commit) != 40:
        raise Unreadable(f"{commit} is not a SHA-1 object id")
    return committed_file(common, commit, path)
