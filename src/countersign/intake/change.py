"""The ``Change`` record: everything the facts stage may look at, read once at the edge."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from countersign.intake.pull_request import PullRequest

if TYPE_CHECKING:
    from countersign.intake.diff import RawEntry


class FileStatus(StrEnum):
    ADDED = "added"
    MODIFIED = "modified"
    DELETED = "deleted"
    RENAMED = "renamed"
    COPIED = "copied"
    TYPE_CHANGED = "type-changed"


@dataclass(frozen=True)
class Line:
    """One added or removed line: its number on its own side of the diff, and its text."""

    number: int
    text: str


@dataclass(frozen=True)
class FileChange:
    """One file in the change. ``old_text``/``new_text`` are the whole file on each side when it
    is text and small enough to analyse; ``None`` when absent (added/deleted), binary or too big
    (``skipped`` then says why)."""

    path: str
    status: FileStatus
    old_path: str | None = None
    added: tuple[Line, ...] = ()
    removed: tuple[Line, ...] = ()
    binary: bool = False
    old_mode: str | None = None
    new_mode: str | None = None
    submodule: bool = False
    old_text: str | None = None
    new_text: str | None = None
    # Why the file's content was not (fully) analysed: NUL bytes, not UTF-8, too big, cut off.
    skipped: str | None = None
    # The path's bytes when they are not UTF-8: ``path`` is for people and rules (U+FFFD where
    # bytes were lost), this is for outputs that must name the file exactly (SARIF URIs).
    path_bytes: bytes | None = None

    @property
    def lines_added(self) -> int:
        return len(self.added)

    @property
    def lines_removed(self) -> int:
        return len(self.removed)


@dataclass(frozen=True)
class Artifact:
    """A file given to the analyzers whole: a plan, a change set, a manifest, a migration.

    ``origin`` is ``explicit`` (``--plan``/``scan``) or ``diff`` (found among the changed files).
    """

    path: str
    text: str
    origin: str = "explicit"
    previous_text: str | None = None
    # SHA-256 of the bytes read (explicit artifacts): the fingerprint hashes bytes, not text.
    sha256: str | None = None


@dataclass(frozen=True)
class Commit:
    sha: str
    author_name: str
    author_email: str
    committer_name: str
    committer_email: str
    authored_at: int
    message: str
    parents: tuple[str, ...] = ()
    notes: dict[str, str] = field(default_factory=dict)
    committed_at: int = 0
    # Paths this commit touches (renames as delete + add) and the lines it adds; empty for
    # merges, whose diff is not their own.
    paths: tuple[str, ...] = ()
    lines_added: int = 0

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0]


@dataclass(frozen=True)
class Change:
    """A proposed change: commits between ``base`` and ``head``, the files and the artifacts.

    ``fingerprint`` identifies the content (patch identity and resulting tree), not the commits,
    so approvals survive a rebase that produces the same result and die with any content edit.
    """

    base: str | None
    head: str | None
    fingerprint: str
    files: tuple[FileChange, ...] = ()
    commits: tuple[Commit, ...] = ()
    artifacts: tuple[Artifact, ...] = ()
    branch: str | None = None
    source: str = "git"
    repo_root: str | None = None
    includes_worktree: bool = False
    tree: str | None = None
    pull_request: PullRequest | None = None
    # The tip of the branch the change lands on (the pull request's base, the pushed-to
    # branch): policy, roster, catalog and pins are read there, never at the merge-base.
    target: str | None = None
    # ``git diff --raw`` from ``base`` to the head (or worktree): each changed path's modes
    # and blob ids, so the head's tree can be listed from the base's (``GitTree.advanced``).
    raw: tuple[RawEntry, ...] = ()

    @property
    def author_email(self) -> str | None:
        """The author of the change: whoever wrote most of its non-merge commits (a long range
        is not its newest commit's author, often a bot); bots (``[bot]``) only when nobody else
        wrote any; on a tie, the newest."""
        own = [c for c in self.commits if len(c.parents) <= 1]
        humans = [c for c in own if "[bot]" not in f"{c.author_name}{c.author_email}".lower()]
        pool = humans or own
        counts = Counter(c.author_email.lower() for c in pool)
        most = max(counts.values(), default=0)
        return next(
            (c.author_email for c in reversed(pool) if counts[c.author_email.lower()] == most), None
        )

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(f.path for f in self.files)
