"""Running the git command line, and the little the ledger and the guard ask of it: a few
standard-library imports, so that recording a decision does not load the change reader."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path
from typing import Any

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


class _Kept(threading.local):
    """The ``git.BlobReader`` each thread keeps open, by repository: its pipes serve one thread
    (two jobs of a worker may read one repository at once)."""

    def __init__(self) -> None:
        self.readers: dict[str, Any] = {}


_KEPT = _Kept()


def keep_reader(root: Path | str, reader: Any) -> None:
    _KEPT.readers[str(root)] = reader


def drop_reader(root: Path | str, reader: Any) -> None:
    if _KEPT.readers.get(str(root)) is reader:
        del _KEPT.readers[str(root)]


def kept_reader(root: Path | str) -> Any:
    """This thread's ``git.BlobReader`` of ``root``, or None."""
    return _KEPT.readers.get(str(root))


def read_named(root: Path | str, names: list[str]) -> list[bytes | None]:
    """The content of each blob ``names`` names (``rev:path``), in order, None where there is
    none (missing, ambiguous, not a blob); one ``git cat-file --batch``, or this thread's kept
    reader. A name holding a line break is never asked."""
    asked = [name for name in names if "\n" not in name]
    reader = kept_reader(root)
    if not asked:
        found: list[tuple[str, bytes] | None] = []
    elif reader is not None:
        found = reader.named(asked)
    else:
        query = "".join(f"{name}\n" for name in asked).encode()
        found = _parse_named(git(root, "cat-file", "--batch", input_=query), len(asked))
    answers = iter(found)
    out: list[bytes | None] = []
    for name in names:
        answer = next(answers) if "\n" not in name else None
        out.append(answer[1] if answer is not None else None)
    return out


def _parse_named(out: bytes, count: int) -> list[tuple[str, bytes] | None]:
    """``git cat-file --batch``'s answer to ``count`` names: (id, content) of each blob."""
    found: list[tuple[str, bytes] | None] = []
    at = 0
    for _ in range(count):
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) != 3:
            found.append(None)  # missing or ambiguous: nothing follows
            continue
        size = int(header[2])
        blob = header[1] == b"blob"
        found.append((header[0].decode("ascii"), out[at : at + size]) if blob else None)
        at += size + 1
    return found
