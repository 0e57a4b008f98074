"""A repository snapshot to read whole files from: the tree at a revision (the base of the
change, so the catalog is the old one) or a directory on disk. The blast radius reads its
Backstage files, CODEOWNERS and source imports through it."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from countersign.errors import ConfigError
from countersign.intake import git
from countersign.intake.diff import RawEntry

MAX_FILE_BYTES = 2_000_000
_ABSENT, _GITLINK = "000000", "160000"
SKIPPED_DIRS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", ".tox"})
_SERIALS = itertools.count()


@dataclass(frozen=True)
class Delta:
    """How a tree differs from an earlier one: that tree's ``serial``, and every path added,
    removed or edited since. Readers that kept what they read from that tree (edge inference
    in a replay) read again only these paths."""

    since: int
    paths: frozenset[str]


class RepoTree(Protocol):
    def paths(self) -> tuple[str, ...]:
        """Every file, as a ``/``-separated path relative to the root, sorted."""
        ...

    def read(self, paths: Iterable[str]) -> dict[str, str]:
        """The text of each readable file among ``paths`` (binary and huge files left out)."""
        ...

    def read_bytes(self, paths: Iterable[str]) -> dict[str, bytes]:
        """The bytes of each file among ``paths`` that exists, whatever they hold."""
        ...


class SharedBlobs:
    """Blob contents (and their texts) read once and kept for the trees of many commits."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self.texts: dict[str, str] = {}  # blob id -> its text ("" when not text)


class GitTree:
    """The tree of a commit, read with two git processes however many files are asked for.
    ``shared``: blob contents already read (blob id -> bytes), kept across the trees of many
    commits (a replay), so each blob is read from git once."""

    def __init__(self, root: Path, rev: str, shared: SharedBlobs | None = None) -> None:
        self.root, self.rev = root, rev
        self._blobs: dict[str, str] | None = None
        self._gitlinks: tuple[str, ...] = ()
        self._paths: tuple[str, ...] | None = None
        self._shared = shared.data if shared is not None else None
        self._texts = shared.texts if shared is not None else {}
        self.shared = shared
        self.serial = next(_SERIALS)  # names this tree in a later tree's ``delta``
        self.delta: Delta | None = None

    @classmethod
    def listed(
        cls,
        root: Path,
        rev: str,
        blobs: dict[str, str],
        gitlinks: tuple[str, ...],
        shared: SharedBlobs | None = None,
    ) -> GitTree:
        """The tree of ``rev`` as an earlier ``GitTree`` of it listed it (``blobs()``,
        ``gitlinks()``): no git process. ``blobs`` is shared, never changed."""
        tree = cls(root, rev, shared)
        tree._blobs, tree._gitlinks = blobs, gitlinks
        return tree

    def advanced(self, rev: str, raw: Iterable[RawEntry]) -> GitTree:
        """The tree of ``rev``, whose difference from this tree is ``raw`` (``git diff --raw
        -z`` from this tree to ``rev``, as ``read_change`` reads it): listed from this tree's
        listing and the difference instead of by git again (consecutive commits of a replay).
        A path that is not valid UTF-8 in the difference lists ``rev`` afresh: two such paths
        can read the same, and one of them leaving must not take the other with it."""
        blobs = dict(self._listing())
        gitlinks = set(self._gitlinks)
        removed: set[str] = set()
        added: set[str] = set()
        for entry in raw:
            old = entry.old_path if entry.status == "R" and entry.old_path else entry.path
            if "\ufffd" in entry.path or "\ufffd" in old:
                return GitTree(self.root, rev, self.shared)
            if entry.status != "C" and entry.old_mode != _ABSENT:
                held = gitlinks if entry.old_mode == _GITLINK else blobs
                if old not in held:  # not this tree's difference: list it afresh
                    return GitTree(self.root, rev, self.shared)
                if held is gitlinks:
                    gitlinks.discard(old)
                else:
                    del blobs[old]
                    removed.add(old)
            if entry.new_mode == _ABSENT:
                continue
            if entry.path in blobs or entry.path in gitlinks:  # not this tree's difference
                return GitTree(self.root, rev, self.shared)
            if entry.new_mode == _GITLINK:
                gitlinks.add(entry.path)
            else:
                blobs[entry.path] = entry.new_blob
                added.add(entry.path)
        tree = GitTree(self.root, rev, self.shared)
        tree._blobs, tree._gitlinks = blobs, tuple(sorted(gitlinks))
        tree.delta = Delta(self.serial, frozenset(removed | added))
        if removed == added and self._paths is not None:
            tree._paths = self._paths  # the same tuple: memos keyed by it compare at once
        return tree

    def _listing(self) -> dict[str, str]:
        if self._blobs is None:
            out = git.git(self.root, "ls-tree", "-r", "-z", "--full-tree", self.rev)
            blobs: dict[str, str] = {}
            gitlinks: list[str] = []
            for entry in out.decode("utf-8", "replace").split("\0"):
                meta, _, path = entry.partition("\t")
                parts = meta.split()
                if len(parts) == 3 and parts[1] == "blob":
                    blobs[path] = parts[2]
                elif len(parts) == 3 and parts[1] == "commit":
                    gitlinks.append(path)
            self._blobs, self._gitlinks = blobs, tuple(sorted(gitlinks))
        return self._blobs

    def gitlinks(self) -> tuple[str, ...]:
        """The submodules' directories: their files are in other repositories."""
        self._listing()
        return self._gitlinks

    def paths(self) -> tuple[str, ...]:
        if self._paths is None:
            self._paths = tuple(sorted(self._listing()))
        return self._paths

    def read(self, paths: Iterable[str]) -> dict[str, str]:
        if self._shared is None:
            texts = {path: _text(raw) for path, raw in self.read_bytes(paths).items()}
            return {path: text for path, text in texts.items() if text}
        # With a shared cache the same blob gives the same ``str`` object every time, so
        # scans remembered by text hash it once.
        listing = self._listing()
        texts = self._texts
        wanted = [(p, blob) for p in paths if (blob := listing.get(p)) is not None]
        unread = [p for p, blob in wanted if blob not in texts]
        raw = self.read_bytes(unread) if unread else {}
        out: dict[str, str] = {}
        for path, blob in wanted:
            text = texts.get(blob)
            if text is None:
                text = texts[blob] = _text(raw.get(path, b""))
            if text:
                out[path] = text
        return out

    def blobs(self) -> dict[str, str]:
        """Path -> blob id of every file."""
        return self._listing()

    def read_bytes(self, paths: Iterable[str]) -> dict[str, bytes]:
        listing = self._listing()
        wanted = {p: listing[p] for p in paths if p in listing}
        shared = self._shared
        if shared is None:
            data = git.read_blobs(self.root, sorted(set(wanted.values())))
        else:
            missing = sorted({b for b in wanted.values() if b not in shared})
            shared.update(git.read_blobs(self.root, missing))
            data = shared
        return {path: data[blob] for path, blob in wanted.items() if blob in data}


class DirTree:
    """Files under a directory (a working tree, or a fixture in a test)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def paths(self) -> tuple[str, ...]:
        found: list[str] = []
        for top, dirs, files in os.walk(self.root):
            dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
            rel = Path(top).relative_to(self.root).as_posix()
            prefix = "" if rel == "." else f"{rel}/"
            found.extend(prefix + name for name in files)
        return tuple(sorted(found))

    def read(self, paths: Iterable[str]) -> dict[str, str]:
        texts = {path: _text(raw) for path, raw in self.read_bytes(paths).items()}
        return {path: text for path, text in texts.items() if text}

    def read_bytes(self, paths: Iterable[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for path in paths:
            try:
                out[path] = (self.root / path).read_bytes()
            except OSError:
                continue
        return out


def config_texts(tree: RepoTree, paths: Iterable[str]) -> dict[str, str]:
    """Configuration files as text. One that cannot be read as text (NUL bytes, not UTF-8,
    too big) is an error naming it, never left out: a missing file means the packaged
    default, and a broken one must not quietly become it."""
    out: dict[str, str] = {}
    for path, data in tree.read_bytes(paths).items():
        if len(data) > MAX_FILE_BYTES:
            raise ConfigError(path, "", f"is larger than {MAX_FILE_BYTES} bytes; shorten it")
        if b"\0" in data:
            raise ConfigError(path, "", "holds a NUL byte, so it cannot be read; fix the file")
        try:
            out[path] = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(
                path, "", f"is not valid UTF-8 (byte {exc.start}); save it as UTF-8"
            ) from None
    return out


def _text(data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES or b"\0" in data[:8192]:
        return ""
    return data.decode("utf-8", "replace")
