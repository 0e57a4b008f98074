"""The words a repository's own rule packs add to the prescreen, cached where the fast path can
read them without git: ``guard-packs.json`` in the state directory names the refs its packs
were read from and their commits. The fast path trusts it only while every one of those refs
still points where it did (read from the ref files, as git stores them); otherwise, or when it
is missing, the command takes the full path, which reads the packs and writes the file again.

Standard library and ``os.path`` only: this runs before every shell command an agent issues.
"""

from __future__ import annotations

import json
import os

FILE = "guard-packs.json"
MAX_PACKED_REFS = 4_000_000


def ref_commit(common: str, ref: str, depth: int = 0) -> str | None:
    """The commit ``ref`` (``refs/heads/main``) points to, or None when it does not exist."""
    try:
        with open(os.path.join(common, ref), encoding="utf-8", errors="replace") as fh:  # noqa: PTH118, PTH123
            value = fh.read(400).strip()
    except OSError:
        value = ""
    if value.startswith("ref: ") and depth < 5:
        return ref_commit(common, value[5:].strip(), depth + 1)
    if value:
        return value
    return _packed(common).get(ref)


def refs_current(
    common: str, refs: list[tuple[str, str | None]], seen: dict[str, str | None] | None = None
) -> bool:
    """Whether every ref still points where it did; ``seen`` shares the lookups between the
    settings cache and the packs cache of one call (the same refs, most of them missing)."""
    memo: dict[str, str | None] = {} if seen is None else seen
    for ref, commit in refs:
        if ref not in memo:
            memo[ref] = ref_commit(common, ref)
        if memo[ref] != commit:
            return False
    return True


_PACKED: dict[tuple[str, int, int], dict[str, str]] = {}


def _packed(common: str) -> dict[str, str]:
    """``packed-refs`` as ref -> commit, read once per version of the file: the settings and
    the packs caches check the same refs, most of which are in neither form (no ``trunk``)."""
    path = os.path.join(common, "packed-refs")  # noqa: PTH118
    try:
        stat = os.stat(path)  # noqa: PTH116
    except OSError:
        return {}
    key = (path, stat.st_mtime_ns, stat.st_size)
    found = _PACKED.get(key)
    if found is not None:
        return found
    found = {}
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:  # noqa: PTH123
            packed = fh.read(MAX_PACKED_REFS)
    except OSError:
        packed = ""
    for line in packed.splitlines():
        if line and not line.startswith(("#", "^")):
            commit, _, name = line.partition(" ")
            found.setdefault(name, commit)
    _PACKED[key] = found
    return found


def protected_commit(
    common: str, branches: tuple[str, ...]
) -> tuple[list[tuple[str, str | None]], str | None]:
    """The first protected branch that exists (local, else ``origin``'s) and its commit, with
    every ref looked at on the way: they are what the cache is valid for."""
    checked: list[tuple[str, str | None]] = []
    for branch in branches:
        if set(branch) & set("*?["):
            continue
        for ref in (f"refs/heads/{branch}", f"refs/remotes/origin/{branch}"):
            commit = ref_commit(common, ref)
            checked.append((ref, commit))
            if commit:
                return checked, commit
    return checked, None


def write_vocabulary(
    state: str,
    refs: list[tuple[str, str | None]],
    always: frozenset[str],
    gated: dict[str, frozenset[str]],
) -> None:
    data = {
        "refs": refs,
        "always": sorted(always),
        "gated": {k: sorted(v) for k, v in sorted(gated.items())},
    }
    write_cache(state, FILE, data)


def write_cache(state: str, name: str, data: object) -> None:
    """Replace the cache file ``name`` in the state directory at once (never half written)."""
    try:
        os.makedirs(state, exist_ok=True)  # noqa: PTH103
        path = os.path.join(state, name)  # noqa: PTH118
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:  # noqa: PTH123
            json.dump(data, fh)
        os.replace(tmp, path)  # noqa: PTH105
    except OSError:
        return  # no cache: the fast path keeps sending commands to the full path


def cached_vocabulary(
    common: str, state: str, seen: dict[str, str | None] | None = None
) -> tuple[frozenset[str], dict[str, frozenset[str]]] | None:
    """The repository's pack words, or None when they are not known to be current."""
    try:
        with open(os.path.join(state, FILE), encoding="utf-8") as fh:  # noqa: PTH118, PTH123
            data = json.load(fh)
        refs = data["refs"]
        if not refs_current(
            common, [(str(r), None if c is None else str(c)) for r, c in refs], seen
        ):
            return None
        return frozenset(data["always"]), {k: frozenset(v) for k, v in data["gated"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def common_dir(root: str) -> str | None:
    """The git common directory of the work tree at ``root`` (worktrees share their main's)."""
    dot_git = os.path.join(root, ".git")  # noqa: PTH118
    if os.path.isdir(dot_git):  # noqa: PTH112
        return dot_git
    try:
        with open(dot_git, encoding="utf-8", errors="replace") as fh:  # noqa: PTH123
            gitdir = fh.read(4000).strip().removeprefix("gitdir:").strip()
    except OSError:
        return None
    if not os.path.isabs(gitdir):  # noqa: PTH117
        gitdir = os.path.normpath(os.path.join(root, gitdir))  # noqa: PTH118
    try:
        with open(os.path.join(gitdir, "commondir"), encoding="utf-8") as fh:  # noqa: PTH118, PTH123
            rel = fh.read(4000).strip()
    except OSError:
        return gitdir
    return os.path.normpath(os.path.join(gitdir, rel))  # noqa: PTH118


def repository_vocabulary(
    cwd: str, env: dict[str, str] | os._Environ[str], seen: dict[str, str | None] | None = None
) -> tuple[frozenset[str], dict[str, frozenset[str]]] | None:
    """The words the packs of the repository around ``cwd`` add (none outside a repository),
    or None when they are not known to be current (the full path then reads them)."""
    here = os.path.abspath(cwd)  # noqa: PTH100
    while not os.path.exists(os.path.join(here, ".git")):  # noqa: PTH110, PTH118
        parent = os.path.dirname(here)  # noqa: PTH120
        if parent == here:
            return frozenset(), {}
        here = parent
    common = common_dir(here)
    if common is None:
        return None
    state = env.get("COUNTERSIGN_STATE_DIR") or os.path.join(common, "countersign")  # noqa: PTH118
    found = cached_vocabulary(common, state, seen)
    if found is None and not any_branch(common):
        return frozenset(), {}  # no branch has a commit yet: nothing can be committed there
    return found


def any_branch(common: str) -> bool:
    for kind in ("heads", "remotes"):
        for _dirpath, _dirs, files in os.walk(os.path.join(common, "refs", kind)):  # noqa: PTH118
            if files:
                return True
    try:
        with open(os.path.join(common, "packed-refs"), encoding="utf-8", errors="replace") as fh:  # noqa: PTH118, PTH123
            packed = fh.read(MAX_PACKED_REFS)
    except OSError:
        return False
    return " refs/heads/" in packed or " refs/remotes/" in packed
