"""Per-installation bare mirrors: the worker's local cache of each repository's git data,
fetched with the installation's token. A mirror holds no state: deleting it costs one fetch.

The token goes to git through the environment (``GIT_CONFIG_*``), never into the mirror's
config or the command line. Two jobs on one machine never fetch into one mirror at once (a
file lock); workers on other machines have mirrors of their own.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import subprocess
import threading
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


REMOTE = "origin"  # a partial mirror's promisor remote
URL_FILE = "countersign-remote-url"  # the URL that remote was last given
FETCHED_FILE = "countersign-fetched.json"  # branch -> when (the database's clock) its fetch began


def fetched_at(mirror: Path, ref: str) -> str | None:
    """When the last fetch of ``ref`` into ``mirror`` began (``record_fetched``), or None."""
    try:
        found = json.loads((mirror / FETCHED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    when = found.get(ref) if isinstance(found, dict) else None
    return when if isinstance(when, str) else None


# git's own gc.autoPackLimit: past it, "gc --auto" repacks (in the background).
PACK_LIMIT = 50


def needs_maintenance(mirror: Path) -> bool:
    """More packs than ``PACK_LIMIT``: every fetch from a partial clone's remote keeps its own
    pack (59 after 59 evaluations of new heads), and each object lookup reads every pack's
    index, so a fetch that would skip automatic maintenance should run it now. Counted from the
    directory, without starting git."""
    try:
        packs = sum(path.suffix == ".pack" for path in (mirror / "objects" / "pack").iterdir())
    except OSError:
        return False
    return packs > PACK_LIMIT


def read_ref(mirror: Path, ref: str) -> str | None:
    """The id ``ref`` (a full name, a branch or a pull request's ref: never a tag, so no
    peeling) holds in ``mirror``, read from its files without starting git; None when it is
    not there, or is symbolic."""
    try:
        loose = (mirror / ref).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        loose = ""
    if loose:
        return loose if len(loose) == 40 and not loose.startswith("ref:") else None
    try:
        packed = (mirror / "packed-refs").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in packed.splitlines():
        sha, _, name = line.partition(" ")
        if name == ref and len(sha) == 40:
            return sha
    return None


def record_fetched(mirror: Path, ref: str, at: str) -> None:
    """Note that a fetch of ``ref`` that began at ``at`` landed. Two writers at once may lose
    one of their notes: that costs one fetch more, never one less."""
    path = mirror / FETCHED_FILE
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        found = {}
    if not isinstance(found, dict):
        found = {}
    found[ref] = at
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}")
    temporary.write_text(json.dumps(found), encoding="utf-8")
    temporary.replace(path)


def fetch(
    mirror: Path,
    url: str,
    refspecs: list[str],
    *,
    token: str | None = None,
    prune: bool = False,
    partial: str = "",
    complete: bool = True,
    maintain: bool = True,
) -> None:
    """Fetch ``refspecs`` (ref names or commit ids) from ``url`` into ``mirror``, creating it
    on first use. A ref the remote does not have fails the fetch; ``prune``: refs under a
    glob refspec's destination that the remote no longer has are deleted.

    ``partial``: a partial clone filter (``blob:none``): commits and trees come, blobs only
    for what is read. Then ``complete``: the trees of what was fetched get their blobs in one
    more fetch (``complete_trees``); a caller that completes later itself passes False.
    ``maintain`` False: no automatic maintenance after the fetch (one git process fewer on
    the evaluation's fetch, which asks for it only when the packs pile up:
    ``needs_maintenance``)."""
    mirror.parent.mkdir(parents=True, exist_ok=True)
    flags: tuple[str, ...] = ("--prune",) if prune else ()
    if not maintain:
        flags += ("--no-auto-maintenance",)
    with _locked(mirror.with_suffix(".lock")):
        if not (mirror / "HEAD").is_file():
            _git(mirror.parent, "init", "--bare", "--quiet", str(mirror))
        if not partial:
            _git(mirror, "fetch", "--quiet", "--no-tags", *flags, url, *refspecs, token=token)
            return
        _promisor(mirror, url, partial)
        _git(
            mirror,
            "fetch",
            "--quiet",
            "--no-tags",
            f"--filter={partial}",
            *flags,
            REMOTE,
            *refspecs,
            token=token,
        )
        if complete:
            _complete(mirror, partial, [_fetched(spec) for spec in refspecs], token)


def complete_trees(
    mirror: Path, commits: list[str], *, partial: str, token: str | None = None
) -> str | None:
    """Fetch, in one request, every blob of the trees of ``commits`` (and of the merge base
    of the first two: a change's diff reads it) that a partial ``mirror`` lacks, plus those of
    the ledger's published checkpoints: what an evaluation reads, so no read of it needs git
    to fetch lazily (a lazy fetch would go without the installation token). Nothing to do for
    a full mirror, nor when nothing is missing. The merge base of the first two (None: a full
    mirror, or they have none)."""
    if not partial:
        return None
    named = list(commits)
    merge_base = None
    if len(commits) >= 2:
        base = subprocess.run(
            ["git", "-C", str(mirror), "merge-base", commits[0], commits[1]],
            capture_output=True,
            check=False,
        )
        merge_base = next(iter(base.stdout.decode().split()), None)
        named += [merge_base] if merge_base else []
    with _locked(mirror.with_suffix(".lock")):
        _complete(mirror, partial, [*named, "--glob=refs/heads/countersign/*"], token)
    return merge_base


def complete(mirror: Path, revisions: list[str], *, partial: str, token: str | None = None) -> None:
    """Fetch, in one request, the blobs of the trees of ``revisions`` (commits, ``--glob=``)
    that a partial ``mirror`` lacks; nothing when none is missing, or for a full mirror."""
    if partial:
        with _locked(mirror.with_suffix(".lock")):
            _complete(mirror, partial, revisions, token)


def _fetched(refspec: str) -> str:
    """What rev-list names for what ``refspec`` fetched: its destination (a glob as
    ``--glob``), or the commit id it named."""
    destination = refspec.lstrip("+").rpartition(":")[2]
    return f"--glob={destination}" if "*" in destination else destination


def _complete(mirror: Path, partial: str, revisions: list[str], token: str | None) -> None:
    listed = subprocess.run(
        ["git", "-C", str(mirror), "rev-list", "--objects", "--missing=print", "--no-walk",
         *revisions, "--"],
        capture_output=True,
        check=False,
    )  # fmt: skip
    if listed.returncode != 0:
        message = listed.stderr.decode(errors="replace").strip().splitlines()
        raise InputError(f"git rev-list failed: {message[-1] if message else 'no message'}")
    missing = [line[1:] for line in listed.stdout.decode().splitlines() if line[:1] == "?"]
    if missing:
        _git(
            mirror,
            "fetch",
            "--quiet",
            "--no-tags",
            "--no-write-fetch-head",
            f"--filter={partial}",
            "--stdin",
            REMOTE,
            token=token,
            data="".join(f"{oid}\n" for oid in missing).encode(),
        )


def _promisor(mirror: Path, url: str, partial: str) -> None:
    """Make ``mirror`` a partial clone of ``url``: a named remote (git fetches with a filter
    only from one), its URL kept current. The token is never written here."""
    marker = mirror / URL_FILE
    if marker.is_file() and marker.read_text(encoding="utf-8") == f"{url}\n{partial}":
        return
    for key, value in (
        ("core.repositoryFormatVersion", "1"),
        ("extensions.partialClone", REMOTE),
        (f"remote.{REMOTE}.url", url),
        (f"remote.{REMOTE}.promisor", "true"),
        (f"remote.{REMOTE}.partialCloneFilter", partial),
    ):
        _git(mirror, "config", key, value)
    marker.write_text(f"{url}\n{partial}", encoding="utf-8")


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


def peel_commits(mirror: Path, names: list[str]) -> list[str | None]:
    """The commit each of ``names`` (a ref or a commit id) names in ``mirror``, None where it
    has none: one git process for all of them."""
    if not (mirror / "HEAD").is_file():
        return [None] * len(names)
    result = subprocess.run(
        ["git", "-C", str(mirror), "cat-file", "--batch-check=%(objectname)"],
        input="".join(f"{name}^{{commit}}\n" for name in names).encode(),
        capture_output=True,
        check=False,
    )
    lines = result.stdout.decode().splitlines()
    if result.returncode != 0 or len(lines) != len(names):
        message = result.stderr.decode(errors="replace").strip()
        raise InputError(f"git cat-file failed: {message or 'no message'}")
    return [None if line.endswith(" missing") else line for line in lines]


def _git(where: Path, *args: str, token: str | None = None, data: bytes | None = None) -> None:
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
        input=data,
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
    """(commit, ref name) of ``prefix`` and every ref under it, sorted by name, as
    ``git for-each-ref`` lists them, read from the mirror's files without starting git (every
    evaluation reads the published checkpoints so). A mirror whose refs are not plain files
    (reftable, a symbolic ref, an unreadable file) is asked of git."""
    found = _ref_files(mirror, prefix)
    return found if found is not None else _listed_refs(mirror, prefix)


def _ref_files(mirror: Path, prefix: str) -> list[tuple[str, str]] | None:
    if (mirror / "reftable").exists() or not prefix.startswith("refs/"):
        return None
    under = prefix.rstrip("/")
    found: dict[str, str] = {}
    # Loose first, then packed: ``pack-refs`` writes packed-refs before it deletes the loose
    # file, so a ref moving between them is seen in one or the other.
    top = mirror / under
    # A ``.lock`` file is a ref being written (no ref name ends so).
    loose = (
        [top]
        if top.is_file()
        else sorted(p for p in top.rglob("*") if p.is_file() and not p.name.endswith(".lock"))
    )
    for path in loose:
        try:
            sha = path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        if len(sha) != 40 or sha.startswith("ref:"):
            return None
        found[path.relative_to(mirror).as_posix()] = sha
    try:
        packed = (mirror / "packed-refs").read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        packed = ""
    except OSError:
        return None
    for line in packed.splitlines():
        sha, _, name = line.partition(" ")
        if len(sha) == 40 and (name == under or name.startswith(f"{under}/")):
            found.setdefault(name, sha)
    return sorted(((sha, name) for name, sha in found.items()), key=lambda pair: pair[1])


def _listed_refs(mirror: Path, prefix: str) -> list[tuple[str, str]]:
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
