"""Read a per-commit ``git log`` over a list of commits and read on past the commits git cannot
read: a damaged mirror (a tree or blob missing from the object store) stops ``git log`` at the
first such commit, and everything after it would be lost with it."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from countersign.intake import git


def commit_stream(
    root: Path, args: Sequence[str], commits: Sequence[str], marker: str, unreadable: list[str]
) -> Iterator[bytes]:
    """The output of ``git <args> --no-walk=unsorted --stdin`` over ``commits`` (full ids), in
    chunks. Each commit's record must start with ``marker`` and its full id (``--format``).

    Where git stops on a missing object, it is started again after the commit it stopped in,
    and that commit is added to ``unreadable``. git computes a commit's diff before it prints
    the commit's header and reads blobs for the patch after, so a stop after commit K's header
    is in K's patch or in K+1's diff: the next run says which (it prints K+1's header, or stops
    before it). Each stop moves on by at least one commit."""
    header = re.compile(re.escape(marker.encode()) + rb"([0-9a-f]{40})")
    index = {c: i for i, c in enumerate(commits)}
    start = 0
    suspect: int | None = None  # stopped after this commit's header: its patch, or the next diff
    while start < len(commits):
        last: int | None = None
        carry = b""
        ended = b"\n"
        stdin = "\n".join(commits[start:]).encode() + b"\n"
        try:
            for chunk in git.git_stream(root, *args, "--no-walk=unsorted", "--stdin", stdin=stdin):
                for match in header.finditer(carry + chunk):
                    last = index.get(match.group(1).decode(), last)
                if suspect is not None and last is not None:
                    unreadable.append(commits[suspect])  # this run got past it: its patch
                    suspect = None
                carry = chunk[-64:]
                ended = chunk[-1:]
                yield chunk
        except git.MissingObjectError:
            if ended != b"\n":
                yield b"\n"  # the stopped run's last line is cut; the next starts afresh
            if last is None:
                unreadable.append(commits[start])  # stopped before its header: its diff
                suspect, start = None, start + 1
            else:
                suspect, start = last, last + 1
            continue
        return
    if suspect is not None:
        unreadable.append(commits[suspect])  # the last commit's patch
