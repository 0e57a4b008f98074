"""What the protected branch says about the guard (``.countersign/guard.yaml`` and the packs in
``.countersign/guard/``), read from its commit in git's object store with every hash checked
(``object_store``), never from a file the agent can write: the refs are the only thing trusted,
so there is no cache to forge. The fast path knows from here whether a guard.yaml is committed
and which words the repository's packs add; the full path reads the same files to parse them.

Standard library and ``os.path`` only: this runs before every shell command an agent issues.
"""

from __future__ import annotations

import os

from countersign.guard import object_store
from countersign.guard.object_store import Corrupt

__all__ = ["Corrupt", "Unreadable"]

# The same as facts.shell.context.PROTECTED_BRANCHES (a test keeps them equal): importing
# that module would cost the fast path more than the rest of its work.
DEFAULT_BRANCHES = (
    "main", "master", "trunk", "develop", "release/*", "release-*", "production", "prod", "stable",
)  # fmt: skip
GUARD_YAML = ".countersign/guard.yaml"
PACKS_DIR = ".countersign/guard"
DISABLE_FILE = "packs.toml"
MAX_PACKED_REFS = 4_000_000
TREE, GITLINK = b"40000", b"160000"


class Unreadable(Exception):  # noqa: N818 - a state of the store, not an error of ours
    """An object the in-process reader does not find or read (a SHA-256 repository, a
    partial clone...): the full path asks git, the fast path leaves the call to it."""


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


def protected_commit(common: str, branches: tuple[str, ...]) -> tuple[str, str] | None:
    """The first protected branch that exists, ``origin``'s copy when origin has one of them:
    its ref and commit. A local branch is one the agent moves with a plain ``git commit`` (or
    creates: a ``main`` beside origin's ``master``), so it is believed only in a repository
    with no origin copy of any protected branch, where it is the only record there is."""
    if not os.path.isdir(os.path.join(common, "refs", "heads")):  # noqa: PTH112, PTH118
        # reftable (git 2.45+) or another ref backend: read as "no branch yet", the
        # repository's own packs and guard.yaml would be switched off
        raise Unreadable(f"{common}: refs in a format the guard does not read")
    for ref in _candidate_refs(branches):
        commit = ref_commit(common, ref)
        if commit:
            return ref, commit
    return None


def _candidate_refs(branches: tuple[str, ...]) -> list[str]:
    """The refs a protected branch may be, in the order they are believed: origin's copies
    of every named branch, then the local ones (patterns name no single ref)."""
    names = [b for b in branches if not set(b) & set("*?[")]
    return [prefix + b for prefix in ("refs/remotes/origin/", "refs/heads/") for b in names]


def resolved_commit(root: str, common: str, branches: tuple[str, ...]) -> tuple[str, str] | None:
    """``protected_commit``, asking git where the refs are not files this reader reads (the
    full path only); a ``ConfigError`` when git cannot read them either: the guard then asks
    for every call, never judges with the defaults."""
    try:
        return protected_commit(common, branches)
    except Unreadable:
        pass
    from pathlib import Path

    from countersign.errors import ConfigError, InputError
    from countersign.intake import git

    refs = _candidate_refs(branches)
    try:
        out = git.git(Path(root), "for-each-ref", "--format=%(refname) %(objectname)", *refs)
    except InputError as exc:
        raise ConfigError(
            ".git", "", f"the refs of the protected branch cannot be read ({exc})"
        ) from None
    found = dict(line.partition(" ")[::2] for line in out.decode().splitlines())
    return next(((ref, found[ref]) for ref in refs if found.get(ref)), None)


def committed_file(common: str, commit: str, path: str) -> bytes | None:
    """The content of ``path`` at ``commit``, None when it is not a file there."""
    found = _lookup(common, commit, path)
    if found is None or found[0] in (TREE, GITLINK):
        return None
    return _content(common, found[1], b"blob")


def committed_packs(common: str, commit: str) -> list[tuple[str, bytes]]:
    """Every ``*.toml`` file of ``.countersign/guard/`` at ``commit`` (name, content), by name."""
    found = _lookup(common, commit, PACKS_DIR)
    if found is None or found[0] != TREE:
        return []
    files = []
    for mode, name, oid in object_store.tree_entries(_content(common, found[1], b"tree")):
        if mode not in (TREE, GITLINK) and name.endswith(b".toml"):
            files.append((name.decode("utf-8", "replace"), _content(common, oid, b"blob")))
    return sorted(files)


def _lookup(common: str, commit: str, path: str) -> tuple[bytes, str] | None:
    data = _content(common, commit, b"commit")
    if not data.startswith(b"tree ") or data[45:46] != b"\n":
        raise Corrupt(f"commit {commit} does not start with its tree")
    mode, oid = TREE, data[5:45].decode("ascii", "replace")
    for part in path.split("/"):
        if mode != TREE:
            return None
        entry = object_store.tree_entry(_content(common, oid, b"tree"), part.encode())
        if entry is None:
            return None
        mode, oid = entry
    return mode, oid


def _content(common: str, oid: str, kind: bytes) -> bytes:
    found = object_store.read(common, oid)
    if found is None:
        raise Unreadable(f"object {oid} is not in a form the guard reads")
    if found[0] != kind:
        raise Corrupt(f"object {oid} is a {found[0].decode()}, not a {kind.decode()}")
    return found[1]


def common_dir(root: str) -> str | None:
    """The git common directory of the work tree at ``root`` (worktrees share their main's)."""
    dirs = git_dirs(root)
    return dirs[1] if dirs else None


def git_dirs(root: str) -> tuple[str, str] | None:
    """The git directory of the work tree at ``root`` (a worktree's own, which holds its
    ``HEAD``) and the common one (which holds the refs and objects); None outside git."""
    dot_git = os.path.join(root, ".git")  # noqa: PTH118
    if os.path.isdir(dot_git):  # noqa: PTH112
        return dot_git, dot_git
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
        return gitdir, gitdir
    return gitdir, os.path.normpath(os.path.join(gitdir, rel))  # noqa: PTH118


Words = tuple[frozenset[str], dict[str, frozenset[str]]]
NO_WORDS: Words = (frozenset(), {})


def fast_view(top: str) -> tuple[bool, Words] | None:
    """For the fast path, in the work tree at ``top``: whether the protected branch commits a
    guard.yaml, and the words its packs add to the prescreen; None when only the full path
    can tell (the guard.yaml records allows, names its branches in a form read only by the
    YAML parser, or the store cannot be read here, or is not sound)."""
    common = common_dir(top)
    if common is None:
        return None
    try:
        found = protected_commit(common, DEFAULT_BRANCHES)
        if found is None:
            return False, NO_WORDS  # nothing committed on a protected branch: the defaults
        text = committed_file(common, found[1], GUARD_YAML)
        commit: str | None = found[1]
        if text is not None:
            from countersign.guard.plain_config import valid

            if not valid(text):
                return None  # the full path parses it, and asks while it is invalid
            if not plainly_false(text, "log_allows"):
                return None  # the full path records every allow
            if b"protected_branches" in text:
                branches = simple_list(text, "protected_branches")
                if branches is None:
                    return None
                at = protected_commit(common, branches or DEFAULT_BRANCHES)
                commit = at[1] if at else None
        words = pack_words(committed_packs(common, commit)) if commit else NO_WORDS
    except (Unreadable, Corrupt, OSError, RecursionError):
        return None
    if words is None:
        return None
    return text is not None, words


def pack_words(files: list[tuple[str, bytes]]) -> Words | None:
    """Every program the packs name (a rule's, or one the pack describes), as words that
    always send a command to the full path: more than the compiled vocabulary (which knows
    which words a program needs), and enough, since a pack rule only matches a command that
    runs one of its programs. None when a pack is not valid TOML (the full path says so)."""
    if not files:
        return NO_WORDS
    import tomllib  # only in a repository with packs of its own

    names: set[str] = set()
    for name, content in files:
        if name == DISABLE_FILE:
            continue  # switching rules off adds no word
        try:
            data = tomllib.loads(content.decode("utf-8", "replace"))
            programs = data.get("programs", {})
            names.update(str(p) for p in programs)
            for rule in data.get("rule", []):
                names.update(str(p) for p in rule.get("programs", []))
                for form in rule.get("when", []):
                    names.update(str(p) for p in form.get("programs", []))
        except (tomllib.TOMLDecodeError, AttributeError, TypeError):
            return None
    return frozenset(names), {}


_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./*-")


def simple_list(text: bytes, key: str) -> tuple[str, ...] | None:
    """The names of a top-level ``key: [a, b]`` read plainly (``plain_value``), or None."""
    value = plain_value(text, key)
    if value is None or not (value.startswith("[") and value.endswith("]")):
        return None
    items = []
    for item in value[1:-1].split(","):
        word = item.strip()
        if len(word) > 1 and word[0] == word[-1] and word[0] in "'\"":
            word = word[1:-1]
        if not _plain_name(word):
            return None
        items.append(word)
    return tuple(items)


_FALSE = frozenset(("false", "no", "off"))


def plainly_false(text: bytes, key: str) -> bool:
    """Whether the top-level ``key`` is absent, or read plainly as YAML's false."""
    if key.encode() not in text:
        return True
    value = plain_value(text, key)
    return value is not None and value in (
        *_FALSE,
        *(w.title() for w in _FALSE),
        "FALSE",
        "NO",
        "OFF",
    )


def plain_value(text: bytes, key: str) -> str | None:
    """The value of the top-level ``key`` of a YAML text whose meaning there is plain: the key
    once, at the start of a line, its value on that line; the text without anchors, tags,
    merge keys, flow mappings, tabs or a second document. None otherwise (the YAML parser then
    decides, in the full path)."""
    try:
        lines = text.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return None
    if any(c in text for c in b"&!{\t") or b"<<" in text:
        return None
    found: str | None = None
    for line in lines:
        if line.startswith(("---", "...", "%")) or (key in line and not line.startswith(key)):
            return None
        if not line.startswith(key):
            continue
        rest = line[len(key) :]
        if found is not None or not rest.startswith(":"):
            return None
        found = rest[1:].partition(" #")[0].strip()
    return found


_NOT_NAMES = frozenset(("y", "n", "yes", "no", "true", "false", "on", "off", "null"))


def _plain_name(word: str) -> bool:
    """Whether YAML reads ``word`` as this string (not a number, boolean, null or alias)."""
    return (
        bool(word)
        and set(word) <= _PLAIN
        and not word[0].isdigit()
        and word[0] not in "-*.+"
        and word.lower() not in _NOT_NAMES
    )
