"""Running the git command line, and the little the ledger and the guard ask of it: a few
standard-library imports, so that recording a decision does not load the change reader."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from countersign.errors import InputError

GIT = (
    "git",
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
        first = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"git {args[0]} failed: {first[0] if first else 'no message'}")
    return proc.stdout


def default_branch(root: Path) -> str | None:
    try:
        ref = git(root, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD").decode().strip()
        return ref.removeprefix("refs/remotes/")
    except InputError:
        pass
    for name in ("main", "master", "trunk"):
        try:
            git(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{name}")
        except InputError:
            continue
        return name
    return None
