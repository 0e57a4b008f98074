"""Per-installation bare mirrors: the worker's local cache of each repository's git data,
fetched with the installation's token. A mirror holds no state: deleting it costs one fetch.

The token goes to git through the environment (``GIT_CONFIG_*``), never into the mirror's
config or the command line. Two jobs on one machine never fetch into one mirror at once (a
file lock); workers on other machines have mirrors of their own.
"""

from __future__ import annotations

import base64
import fcntl
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from countersign.errors import InputError

GIT_TIMEOUT_S = 300


def mirror_path(state_dir: Path, installation: int, repository: str) -> Path:
    owner, _, name = repository.partition("/")
    if not owner or not name or ".." in repository or repository.count("/") != 1:
        raise InputError(f"not a repository name: {repository!r}")
    return state_dir / "mirrors" / str(installation) / owner / f"{name}.git"


def remote_url(template: str, repository: str) -> str:
    return template.replace("{repository}", repository)


def fetch(
    mirror: Path,
    url: str,
    refspecs: list[str],
    *,
    token: str | None = None,
    prune: bool = False,
) -> None:
    """Fetch ``refspecs`` (ref names or commit ids) from ``url`` into ``mirror``, creating it
    on first use. A ref the remote does not have fails the fetch; ``prune``: refs under a
    glob refspec's destination that the remote no longer has are deleted."""
    mirror.parent.mkdir(parents=True, exist_ok=True)
    flags = ("--prune",) if prune else ()
    with _locked(mirror.with_suffix(".lock")):
        if not (mirror / "HEAD").is_file():
            _git(mirror.parent, "init", "--bare", "--quiet", str(mirror))
        _git(mirror, "fetch", "--quiet", "--no-tags", *flags, url, *refspecs, token=token)


def push(mirror: Path, url: str, refspec: str, *, token: str | None = None) -> None:
    """Push ``refspec`` (``<commit>:<ref>``, never forced: a ref someone moved meanwhile
    refuses it, and the caller builds on the new tip) from ``mirror`` to ``url``."""
    with _locked(mirror.with_suffix(".lock")):
        _git(mirror, "push", "--quiet", "--no-verify", url, refspec, token=token)


def commit_file(mirror: Path, parent: str | None, path: str, data: bytes, message: str) -> str:
    """A commit (on ``parent``, or a root commit) whose tree holds only ``path`` with ``data``;
    written to ``mirror``'s object store, no ref moved. The author is the App."""
    blob = _out(mirror, "hash-object", "-w", "--stdin", data=data)
    *dirs, name = path.split("/")
    entry = f"100644 blob {blob}\t{name}\n"
    for directory in reversed(dirs):
        tree = _out(mirror, "mktree", data=entry.encode())
        entry = f"040000 tree {tree}\t{directory}\n"
    root = _out(mirror, "mktree", data=entry.encode())
    return _out(
        mirror, "commit-tree", root, *(("-p", parent) if parent else ()), "-m", message, env=BOT
    )


def set_ref(mirror: Path, ref: str, commit: str) -> None:
    _out(mirror, "update-ref", ref, commit)


BOT = {
    "GIT_AUTHOR_NAME": "countersign[bot]",
    "GIT_AUTHOR_EMAIL": "countersign[bot]@users.noreply.github.com",
    "GIT_COMMITTER_NAME": "countersign[bot]",
    "GIT_COMMITTER_EMAIL": "countersign[bot]@users.noreply.github.com",
}


def _out(where: Path, *args: str, data: bytes = b"", env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        ["git", "-C", str(where), *args],
        input=data,
        capture_output=True,
        env={**os.environ, **(env or {})},
        timeout=GIT_TIMEOUT_S,
        check=False,
    )
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise InputError(f"git {args[0]} failed: {message[-1] if message else 'no message'}")
    return result.stdout.decode().strip()


def has_commit(mirror: Path, sha: str) -> bool:
    if not (mirror / "HEAD").is_file():
        return False
    result = subprocess.run(
        ["git", "-C", str(mirror), "cat-file", "-e", f"{sha}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


def _git(where: Path, *args: str, token: str | None = None) -> None:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0")
    if token:
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        env |= {
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": "http.extraHeader",
            "GIT_CONFIG_VALUE_0": f"Authorization: Basic {basic}",
        }
    result = subprocess.run(
        ["git", "-C", str(where), *args],
        capture_output=True,
        env=env,
        timeout=GIT_TIMEOUT_S,
        check=False,
    )
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise InputError(f"git {args[0]} failed: {message[-1] if message else 'no message'}")


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def resolve(mirror: Path, ref: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(mirror), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise InputError(f"{ref} is not in the mirror {mirror.name}")
    return result.stdout.decode().strip()


def refs(mirror: Path, prefix: str) -> list[tuple[str, str]]:
    """(commit, ref name) of every ref under ``prefix``."""
    result = subprocess.run(
        ["git", "-C", str(mirror), "for-each-ref", "--format=%(objectname) %(refname)", prefix],
        capture_output=True,
        check=False,
    )
    pairs = (line.split(" ", 1) for line in result.stdout.decode().splitlines())
    return [(sha, name) for sha, name in pairs]


def first_parent_chain(mirror: Path, base: str, head: str, *, limit: int) -> list[str] | None:
    """The commits from ``base`` (exclusive) to ``head`` along first parents, oldest first;
    None when ``base`` is not on that line (the head does not build on it) or the line is
    longer than ``limit``."""
    result = subprocess.run(
        ["git", "-C", str(mirror), "rev-list", "--first-parent", "--parents",
         f"--max-count={limit + 1}", f"{base}..{head}"],
        capture_output=True,
        check=False,
    )  # fmt: skip
    if result.returncode != 0:
        return None
    lines = [line.split() for line in result.stdout.decode().splitlines()]
    if len(lines) > limit:
        return None
    if not lines:
        return [] if resolve(mirror, head) == resolve(mirror, base) else None
    oldest = lines[-1]
    if len(oldest) < 2 or oldest[1] != resolve(mirror, base):
        return None
    return [line[0] for line in reversed(lines)]
