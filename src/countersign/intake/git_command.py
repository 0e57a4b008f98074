"""Running the git command line, and the little the ledger and the guard ask of it: a few
standard-library imports, so that recording a decision does not load the change reader."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from countersign.errors import InputError

GIT = (
    "git",
    # refs/replace/* make git show another object in place of one: the protected commit
    # replaced by the agent's own would read as the agent's policy and configuration
    "--no-replace-objects",
    "-c",
    "core.quotePath=false",
    "-c",
    "diff.noprefix=false",
    "-c",
    "diff.mnemonicPrefix=false",
    "-c",
    "diff.suppressBlankEmpty=false",
    "-c",
    "diff.renameLimit=100000",
    "-c",
    "core.bigFileThreshold=512m",
    "-c",
    "color.ui=false",
)


def git(
    root: Path | str, *args: str, input_: bytes | None = None, env: dict[str, str] | None = None
) -> bytes:
    try:
        proc = subprocess.run(
            [*GIT, *args],
            cwd=root,
            input=input_,
            capture_output=True,
            check=False,
            env={**os.environ, **(env or {})},
        )
    except FileNotFoundError:
        raise InputError("git is not installed or not on PATH; install git and retry") from None
    if proc.returncode != 0:
        raise failure(args[0], proc.stderr.decode("utf-8", "replace").strip().splitlines())
    return proc.stdout


class MissingObjectError(InputError):
    """git could not read an object the command needed: the repository is damaged or partial."""


# What git says when the object store lacks an object a command needed (a damaged mirror, a
# shallow or partial clone read past its edge).
_MISSING_OBJECT = ("unable to read", "bad object", "missing blob", "missing tree", "is corrupt")


def failure(command: str, stderr_lines: list[str]) -> InputError:
    """The error for a git command that failed, from the first line it wrote."""
    first = stderr_lines[0] if stderr_lines else "no message"
    message = f"git {command} failed: {first}"
    if any(m in first for m in _MISSING_OBJECT):
        return MissingObjectError(message)
    return InputError(message)


DEFAULT_NAMES = ("main", "master", "trunk")


def _refs(root: Path, prefixes: list[str]) -> dict[str, str] | None:
    """origin's HEAD and the default names under each prefix that exist (ref -> the ref a
    symbolic one points to), in one git process; None where git cannot read the refs."""
    patterns = ["refs/remotes/origin/HEAD", *(p + name for p in prefixes for name in DEFAULT_NAMES)]
    try:
        out = git(root, "for-each-ref", "--format=%(refname)%00%(symref)", *patterns)
    except InputError:
        return None
    return dict(line.partition("\0")[::2] for line in out.decode().splitlines())


def default_branch(root: Path) -> str | None:
    """origin's HEAD, else the first of main, master and trunk that exists: one git process
    (it was up to four, on every check and every evaluation of the service)."""
    found = _refs(root, ["refs/heads/"])
    if found is None:
        return None
    origin = found.get("refs/remotes/origin/HEAD")
    if origin:
        return origin.removeprefix("refs/remotes/")
    return next((name for name in DEFAULT_NAMES if f"refs/heads/{name}" in found), None)


def protected_branch(root: Path) -> str | None:
    """The branch whose committed configuration a reader trusts: origin's HEAD, else origin's
    main, master or trunk, else the local one. origin's copy comes first (unlike
    ``default_branch``): it is what the forge accepted, where a local branch moves with any
    commit on this machine. One git process."""
    found = _refs(root, ["refs/remotes/origin/", "refs/heads/"])
    if found is None:
        return None
    origin = found.get("refs/remotes/origin/HEAD")
    if origin:
        return origin.removeprefix("refs/remotes/")
    for prefix in ("refs/remotes/origin/", "refs/heads/"):
        for name in DEFAULT_NAMES:
            if prefix + name in found:
                return (prefix + name).removeprefix("refs/heads/").removeprefix("refs/remotes/")
    return None
